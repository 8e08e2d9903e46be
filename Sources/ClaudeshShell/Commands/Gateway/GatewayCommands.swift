#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeshKit

/// gateway, gateway add/remove/list, gateway tools: one MCP server for Claude in front of the
/// servers of a profile, and the profile's backends and tools.
enum GatewayCommands {
    static let group = CommandGroup.mcp

    static let profile = Flag("profile", value: "NAME", "the gateway profile (default: default)", completion: .gatewayProfiles)

    @MainActor
    static var command: Command {
        Command(
            "gateway", group: group, summary: "Serve one MCP server in front of every backend of a profile (stdio for a client entry)",
            discussion: """
            The gateway speaks both protocol eras (the stateless 2026-07-28 revision and the
            initialize handshake) on its stdin and stdout, the way a client entry starts it.
            Its backends are the servers added with gateway add, each started (secrets
            injected, stderr to HOME/logs/mcp-NAME.log, masked) at the first request that
            needs it, started again after it died, and ended with the gateway. Their tools and
            prompts are named BACKEND_NAME (time_get_current_time), their resources
            gateway://BACKEND/URI; gateway tools disable hides one tool. Every result leaves
            masked by the session's redactor (loaded secrets, the entries' values, token
            shapes).
            """,
            flags: [Flag("stdio", "serve on stdin and stdout (the default; needed when stdin is a terminal)"),
                    Flag("listen", value: "[HOST:]PORT", "serve streamable HTTP at http://HOST:PORT/mcp instead (host 127.0.0.1 unless given)"), profile],
            examples: ["claudesh gateway   (as a client entry's command)", "gateway --listen 8811", "gateway add time", "gateway tools disable time convert_time"],
            subcommands: [add, remove, list, tools, token, status, connect, bridge]
        ) { invocation in
            if let listen = invocation.arguments.value("listen") {
                let (host, port) = try Workspace.listenAddress(listen)
                let output = invocation.output
                let profile = profileName(invocation)
                try await invocation.workspace.serveGatewayOnHTTP(profile: profile, host: host, port: port) { port in
                    let shown = host.contains(":") ? "[\(host)]" : host
                    Task { @MainActor in output.line("The \(profile) gateway listens on http://\(shown):\(port)/mcp (bearer token: pass show \(Workspace.gatewayTokenEntry)); Ctrl-C stops it") }
                }
                return .success
            }
            if isatty(0) == 1 && !invocation.arguments.has("stdio") {
                throw ShellError.usage("the gateway reads MCP messages on stdin, which is a terminal here: it is meant for a client's entry; give --stdio to type them by hand")
            }
            try await invocation.workspace.serveGatewayOnStdio(profile: profileName(invocation))
            return .success
        }
    }

    static let status = Command(
        "status", group: group, summary: "The gateway's listener and, per backend, its state, restarts and calls (the last hour)",
        flags: [profile, .json],
        examples: ["gateway status", "gateway status --json"]
    ) { invocation in
        let status = try invocation.workspace.gatewayStatus(profile: profileName(invocation))
        if invocation.wantsJSON {
            invocation.output.json(.object([
                ("profile", .string(status.profile)),
                ("listener", status.listener.map { .object([("url", .string($0.url)), ("pid", .int(Int($0.pid))), ("since", .int($0.since))]) } ?? .null),
                ("backends", .array(status.backends.map { backend in
                    .object([("backend", .string(backend.name)), ("kind", .string(backend.kind)), ("state", .string(backend.state)),
                             ("restarts", .int(backend.restarts)), ("calls_per_minute", .double(backend.callsPerMinute)),
                             ("calls", .int(backend.calls)), ("failures", .int(backend.failures)),
                             ("p50_ms", backend.p50.map { .double($0) } ?? .null), ("p95_ms", backend.p95.map { .double($0) } ?? .null)])
                })),
            ]))
            return .success
        }
        if let listener = status.listener {
            invocation.output.line("The \(status.profile) gateway listens on \(listener.url) (pid \(listener.pid), since \(Timestamp.age(seconds: Timestamp.now - listener.since)) ago)")
        } else {
            invocation.output.line("The \(status.profile) gateway is not listening over HTTP (a stdio gateway runs while its client does); its calls of the last hour:")
        }
        guard !status.backends.isEmpty else {
            invocation.output.line("No backends: gateway add NAME puts a server behind it")
            return .success
        }
        func ms(_ value: Double?) -> String { value.map(HealthChecks.milliseconds) ?? "-" }
        let rows = status.backends.map { backend in
            [backend.name, backend.kind, backend.state, String(backend.restarts), backend.calls == 0 ? "-" : String(backend.callsPerMinute),
             String(backend.calls), String(backend.failures), ms(backend.p50), ms(backend.p95)]
        }
        invocation.output.line(Table(headers: ["BACKEND", "KIND", "STATE", "RESTARTS", "CALLS/MIN", "CALLS", "FAILED", "P50", "P95"], rows: rows,
                                     width: invocation.terminalWidth).render())
        return .success
    }

