#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The gateway's profiles (`HOME/gateway.json`) and the gateway made from one.
extension Workspace {
    var gatewayProfiles: GatewayProfiles { GatewayProfiles(home: home) }

    package func gatewayProfile(_ name: String = GatewayProfile.defaultName) throws -> GatewayProfile {
        try gatewayProfiles.profile(name)
    }

    package func gatewayProfileNames() throws -> [String] {
        Array(Set(try gatewayProfiles.all().map(\.name) + [GatewayProfile.defaultName])).sorted()
    }

    /// One backend as `gateway list` shows it.
    package struct GatewayBackendEntry: Sendable, Equatable {
        package var backend: String
        /// The server name it was added as, or the compose service.
        package var source: String
        /// `entry` (a server Claude knows) or `compose` (a service of the compose file).
        package var kind: String
        package var disabledTools: [String]
    }

    /// The backends of `profile`: its added servers, then the compose file's services.
    package func gatewayBackends(profile name: String = GatewayProfile.defaultName) throws -> (profile: GatewayProfile, backends: [GatewayBackendEntry]) {
        let profile = try gatewayProfile(name)
        var entries = profile.servers.map { server in
            GatewayBackendEntry(backend: Self.gatewayBackendName(server), source: server, kind: "entry", disabledTools: [])
        }
        if profile.composeServices {
            entries += composeBackends(taken: Set(entries.map(\.backend))).map { GatewayBackendEntry(backend: $0.name, source: $0.name, kind: "compose", disabledTools: []) }
        }
        for index in entries.indices { entries[index].disabledTools = profile.disabledTools[entries[index].backend] ?? [] }
        return (profile, entries)
    }

    /// The server a backend named `name` starts: as `mcp check` finds it, else the entry
    /// `mcp disable` (or `gateway connect`) parked, which Claude no longer starts but the
    /// gateway still fronts.
    func gatewayServer(_ name: String) throws -> ConfiguredServer {
        do {
            return try resolveServer(name, config: nil)
        } catch {
            guard let parked = (try? parkedServers.all())?.first(where: { $0.server == name }) else { throw error }
            return ConfiguredServer(name: name, entry: parked.parked.entry, config: parked.config)
        }
    }

    /// Adds a client entry to the profile's backends. The name is checked as `mcp check` takes
    /// it (`time`, `time@user`, `plugin:p:s`); an entry that starts a gateway itself is refused.
    package func addGatewayServer(_ name: String, profile: String = GatewayProfile.defaultName) throws -> GatewayProfile {
        let server = try gatewayServer(name)
        if case .success(let definition) = server.definition, Self.startsAGateway(definition) {
            throw OperationError.usage("\(name) starts a claudesh gateway: the gateway does not front itself")
        }
        return try gatewayProfiles.update(profile) { profile in
            if profile.servers.contains(name) { throw OperationError.usage("\(name) is a backend of the \(profile.name) gateway already") }
            let backend = Self.gatewayBackendName(name)
            if let other = profile.servers.first(where: { Self.gatewayBackendName($0) == backend }) {
                throw OperationError.usage("\(name) would be the backend \(backend), which \(other) is already")
            }
            profile.servers.append(name)
        }
    }

    package func removeGatewayServer(_ name: String, profile: String = GatewayProfile.defaultName) throws -> GatewayProfile {
        try gatewayProfiles.update(profile) { profile in
            guard profile.servers.contains(name) else {
                throw OperationError.usage("\(name) is not a backend of the \(profile.name) gateway" + Suggestions.hint(for: name, among: profile.servers))
            }
            profile.servers.removeAll { $0 == name }
            profile.disabledTools[Self.gatewayBackendName(name)] = nil
        }
    }

    /// Turns one tool of a backend off (or on again) in the profile.
    package func setGatewayTool(_ tool: String, of backend: String, enabled: Bool, profile: String = GatewayProfile.defaultName) throws -> GatewayProfile {
        try gatewayProfiles.update(profile) { profile in
            var tools = profile.disabledTools[backend] ?? []
            if enabled { tools.removeAll { $0 == tool } } else if !tools.contains(tool) { tools.append(tool) }
            profile.disabledTools[backend] = tools.isEmpty ? nil : tools
        }
    }

