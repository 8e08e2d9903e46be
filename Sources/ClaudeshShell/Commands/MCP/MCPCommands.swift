import ClaudeshKit

/// mcp: the servers in the client config files, and their probe.
enum MCPCommands {
    static let group = CommandGroup.mcp

    @MainActor
    static var command: Command {
        Command(
            "mcp", group: group, summary: "MCP servers: list, add, remove, import, check; tools, calls, resources, prompts",
            discussion: """
            The servers are the mcpServers entries of a client's own config file: Claude Desktop's
            (desktop), Claude Code's ~/.claude.json (user, and local: the current project's entry
            there), or ./.mcp.json (project). The mcp-config setting picks the default; --config,
            or -s/--scope local|project|user as claude mcp takes it, overrides it for one command.
            mcp list --all shows every server Claude knows, plugins and extensions too.
            """,
            subcommands: [list, get, add, addJSON, addFromClaudeDesktop, remove, importServers, disable, enable] + MCPHistoryCommands.all + MCPCheckCommands.all + MCPClientCommands.all + [MCPCanaryCommands.canary, MCPPinCommands.pin]
        )
    }

    static let list = Command(
        "list", group: group, summary: "List the configured servers (env and header names, never values); --all: every server Claude knows",
        discussion: """
        Without --all, the servers of one config (--config, default the mcp-config setting).
        With --all (or --scope, --client, --project), every entry Claude knows for the project
        (the current folder, or --project PATH): Claude Code's local, project, user, managed and
        plugin servers, Claude Desktop's config and extensions; each with its state: active,
        shadowed (a scope that wins has the name: local over project over user over plugins),
        disabled, pending approval or rejected (.mcp.json), denied (allow/deny lists), ignored
        (another project's; a managed-mcp.json in control; a required extension setting unset).
        """,
        flags: Flag.inventory + [.config, .json],
        examples: ["mcp list", "mcp list --config desktop", "mcp list --all", "mcp list --scope local", "mcp list --all --client code --json"]
    ) { invocation in
        let arguments = invocation.arguments
        if let filter = try arguments.inventoryFilter() { return InventoryRendering.list(invocation, filter) }
        let config = try invocation.workspace.config(arguments.value("config"))
        var rows: [[String]] = []
        var items: [JSONValue] = []
        for configured in config.servers {
            let name = configured.name
            switch configured.definition {
            case .success(let server):
                let settings = server.settingNames + server.secrets.map { "\($0.variable)←\($0.name)" }
                rows.append([name, server.transport.name, server.summary.clipped(70), settings.joined(separator: ", ")])
                items.append(.object([
                    ("name", .string(name)), ("transport", .string(server.transport.name)), ("target", .string(server.summary)),
                    ("settings", .array(server.settingNames.map(JSONValue.string))),
                    ("secrets", .array(server.secrets.map { .object([("env", .string($0.variable)), ("secret", .string($0.name))]) })),
                    ("problem", .null),
                ]))
            case .failure(let error):
                rows.append([name, "?", "invalid: \(error.description)", ""])
                items.append(.object([
                    ("name", .string(name)), ("transport", .null), ("target", .null), ("settings", .array([])),
                    ("secrets", .array([])), ("problem", .string(error.description)),
                ]))
            }
        }
        // The entries mcp disable took out of this file (it has no switch of its own).
        let parked = ((try? invocation.workspace.parkedServers.all()) ?? []).filter { $0.config == config.location.key }
        for entry in parked {
            let target = (try? ServerDefinition(name: entry.server, entry: entry.parked.entry))?.summary ?? "?"
            rows.append([entry.server, "-", "disabled (mcp enable \(entry.server)): \(target)".clipped(70), ""])
        }
        if invocation.wantsJSON {
            invocation.output.json(.object([("config", .string(config.location.description)), ("servers", .array(items)),
                                            ("disabled", .array(parked.map { .string($0.server) }))]))
        } else if rows.isEmpty {
            invocation.output.line(noServers(in: config.location.description))
        } else {
            invocation.output.line(invocation.output.styled(config.location.description, .dim))
            invocation.output.line(Table(headers: ["NAME", "TRANSPORT", "COMMAND OR URL", "ENV, HEADERS, SECRETS"], rows: rows, width: invocation.terminalWidth).render())
        }
        return .success
    }