    static let connect = Command(
        "connect", group: group, summary: "Write the client entry that starts the gateway, and offer to disable the entries it fronts",
        discussion: """
        The entry runs claudesh gateway on stdio (with this session's home, keyring, store and
        engine, and the settings that differ from their defaults); with --listen, claudesh
        gateway bridge URL, which carries the client's stdio to a gateway already listening
        there (one started by gateway --listen or by schedule install --gateway) with the token
        from the pass store. Servers of that config the gateway now fronts would be started
        twice: on a terminal (or with --yes) they are disabled there, as mcp disable does; mcp
        enable puts each back.
        """,
        arguments: [Argument("CLIENT", "desktop, user or project", completion: .choices(["desktop", "user", "project"]))],
        flags: [Flag("name", value: "NAME", "the entry's name (default claudesh-gateway)"),
                Flag("listen", value: "[HOST:]PORT", "reach a gateway listening there instead of starting one"), profile],
        examples: ["gateway connect desktop", "gateway connect user --listen 8811", "gateway connect project --name tools"]
    ) { invocation in
        let arguments = invocation.arguments
        let client = arguments.positionals[0]
        guard ["desktop", "user", "project"].contains(client) else {
            throw ShellError.usage("gateway connect takes desktop, user or project, not \(client)" + Suggestions.hint(for: client, among: ["desktop", "user", "project"]))
        }
        let url = try arguments.value("listen").map { word -> String in
            let (host, port) = try Workspace.listenAddress(word)
            return "http://\(host.contains(":") ? "[\(host)]" : host):\(port)/mcp"
        }
        let connected = try invocation.workspace.connectGateway(to: client, name: arguments.value("name") ?? "claudesh-gateway",
                                                                profile: profileName(invocation), listen: url)
        switch connected.added {
        case .alreadyThere(let path): invocation.output.line("Already done: \(connected.name) in \(path) starts the gateway")
        case .added(let path, let written): invocation.output.line("Added \(connected.name) to \(path)" + (written ? "" : " (dry run)"))
        }
        guard !connected.fronted.isEmpty else { return .success }
        let names = connected.fronted.joined(separator: ", ")
        invocation.output.line("The gateway fronts \(names), which \(client) starts by itself too")
        guard invocation.assumesYes || invocation.session.askUser != nil else {
            invocation.output.line("To use them only through the gateway: " + connected.fronted.map { "mcp disable \($0) -s \(client)" }.joined(separator: "; "))
            return .success
        }
        do {
            try invocation.confirm("Disable \(names) in \(client) (mcp enable puts each back)?")
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            invocation.output.line("Left as they are; mcp disable NAME -s \(client) turns one off")
            return .success
        }
        for server in connected.fronted {
            let done = try invocation.workspace.disableServer(server, scope: client, config: nil, project: nil)
            invocation.output.line("Disabled \(server): \(done.how)")
        }
        return .success
    }

    static let bridge = Command(
        "bridge", group: group, summary: "Carry this process's stdio to a gateway listening over HTTP (a client entry's command)",
        arguments: [Argument("URL", "the gateway's URL (http://127.0.0.1:8811/mcp)")],
        examples: ["claudesh gateway bridge http://127.0.0.1:8811/mcp   (as a client entry's command)"]
    ) { invocation in
        try await invocation.workspace.serveGatewayBridge(url: invocation.arguments.positionals[0])
        return .success
    }

    static let token = Command(
        "token", group: group, summary: "Make a new bearer token for the HTTP listener, kept only in the pass store",
        discussion: """
        256 random bits, stored as claudesh/gateway-token (pass show claudesh/gateway-token
        prints it for a client's configuration). A new token replaces the old one: a gateway
        started from now on refuses the old one with 401.
        """,
        examples: ["gateway token"]
    ) { invocation in
        try await invocation.workspace.makeGatewayToken()
        invocation.output.line("Made a new gateway token, kept in the pass store as \(Workspace.gatewayTokenEntry) (pass show \(Workspace.gatewayTokenEntry) prints it)")
        return .success
    }

    @MainActor
    static func profileName(_ invocation: Invocation) -> String {
        invocation.arguments.value("profile") ?? GatewayProfile.defaultName
    }

    static let add = Command(
        "add", group: group, summary: "Put a server Claude knows behind the gateway (as mcp check names it)",
        arguments: [Argument("NAME", "the server (time, time@user, plugin:p:s)", completion: .serverNames)],
        flags: [profile],
        examples: ["gateway add time", "gateway add github@user --profile work"]
    ) { invocation in
        let name = invocation.arguments.positionals[0]
        let profile = try invocation.workspace.addGatewayServer(name, profile: profileName(invocation))
        invocation.output.line("Added \(name) to the \(profile.name) gateway as \(Workspace.gatewayBackendName(name)) (\(profile.servers.count) backend\(profile.servers.count == 1 ? "" : "s")); a gateway running now serves it within a second")
        return .success
    }