    /// What `gateway tools disable|enable` did: the tool hidden or offered again, and, when
    /// hiding, whether its name was found among the backend's tools (`unchecked` says why they
    /// could not be listed: the name is then taken as given).
    package struct GatewayToolSwitch: Sendable {
        package var profile: GatewayProfile
        package var unchecked: String?
    }

    /// Hides `tool` of `backend` from the gateway, or offers it again. A backend that is not the
    /// profile's, a tool to hide that its server does not list (it is opened to list them, a
    /// compose service in its running container), or one to offer that is not hidden, is a
    /// usage error with the nearest name, and nothing is written.
    package func switchGatewayTool(_ tool: String, of backend: String, enabled: Bool, profile name: String = GatewayProfile.defaultName) async throws -> GatewayToolSwitch {
        let (profile, entries) = try gatewayBackends(profile: name)
        guard let entry = entries.first(where: { $0.backend == backend }) else {
            throw OperationError.usage("\(backend) is not a backend of the \(profile.name) gateway" + Suggestions.hint(for: backend, among: entries.map(\.backend)))
        }
        var unchecked: String?
        if enabled {
            guard entry.disabledTools.contains(tool) else {
                let hidden = entry.disabledTools.isEmpty ? "it hides none" : "it hides " + entry.disabledTools.joined(separator: ", ")
                throw OperationError.usage("\(backend)'s \(tool) is not hidden (\(hidden))" + Suggestions.hint(for: tool, among: entry.disabledTools))
            }
        } else {
            let tools: [String]?
            do {
                tools = try await gatewayBackendTools(entry)
            } catch {
                tools = nil
                unchecked = "\(error)"
            }
            if let tools, !tools.contains(tool) {
                throw OperationError.usage("\(backend) has no tool \(tool)" + Suggestions.hint(for: tool, among: tools)
                                           + (tools.isEmpty ? " (it lists none)" : " (its tools: \(tools.joined(separator: ", ")))"))
            }
        }
        return GatewayToolSwitch(profile: try setGatewayTool(tool, of: backend, enabled: enabled, profile: profile.name), unchecked: unchecked)
    }

    /// The names of the tools `entry` offers now, as its server lists them (a compose service
    /// in its running container), within 10 s a request.
    func gatewayBackendTools(_ entry: GatewayBackendEntry) async throws -> [String] {
        let options = ClientOptions(timeout: .seconds(10))
        let client = entry.kind == "compose" ? try await forGatewayBackends.openComposeService(entry.source)
            : try await forGatewayBackends.openClient(resolved: try gatewayServer(entry.source), as: entry.source, options: options)
        do {
            let tools = try await client.list("tools/list", key: "tools", timeout: requestTimeout(options))
            await client.close()
            return tools.compactMap { $0["name"]?.stringValue }
        } catch {
            await client.close()
            throw error
        }
    }

    /// The variable a gateway sets for its backends: a gateway started under one refuses to
    /// serve, so that an entry that starts a gateway (however its command is written) cannot
    /// make the gateway start itself without end.
    static let gatewayMarker = "CLAUDESH_GATEWAY"

    /// Whether an entry starts a claudesh gateway or its bridge: `claudesh gateway …`, or a
    /// `-c` command of one that starts with `gateway`.
    static func startsAGateway(_ definition: ServerDefinition) -> Bool {
        guard case .stdio(let command, let arguments, _) = definition.transport, Path.lastComponent(of: command).hasPrefix("claudesh") else { return false }
        if arguments.first == "gateway" { return true }
        return zip(arguments, arguments.dropFirst()).contains { flag, value in
            (flag == "-c" || flag == "--command") && value.split(separator: " ").first == "gateway"
        }
    }

    /// Refuses to serve inside another gateway (see `gatewayMarker`).
    func refuseNestedGateway() throws {
        if environment.variables[Self.gatewayMarker] != nil {
            throw OperationError.failed("this gateway was started by another gateway (\(Self.gatewayMarker) is set): a gateway does not front itself; take the entry that starts it out of the profile")
        }
    }

    /// This workspace as the gateway's backends see it: the marker set in their environment.
    var forGatewayBackends: Workspace {
        var context = self.context
        context.environment.variables[Self.gatewayMarker] = "1"
        return Workspace(context)
    }