    static let get = Command(
        "get", group: group, summary: "Show one server's entry (env and header values masked)",
        arguments: [Argument("NAME", "the server", completion: .serverNames)],
        flags: [.scope, .config, .json],
        examples: ["mcp get time", "mcp get github --json", "mcp get -s local sentry"]
    ) { invocation in
        let name = invocation.arguments.positionals[0]
        // Without -s or --config, a server of another scope (a plugin's, time@user) is found too.
        let found = try invocation.workspace.resolveServer(name, config: try invocation.arguments.configWord())
        let entry = found.entry
        let server = try ServerDefinition(name: found.name, entry: entry)
        let masked = ServerEntry.masked(entry: entry)
        let place = found.config.split(separator: "#", maxSplits: 1).map(String.init)
        let shown = place.count == 2 ? "\(place[0]) (\(place[0].hasSuffix(".claude.json") ? "local scope of \(place[1])" : "server \(place[1])"))" : found.config
        if invocation.wantsJSON {
            invocation.output.json(.object([("name", .string(name)), ("config", .string(shown)), ("entry", masked)]))
            return .success
        }
        var rows = [["name", name], ["config", shown], ["transport", server.transport.name]]
        switch server.transport {
        case .stdio(let command, let arguments, let environment):
            if let wrapped = SecretWrapper.unwrap(command: command, arguments: arguments) {
                rows.append(["command", wrapped.command])
                if !wrapped.arguments.isEmpty { rows.append(["args", wrapped.arguments.map(ScriptWord.quoted).joined(separator: " ")]) }
                for secret in wrapped.secrets { rows.append(["secret", "\(secret.variable) ← pass \(secret.name)"]) }
                rows.append(["started by", command + " exec"])
            } else {
                rows.append(["command", command])
                if !arguments.isEmpty { rows.append(["args", arguments.map(ScriptWord.quoted).joined(separator: " ")]) }
            }
            for (key, value) in environment { rows.append(["env", "\(key)=\(ServerEntry.masked(value))"]) }
        case .http(let url, let headers), .sse(let url, let headers):
            rows.append(["url", ServerEntry.maskedURL(url)])
            for (key, value) in headers { rows.append(["header", "\(key): \(ServerEntry.masked(value))"]) }
        }
        invocation.output.line(Table(headers: [], rows: rows, width: invocation.terminalWidth).render())
        return .success
    }

    static let add = Command(
        "add", group: group, summary: "Add a server: a command (stdio) or a URL (http, sse)",
        discussion: """
        Put -- before the command so its own flags are not read as claudesh's.
        -s/--scope local|project|user writes where claude mcp add -s would (local: this
        project's entry in ~/.claude.json); without it, the mcp-config setting's config.
        ${VAR} and ${VAR:-default} in the command, args, env, URL and headers are expanded when
        the server is started, as Claude Code does.
        --secret ENV=NAME writes an entry that starts the server through 'claudesh exec', which
        decrypts NAME from the store into ENV: the config holds the name, never the value.
        """,
        arguments: [
            Argument("NAME", "the server's name"),
            Argument("COMMAND|URL", "the program to start, or the server's URL with --transport http|sse"),
            Argument("ARGS", "the program's arguments", optional: true, variadic: true),
        ],
        flags: [
            Flag("transport", short: "t", value: "stdio|http|sse", "how to reach the server (default stdio)", completion: .choices(["stdio", "http", "sse"])),
            Flag("env", short: "e", value: "KEY=VALUE", "an environment variable for the server", repeatable: true),
            Flag("header", short: "H", value: "NAME:VALUE", "an HTTP header for a remote server", repeatable: true),
            .secret("put the store's secret NAME in the variable ENV", short: nil),
            .scope,
            .config,
        ],
        examples: [
            "mcp add time -- uvx mcp-server-time",
            "mcp add -s local -t http sentry https://mcp.sentry.dev/mcp",
            "mcp add github --secret GITHUB_PERSONAL_ACCESS_TOKEN=claude/github-token -- npx -y @modelcontextprotocol/server-github",
            "mcp add github --env GITHUB_TOKEN='${GITHUB_TOKEN}' -- npx -y @modelcontextprotocol/server-github",
            "mcp add docs --transport http https://mcp.example.com/mcp --header 'Authorization: Bearer ${DOCS_TOKEN}'",
        ]
    ) { invocation in
        let arguments = invocation.arguments
        let name = try checkedName(arguments.positionals[0])
        let transport = arguments.value("transport") ?? "stdio"
        let rest = Array(arguments.positionals.dropFirst())
        let entry: JSONValue
        switch transport {
        case "stdio":
            guard arguments.values("header").isEmpty else { throw ShellError.usage("--header is for http and sse servers; a stdio server takes --env") }
            let environment = try arguments.values("env").map { text throws in try ServerEntry.environmentPair(text) }
            // Written as asked, but said at once: the file is readable by every program of the user's.
            for found in ClearTextSecret.find(server: name, environment: environment) {
                invocation.output.error(
                    "warning: --env \(found.variable) looks like a \(found.kind) and is written in clear to the config; "
                        + "to keep it out of the file: secrets insert \(found.secretName), then "
                        + "mcp remove \(name) and mcp add \(name) --secret \(found.variable)=\(found.secretName) -- \(rest.joined(separator: " "))"
                )
            }
            let plain = ServerEntry.stdio(command: rest[0], arguments: Array(rest.dropFirst()), environment: environment)
            entry = try invocation.workspace.entry(plain, withSecrets: try arguments.secretReferences())
        case "http", "sse":
            guard rest.count == 1 else { throw ShellError.usage("a \(transport) server takes one URL, not a command line") }
            guard arguments.values("env").isEmpty, arguments.values("secret").isEmpty else {
                throw ShellError.usage("--env and --secret are for stdio servers; a remote server takes --header")
            }
            let url = try ServerEntry.remoteURL(rest[0])
            let headers = try arguments.values("header").map { text throws in try ServerEntry.header(text) }
            entry = ServerEntry.remote(type: transport, url: url, headers: headers)
        default:
            throw ShellError.usage("unknown transport '\(transport.clipped())': use stdio, http or sse")
        }
        return try addEntry(name, entry, invocation, what: "\(transport) server '\(name)'")
    }