    static let remove = Command(
        "remove", aliases: ["rm"], group: group, summary: "Take a server from behind the gateway (its entry stays as it is)",
        arguments: [Argument("NAME", "the backend's server", completion: .gatewayServers)],
        flags: [profile],
        examples: ["gateway remove time"]
    ) { invocation in
        let name = invocation.arguments.positionals[0]
        let profile = try invocation.workspace.removeGatewayServer(name, profile: profileName(invocation))
        invocation.output.line("Removed \(name) from the \(profile.name) gateway; a gateway running now stops it within a second")
        return .success
    }

    static let list = Command(
        "list", aliases: ["ls"], group: group, summary: "The gateway's backends (added servers, compose services) and the tools each keeps to itself",
        flags: [profile, .json],
        examples: ["gateway list", "gateway list --json"]
    ) { invocation in
        let (profile, backends) = try invocation.workspace.gatewayBackends(profile: profileName(invocation))
        if invocation.wantsJSON {
            invocation.output.json(.object([
                ("profile", .string(profile.name)),
                ("backends", .array(backends.map { entry in
                    .object([("backend", .string(entry.backend)), ("source", .string(entry.source)), ("kind", .string(entry.kind)),
                             ("disabledTools", .array(entry.disabledTools.map { .string($0) }))])
                })),
            ]))
            return .success
        }
        guard !backends.isEmpty else {
            invocation.output.line("The \(profile.name) gateway has no backends yet: gateway add NAME puts a server behind it, and the compose file's services are its backends too")
            return .success
        }
        let rows = backends.map { [$0.backend, $0.kind == "compose" ? "compose service \($0.source)" : $0.source, $0.disabledTools.isEmpty ? "-" : $0.disabledTools.joined(separator: ", ")] }
        invocation.output.line(Table(headers: ["BACKEND", "FROM", "DISABLED TOOLS"], rows: rows, width: invocation.terminalWidth).render())
        return .success
    }

    static var tools: Command {
        Command(
            "tools", group: group, summary: "Hide a backend's tool from the gateway, or show it again",
            examples: ["gateway tools disable time convert_time", "gateway tools enable time convert_time"],
            subcommands: [toolSwitch("disable", enabled: false), toolSwitch("enable", enabled: true)]
        )
    }

    static func toolSwitch(_ name: String, enabled: Bool) -> Command {
        Command(
            name, group: group, summary: enabled ? "Offer a hidden tool again" : "Neither list nor call this tool of the backend",
            arguments: [Argument("BACKEND", "the backend (as gateway list names it)", completion: .gatewayBackends),
                        Argument("TOOL", enabled ? "a tool it hides" : "the backend's own name of the tool (checked against the tools its server lists)",
                                 completion: enabled ? .gatewayHiddenTools : .gatewayBackendTools)],
            flags: [profile],
            examples: ["gateway tools \(name) time convert_time"]
        ) { invocation in
            let (backend, tool) = (invocation.arguments.positionals[0], invocation.arguments.positionals[1])
            let done = try await invocation.workspace.switchGatewayTool(tool, of: backend, enabled: enabled, profile: profileName(invocation))
            invocation.output.line((enabled ? "The gateway offers \(backend)'s \(tool) again" : "The gateway neither lists nor calls \(backend)'s \(tool)")
                                   + "; a gateway running now takes it within a second, and tells its clients")
            if let why = done.unchecked { invocation.output.error("note: \(backend)'s tools could not be listed to check the name (\(why))") }
            return .success
        }
    }
}

extension Completion {
    /// The profiles `HOME/gateway.json` has.
    static let gatewayProfiles = Completion.custom { input in
        (try? Workspace(input.context.lookingOnly).gatewayProfileNames()) ?? []
    }

    /// The servers behind the line's profile.
    static let gatewayServers = Completion.custom { input in
        (try? Workspace(input.context.lookingOnly).gatewayProfile(input.flags["profile"] ?? GatewayProfile.defaultName).servers) ?? []
    }

    /// The tools the line's backend offers, as its server lists them now (bounded as `mcp call`'s are).
    static let gatewayBackendTools = Completion.custom { input in
        guard let backend = input.positionals.first else { return [] }
        let workspace = Workspace(input.context.lookingOnly)
        let profile = input.flags["profile"] ?? GatewayProfile.defaultName
        return blocking { await workspace.gatewayToolsForCompletion(backend, profile: profile, within: bound) }
    }

    /// The tools the line's backend hides.
    static let gatewayHiddenTools = Completion.custom { input in
        guard let backend = input.positionals.first else { return [] }
        let entries = (try? Workspace(input.context.lookingOnly).gatewayBackends(profile: input.flags["profile"] ?? GatewayProfile.defaultName).backends) ?? []
        return entries.first { $0.backend == backend }?.disabledTools ?? []
    }

    /// The backends of the line's profile, by the name the gateway gives them.
    static let gatewayBackends = Completion.custom { input in
        ((try? Workspace(input.context.lookingOnly).gatewayBackends(profile: input.flags["profile"] ?? GatewayProfile.defaultName).backends) ?? []).map(\.backend)
    }
}