    /// The name a server has as a backend: its label in the characters a URI's host and a tool
    /// name both take (`time@user` is `time-user`).
    package static func gatewayBackendName(_ server: String) -> String { GatewaySurface.clientSafe(server) }

    /// The gateway of `profile`: a backend for each of its servers, each opened as `mcp call`
    /// opens it (secrets injected, stderr to its masked log) at the first request that needs it.
    /// Each call and each backend's coming and going are kept in the health history
    /// (`recorder`), which the caller runs. `backend` makes the backend of a server added to the
    /// profile while the gateway runs.
    package func gateway(profile name: String = GatewayProfile.defaultName) throws
        -> (gateway: Gateway, recorder: GatewayRecorder, backend: @Sendable (String) -> GatewayBackend) {
        let profile = try gatewayProfile(name)
        let recorder = GatewayRecorder(home: home, profile: profile.name, keepDays: settings.historyDays, redactor: redactor)
        // The gateway is made after its backends, which tell it of their comings and goings.
        let relay = GatewayRelay<GatewayEvent>()
        let changes = GatewayRelay<GatewayListChange>()
        let observe: @Sendable (GatewayEvent) -> Void = { event in
            recorder.record(event)
            relay.send(event)
        }
        let workspace = forGatewayBackends
        let backend: @Sendable (String) -> GatewayBackend = { server in
            let kind = (try? workspace.gatewayServer(server).definition.get().transport.name) ?? "?"
            return GatewayBackend(name: Self.gatewayBackendName(server), kind: kind, observe: observe, changed: changes.send) {
                try await workspace.openClient(resolved: try workspace.gatewayServer(server), as: server, options: ClientOptions())
            }
        }
        var backends = profile.servers.map(backend)
        if profile.composeServices { backends += workspace.composeBackends(taken: Set(backends.map(\.name)), observe: observe, changed: changes.send) }
        let gateway = Gateway(backends: backends, profile: profile, redactor: redactor, timeout: requestTimeout(ClientOptions())) { recorder.record($0) }
        relay.connect { [weak gateway] event in gateway?.backendChanged(event) }
        changes.connect { [weak gateway] change in gateway?.listChanged(change) }
        return (gateway, recorder, backend)
    }

    /// Runs `body` with the recorder writing in the background; the gateway's backends are
    /// stopped and the last records written when it returns.
    private func serving(_ gateway: Gateway, _ recorder: GatewayRecorder, backend: @escaping @Sendable (String) -> GatewayBackend,
                         _ body: () async throws -> Void) async throws {
        let writer = Task { await recorder.run() }
        let profiles = gatewayProfiles
        let follower = Task { await Self.follow(profiles, gateway, backend: backend) }
        defer {
            writer.cancel()
            follower.cancel()
        }
        do {
            try await body()
        } catch {
            await gateway.stop()
            writer.cancel()
            await writer.value
            throw error
        }
        await gateway.stop()
        writer.cancel()
        await writer.value
        // Stopped by Ctrl-C or a signal: the command ends as an interrupted one does.
        if Task.isCancelled { throw CancellationError() }
    }