    /// Adds `entry` as `name`, and says what was done.
    @MainActor
    static func addEntry(_ name: String, _ entry: JSONValue, _ invocation: Invocation, what: String) throws -> ExitStatus {
        switch try invocation.workspace.addServer(name, entry, to: try invocation.arguments.configWord()) {
        case .alreadyThere(let path):
            invocation.output.line("Already done: '\(name)' is in \(path) as given; nothing written")
        case .added(let path, let written):
            invocation.output.line(saved(("Added", "would add"), what, "in", path, written: written))
        }
        return .success
    }

    /// "Added WHAT in FILE", or under --dry-run "would add WHAT in FILE (not written)".
    static func saved(_ verb: (done: String, would: String), _ what: String, _ preposition: String, _ path: String, written: Bool) -> String {
        written ? "\(verb.done) \(what) \(preposition) \(path)" : "\(verb.would) \(what) \(preposition) \(path) (not written)"
    }

    /// What `list` and `check` say of a config without servers.
    static func noServers(in path: String) -> String {
        "No MCP servers in \(path). Add one: mcp add NAME -- COMMAND ARGS..."
    }

    static let addJSON = Command(
        "add-json", group: group, summary: "Add a server from its JSON entry, as the client's file has it",
        arguments: [Argument("NAME", "the server's name"), Argument("JSON", "the entry, e.g. '{\"command\":\"uvx\",\"args\":[\"mcp-server-time\"]}'")],
        flags: [.scope, .config],
        examples: [#"mcp add-json time '{"command":"uvx","args":["mcp-server-time"]}'"#]
    ) { invocation in
        let name = try checkedName(invocation.arguments.positionals[0])
        let entry: JSONValue
        do throws(JSONParser.Error) {
            entry = try JSONParser.parse(invocation.arguments.positionals[1])
        } catch {
            throw ShellError.usage("JSON:\(error.line):\(error.column): \(error.message)")
        }
        _ = try ServerDefinition(name: name, entry: entry)
        return try addEntry(name, entry, invocation, what: "server '\(name)'")
    }

    static let remove = Command(
        "remove", aliases: ["rm"], group: group, summary: "Remove a server from the config",
        arguments: [Argument("NAME", "the server", completion: .serverNames)],
        flags: [.scope, .config],
        examples: ["mcp remove filesystem", "mcp remove -s local sentry"]
    ) { invocation in
        let name = invocation.arguments.positionals[0]
        let removed = try invocation.workspace.removeServer(name, from: try invocation.arguments.configWord())
        invocation.output.line(saved(("Removed", "would remove"), "server '\(name)'", "from", removed.path, written: removed.written))
        return .success
    }

    static let importServers = Command(
        "import", group: group, summary: "Copy servers from another config; a name already there with a different entry is reported, not overwritten",
        flags: [
            Flag("from", value: "desktop|user|project|FILE", "the config to copy from", completion: .configTargets),
            Flag("to", value: "desktop|user|project|FILE", "the config to copy into (default: the mcp-config setting)", completion: .configTargets),
        ],
        examples: ["mcp import --from desktop --to user", "mcp import --from ~/old/claude_desktop_config.json"]
    ) { invocation in
        guard let from = invocation.arguments.value("from") else { throw ShellError.usage("say where from: mcp import --from desktop|user|project|FILE") }
        return render(try invocation.workspace.importServers(from: from, to: invocation.arguments.value("to")), invocation)
    }

    static let addFromClaudeDesktop = Command(
        "add-from-claude-desktop", group: group, summary: "Copy Claude Desktop's servers into Claude Code (local scope unless -s says)",
        discussion: """
        As claude mcp add-from-claude-desktop, without its picker: every server of Desktop's
        config is copied; a name already there with a different entry is reported, not
        overwritten (mcp import --from desktop --to FILE copies into any config).
        """,
        flags: [.scope],
        examples: ["mcp add-from-claude-desktop", "mcp add-from-claude-desktop -s user"]
    ) { invocation in
        render(try invocation.workspace.importServers(from: "desktop", to: try invocation.arguments.configWord() ?? "local"), invocation)
    }

    /// What an import did.
    @MainActor
    static func render(_ imported: Workspace.Imported, _ invocation: Invocation) -> ExitStatus {
        let report = imported.report
        if !report.added.isEmpty {
            invocation.output.line(saved(("Imported", "would import"), "\(report.added.count) server\(report.added.count == 1 ? "" : "s") (\(report.added.joined(separator: ", ")))", "into", imported.path, written: imported.written))
        }
        if !report.identical.isEmpty {
            invocation.output.line("Already there, unchanged: \(report.identical.joined(separator: ", "))")
        }
        for name in report.clashes {
            invocation.session.report("'\(name)' is already in \(imported.path) with a different entry: left as it is (mcp remove \(name) --config \(imported.path) first to take the imported one)")
        }
        return report.clashes.isEmpty ? .success : .failure
    }

    static let disable = Command(
        "disable", group: group, summary: "Turn a server off without losing its entry (mcp enable turns it back on)",
        discussion: """
        The way its client does it where it has a way: a Claude Code local, user or plugin
        server goes in the project's disabledMcpServers in ~/.claude.json (what /mcp writes;
        per project, as Claude Code keeps it); a .mcp.json server is rejected in the project's
        .claude/settings.local.json (disabledMcpjsonServers). Claude Desktop's config has no
        switch: its entry is taken out and kept, text and place, in HOME/disabled-servers.json
        (mode 0600), and mcp enable puts it back byte for byte where it was. Managed and
        extension servers are read-only. A name in several places needs -s or --config.
        """,
        arguments: [Argument("NAME", "the server", completion: .inventoryNames)],
        flags: [Flag.inventory[1], Flag.inventory[3], .config],
        examples: ["mcp disable github", "mcp disable -s user time", "mcp disable time --config desktop"]
    ) { invocation in
        try toggle(invocation, enabling: false)
    }

    static let enable = Command(
        "enable", group: group, summary: "Turn a disabled server back on",
        arguments: [Argument("NAME", "the server", completion: .inventoryNames)],
        flags: [Flag.inventory[1], Flag.inventory[3], .config],
        examples: ["mcp enable github", "mcp enable time --config desktop"]
    ) { invocation in
        try toggle(invocation, enabling: true)
    }

    @MainActor
    static func toggle(_ invocation: Invocation, enabling: Bool) throws -> ExitStatus {
        let arguments = invocation.arguments
        let name = arguments.positionals[0]
        let workspace = invocation.workspace
        let done = enabling
            ? try workspace.enableServer(name, scope: arguments.value("scope"), config: arguments.value("config"), project: arguments.value("project"))
            : try workspace.disableServer(name, scope: arguments.value("scope"), config: arguments.value("config"), project: arguments.value("project"))
        let verb = enabling ? "enabled" : "disabled"
        if done.already {
            invocation.output.line("Already \(verb): \(name) (\(done.scope.word)); \(done.how.hasPrefix("it is") ? done.how : "nothing written")")
        } else if !done.written {
            invocation.output.line("would have \(verb) \(name) (\(done.scope.word)): \(done.how) (not written)")
        } else {
            invocation.output.line("\(verb.prefix(1).uppercased() + verb.dropFirst()) \(name) (\(done.scope.word)): \(done.how)")
        }
        if !done.alsoAffected.isEmpty {
            invocation.output.line("Claude Code's switch goes by name in a project: \(done.alsoAffected.joined(separator: ", ")) \(done.alsoAffected.count == 1 ? "is" : "are") \(verb) too")
        }
        if let stillOff = done.stillOff {
            invocation.session.report("\(name) (\(done.scope.word)) is still not started: \(stillOff)")
            return .failure
        }
        return .success
    }

    /// A server name: not empty, no control characters; the clients take anything else.
    static func checkedName(_ name: String) throws(ShellError) -> String {
        guard !name.isEmpty, !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw .usage("a server name must not be empty or hold control characters")
        }
        return name
    }
}