    /// Follows the profile while the gateway runs: a server `gateway add` or `gateway remove`
    /// in another shell adds or takes out, and the tools `gateway tools` turns off or on, reach
    /// it within a second, and its clients are told their lists changed. The file is looked at
    /// (its stamp) once a second and read when it changed. A file that cannot be read or parsed
    /// (an edit by hand half made), is gone, or no longer holds the profile changes nothing.
    /// The compose services stay as the gateway started with them.
    private static func follow(_ profiles: GatewayProfiles, _ gateway: Gateway, backend: @Sendable (String) -> GatewayBackend) async {
        var stamp: FileStamp? // none yet: the first look reads the file
        while !Task.isCancelled {
            let now = FileStamp(of: profiles.file.path)
            if now != stamp, now != nil, let profile = try? profiles.all().first(where: { $0.name == gateway.profile.name }) {
                let wanted = Dictionary(profile.servers.map { (gatewayBackendName($0), $0) }, uniquingKeysWith: { first, _ in first })
                let served = gateway.backends.filter { $0.kind != "compose" || wanted[$0.name] != nil }.map(\.name)
                // In the profile's order (Gateway keeps the first of two that share a name).
                let added = profile.servers.filter { !served.contains(gatewayBackendName($0)) }.map(backend)
                let removed = Set(served.filter { wanted[$0] == nil })
                await gateway.follow(adding: added, removing: removed)
                gateway.follow(disabledTools: profile.disabledTools, of: Set(gateway.backends.map(\.name)))
            }
            stamp = now
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// The services of the compose file (none without one), each reached as a stdio server with
    /// `docker exec -i` into its running container: the image's own command started again beside
    /// the main process, with the container's environment (its secrets came through compose)
    /// and volumes. One exec per backend session; `gateway status` and the bench row say what
    /// it costs against `docker run -i --rm`. A service whose name an added server has is left
    /// to the server.
    func composeBackends(taken: Set<String>, observe: @escaping @Sendable (GatewayEvent) -> Void = { _ in },
                         changed: @escaping @Sendable (GatewayListChange) -> Void = { _ in }) -> [GatewayBackend] {
        guard Path.kind(of: settings.composeFile) == .file, let file = try? ComposeFile(path: settings.composeFile) else { return [] }
        let workspace = self
        return file.activeServiceNames(environment: environment.variables).filter { !taken.contains($0) }.map { service in
            GatewayBackend(name: service, kind: "compose", observe: observe, changed: changed) { try await workspace.openComposeService(service) }
        }
    }

    /// A client session with the MCP server of a compose service's running container.
    func openComposeService(_ service: String) async throws -> MCPClient {
        let compose = try await compose()
        let containers = try await compose.containers()
        guard let container = containers.first(where: { $0.service == service && $0.state == "running" }) else {
            let state = containers.first { $0.service == service }?.state ?? "not created"
            throw ClientFailure.gone("\(service): its container is \(state) (compose up starts it)")
        }
        guard !container.command.isEmpty else { throw ClientFailure.gone("\(service): docker inspect gives no command for \(container.name)") }
        let entry: JSONValue = .object([("command", .string("docker")), ("args", .array((["exec", "-i", container.id] + container.command).map { .string($0) }))])
        let launch: ServerLaunch
        do {
            launch = try ServerLaunch(try ServerDefinition(name: service, entry: entry), environment: compose.engine.environment,
                                      directory: environment.currentDirectory, lookup: { _ in nil })
        } catch {
            throw ClientFailure.gone("\(service): \(error)")
        }
        let log = ServerLog(server: "compose-" + service, folder: logFolder, redactor: compose.redactor)
        do {
            return try await MCPClient.open(server: service, launch: launch, mode: .auto, log: log, redactor: compose.redactor,
                                            timeout: probeOptions().attemptTimeout, messageLimit: settings.mcpResultLimit << 20)
        } catch {
            throw ClientFailure.cannotOpen(server: service, error).redacted(by: compose.redactor)
        }
    }

    /// What `gateway connect` wrote, and what it left to the operator.
    package struct GatewayConnected: Sendable {
        package var added: Added
        package var name: String
        package var entry: JSONValue
        /// The servers of that config the gateway fronts now: Claude would start them twice
        /// until they are disabled there.
        package var fronted: [String]
    }

    /// Writes the client entry that starts the gateway of `profile` into the config `word`
    /// names (`desktop`, `user`, `project`): claudesh itself on stdio, or, for a gateway that
    /// listens over HTTP (`listen`: its URL), claudesh's bridge to it. The entry carries the
    /// home, keyring, store and engine this session uses, and the settings that differ from
    /// their defaults, never a secret.
    package func connectGateway(to word: String, name: String = "claudesh-gateway", profile: String = GatewayProfile.defaultName,
                                listen url: String? = nil) throws -> GatewayConnected {
        let (target, _) = try scheduleTarget()
        var command = url.map { ["gateway", "bridge", $0] } ?? ["gateway"]
        if url == nil && profile != GatewayProfile.defaultName { command += ["--profile", profile] }
        if let url {
            _ = try HTTPURL(url)
            try Self.refuseClearTextToken(url)
        }
        let arguments = ScheduleTarget.arguments(command, after: target.prelude)
        let entry: JSONValue = .object([
            ("command", .string(target.program)),
            ("args", .array(arguments.map { .string($0) })),
            ("env", .object(target.environment.map { ($0.0, .string($0.1)) })),
        ])
        let added = try addServer(name, entry, to: word)
        let backends = Set(try gatewayProfile(profile).servers)
        let fronted = ((try? config(word))?.serverNames ?? []).filter { backends.contains($0) }
        return GatewayConnected(added: added, name: name, entry: entry, fronted: fronted)
    }

    /// Serves a client's stdio to the gateway listening at `url`, with the token from the store.
    package func serveGatewayBridge(url text: String) async throws {
        let url = try HTTPURL(text)
        try Self.refuseClearTextToken(text)
        let token = try await gatewayToken()
        await GatewayBridge.serve(url: url, token: token, redactor: redactor.adding([token]))
    }

    /// `PORT`, `HOST:PORT` or `[V6]:PORT`: where an HTTP listener binds (host 127.0.0.1 unless given).
    package static func listenAddress(_ word: String) throws(OperationError) -> (host: String, port: Int) {
        var host = "127.0.0.1"
        var portText = Substring(word)
        if let colon = word.lastIndex(of: ":") {
            host = String(word[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            portText = word[word.index(after: colon)...]
        }
        guard !host.isEmpty, let port = Int(portText), (0...65_535).contains(port) else {
            throw .usage("--listen takes PORT or HOST:PORT (8811, 127.0.0.1:8811), not \(word)")
        }
        return (host, port)
    }

    /// The token goes in clear over `http://`: only to this machine's loopback.
    static func refuseClearTextToken(_ url: String) throws {
        guard url.lowercased().hasPrefix("http://") else { return }
        let rest = url.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" }
        guard GatewayAccess.isLoopback(authority: String(authority)) else {
            throw OperationError.usage("\(url) is not this machine's loopback: the bridge sends the gateway's token, which plain http would carry in clear over the network; use https or 127.0.0.1")
        }
    }

    /// The pass entry of the HTTP listener's bearer token.
    package static let gatewayTokenEntry = "claudesh/gateway-token"

    /// Makes a new bearer token (256 random bits, hex) and keeps it only in the pass store,
    /// replacing the one before: clients given the old one are refused from now on.
    package func makeGatewayToken() async throws {
        var bytes = [UInt8](repeating: 0, count: 32)
        guard bytes.withUnsafeMutableBytes({ getentropy($0.baseAddress, $0.count) }) == 0 else {
            throw OperationError.failed("no random bytes to be had for the token (getentropy failed)")
        }
        let token = bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        try await store.insert(Self.gatewayTokenEntry, value: Array(token.utf8), force: true)
    }

    /// The bearer token the HTTP listener asks for, from the pass store.
    func gatewayToken() async throws -> String {
        guard store.contains(Self.gatewayTokenEntry) else {
            throw OperationError.failed("the gateway has no token yet: gateway token makes one (it is kept in the pass store as \(Self.gatewayTokenEntry))")
        }
        return try await store.value(of: Self.gatewayTokenEntry)
    }

    /// Serves the gateway of `profile` over streamable HTTP at `http://HOST:PORT/mcp` until the
    /// task is cancelled; `started` gets the port (the one picked when 0 was asked for).
    package func serveGatewayOnHTTP(profile: String = GatewayProfile.defaultName, host: String, port: Int,
                                    started: @Sendable (Int) -> Void = { _ in }) async throws {
        try refuseNestedGateway()
        let token = try await gatewayToken()
        let (made, recorder, backend) = try gateway(profile: profile)
        let gateway = made.masking([token])
        try await serving(gateway, recorder, backend: backend) {
            let server = try await GatewayHTTPServer.start(gateway, host: host, port: port, access: GatewayAccess(token: token, loopbackOnly: GatewayAccess.isLoopback(authority: host.contains(":") ? "[\(host)]" : host)))
            writeGatewayListener(profile, url: "http://\(host.contains(":") ? "[\(host)]" : host):\(server.port)/mcp")
            defer { removeGatewayListener(profile) }
            started(server.port)
            await withTaskCancellationHandler {
                await server.wait()
            } onCancel: {
                server.close()
            }
            await server.stop()
        }
    }

    /// Serves the gateway of `profile` on this process's stdin and stdout until stdin ends.
    package func serveGatewayOnStdio(profile: String = GatewayProfile.defaultName) async throws {
        try refuseNestedGateway()
        let (gateway, recorder, backend) = try gateway(profile: profile)
        try await serving(gateway, recorder, backend: backend) { await GatewayStdio.serve(gateway) }
    }
}
