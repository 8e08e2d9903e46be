/// Using a server, not only reaching it: its tools, resources and prompts listed and called
/// through a client session, the connected one (`mcp connect`) or one opened for the command
/// and closed after, as the probe does.
extension Workspace {
    /// Opens a session with `server` of the config `options.config` names: started as the
    /// client starts it, secrets injected, its stderr to `HOME/logs/mcp-NAME.log`.
    func openClient(_ server: String, options: ClientOptions) async throws -> MCPClient {
        try await openClient(resolved: try resolveServer(server, config: options.config), as: server, options: options)
    }

    /// A session of its own with `server`, which the caller closes: for many at once.
    package func openSession(_ server: String, options: ClientOptions) async throws -> MCPClient {
        try await openClient(server, options: options)
    }

    /// Opens a session with a server already found (`server` is how errors name it).
    func openClient(resolved: ConfiguredServer, as server: String, options: ClientOptions) async throws -> MCPClient {
        let plan = await probePlan([resolved])
        let target = plan.targets[0]
        let launch: ServerLaunch
        switch target.launch {
        case .failure(let failure): throw ClientFailure.cannotOpen(server: server, failure)
        case .success(let value): launch = value
        }
        if options.protocolMode == nil, let problem = plan.modesProblem { throw ClientFailure.cannotOpen(server: server, .invalidConfig(problem)) }
        let redactor = plan.redactor.adding(launch.sensitiveValues)
        let isProcess = if case .process = launch.target { true } else { false }
        let log = ServerLog(server: server, folder: isProcess ? logFolder : nil, redactor: redactor)
        do {
            return try await MCPClient.open(server: server, launch: launch, mode: options.protocolMode ?? target.mode, log: log,
                                            redactor: redactor, timeout: probeOptions().attemptTimeout, messageLimit: settings.mcpResultLimit << 20)
        } catch {
            if Task.isCancelled { throw ClientFailure.cancelled(method: "opening the session with \(server)") }
            // What the server said (a banner, a body) may hold the entry's own values.
            throw ClientFailure.cannotOpen(server: server, error).redacted(by: redactor)
        }
    }

    /// The server `name` means: of the config `word` names; without `--config`, a name the
    /// default config has not is looked for among every server Claude starts (a plugin's
    /// `plugin:p:s`, an extension's, a `NAME@SCOPE` that `mcp check --all` showed).
    package func resolveServer(_ name: String, config word: String?) throws -> ConfiguredServer {
        let config = try config(word)
        if word == nil, config.entry(named: name) == nil {
            let started = Self.startedServers(inventory().entries)
            if let labelled = started.first(where: { $0.label == name }) { return labelled }
            let named = started.filter { $0.name == name }
            guard named.count <= 1 else {
                throw OperationError.usage("'\(name)' is a server of several places: say which, as \(named.map { $0.label ?? $0.name }.joined(separator: " or ")) (or with --config)")
            }
            if let server = named.first { return server }
        }
        return try config.servers(named: [name])[0]
    }

    /// Runs `body` on the connected session of `server`, else on one opened for it and closed
    /// after (also when `body` throws or is cancelled).
    func withClient<T: Sendable>(_ server: String, _ options: ClientOptions, _ body: (MCPClient) async throws -> T) async throws -> T {
        let path = configLocation(options.config).key
        if let connected = context.clients.connection(server, config: path) {
            if let reason = await connected.endedReason {
                _ = context.clients.remove(server)
                await connected.close() // what it left running ends with it
                throw ClientFailure.gone("\(server) was connected, and \(reason); mcp connect \(server) starts it again")
            }
            do {
                return try await body(connected)
            } catch let failure as ClientFailure {
                throw failure.redacted(by: connected.redactor)
            }
        }
        let client = try await openClient(server, options: options)
        do {
            let value = try await body(client)
            await client.close()
            return value
        } catch let failure as ClientFailure {
            await client.close()
            throw failure.redacted(by: client.redactor)
        } catch {
            await client.close()
            throw error
        }
    }

    /// The time one request may take: `--timeout`, else MCP_TOOL_TIMEOUT (milliseconds, as
    /// Claude Code reads it), else a minute.
    func requestTimeout(_ options: ClientOptions) -> Duration {
        if let timeout = options.timeout { return timeout }
        if let text = environment.variables["MCP_TOOL_TIMEOUT"], let milliseconds = Int(text), milliseconds > 0 { return .milliseconds(milliseconds) }
        return .seconds(60)
    }

    // MARK: Tools

    /// The tools of `server`, as it lists them now.
    package func tools(of server: String, options: ClientOptions) async throws -> [ToolDescription] {
        try await withClient(server, options) { client in try await listTools(client, options: options) }
    }

    private func listTools(_ client: MCPClient, options: ClientOptions) async throws -> [ToolDescription] {
        let items = try await client.list("tools/list", key: "tools", timeout: requestTimeout(options))
        let tools = items.compactMap { ToolDescription($0.redacted(by: client.redactor)) }
        context.clients.update(client.server, config: configLocation(options.config).key) { $0.tools = tools }
        return tools
    }

    /// Calls `tool` of `server` with `words` (`NAME=VALUE`) over `json` (`--args`), typed and
    /// checked against the tool's input schema before anything is sent.
    package func callTool(_ tool: String, of server: String, words: [String], json: String?, options: ClientOptions,
                          onProgress: (@Sendable (MCPClient.Progress) -> Void)? = nil) async throws -> ToolCall {
        try await withClient(server, options) { client in
            let path = configLocation(options.config).key
            var tools = context.clients.surface(server, config: path).tools ?? []
            if tools.isEmpty { tools = try await listTools(client, options: options) }
            let description = try ToolDescription.named(tool, in: tools, server: server)
            let arguments = try ToolArguments.build(words, json: json, for: description)
            let start = ContinuousClock.now
            let params: JSONValue = .object([("name", .string(tool)), ("arguments", arguments)])
            let raw = try await client.request("tools/call", params, timeout: requestTimeout(options),
                                               headers: ToolArguments.headers(for: description, arguments: arguments), onProgress: onProgress)
            let latency = start.duration(to: .now)
            let result = raw.redacted(by: client.redactor)
            let files = OutputFiles(folder: outputFolder, stem: "\(server)-\(tool)")
            // Binary data is decoded as it came (a mask inside base64 would break it); its file
            // is the user's, mode 0600. Text is masked.
            let items = try (raw["content"]?.arrayValue ?? []).map { try ContentItem.read($0, files: files).redacted(by: client.redactor) }
            return ToolCall(result: result, items: items, structured: result["structuredContent"],
                            isError: result["isError"]?.boolValue == true, latency: latency)
        }
    }

    /// `HOME/outputs`: the images, audio and blobs servers send back.
    var outputFolder: String { Path.join(home, "outputs") }

    // MARK: Resources and prompts

    /// The resources of `server` and its resource templates.
    package func resources(of server: String, options: ClientOptions) async throws -> ResourceListing {
        try await withClient(server, options) { client in
            let timeout = requestTimeout(options)
            let resources = try await client.list("resources/list", key: "resources", timeout: timeout)
                .compactMap { ResourceDescription($0.redacted(by: client.redactor)) }
            // A server without templates may refuse their list: there are none.
            var listed: [JSONValue] = []
            do {
                listed = try await client.list("resources/templates/list", key: "resourceTemplates", timeout: timeout)
            } catch let failure as ClientFailure {
                guard failure.isRefusal else { throw failure }
            }
            let templates = listed.compactMap { ResourceTemplate($0.redacted(by: client.redactor)) }
            context.clients.update(server, config: configLocation(options.config).key) { surface in
                surface.templates = templates
                surface.resources = resources
            }
            return ResourceListing(resources: resources, templates: templates)
        }
    }

    /// What `resources/read` returns for `uri`: text as text, blobs saved.
    package func readResource(_ uri: String, of server: String, options: ClientOptions) async throws -> [ContentItem] {
        try await withClient(server, options) { client in
            let params: JSONValue = .object([("uri", .string(uri))])
            let raw = try await client.request("resources/read", params, timeout: requestTimeout(options))
            let files = OutputFiles(folder: outputFolder, stem: "\(server)-resource")
            return try (raw["contents"]?.arrayValue ?? []).map { try ContentItem.readResource($0, files: files).redacted(by: client.redactor) }
        }
    }

    package func prompts(of server: String, options: ClientOptions) async throws -> [PromptDescription] {
        try await withClient(server, options) { client in try await listPrompts(client, options: options) }
    }

    private func listPrompts(_ client: MCPClient, options: ClientOptions) async throws -> [PromptDescription] {
        let prompts = try await client.list("prompts/list", key: "prompts", timeout: requestTimeout(options))
            .compactMap { PromptDescription($0.redacted(by: client.redactor)) }
        context.clients.update(client.server, config: configLocation(options.config).key) { $0.prompts = prompts }
        return prompts
    }

    /// `prompts/get` of `name` with `words` (`NAME=VALUE`, strings as the protocol has them),
    /// checked against the prompt's arguments first.
    package func prompt(_ name: String, of server: String, words: [String], options: ClientOptions) async throws -> PromptMessages {
        try await withClient(server, options) { client in
            let path = configLocation(options.config).key
            var prompts = context.clients.surface(server, config: path).prompts ?? []
            if prompts.isEmpty { prompts = try await listPrompts(client, options: options) }
            guard let prompt = prompts.first(where: { $0.name == name }) else {
                let near = Suggestions.hint(for: name, among: prompts.map { $0.name })
                throw ClientFailure.invalidRequest("\(server) has no prompt \(name)\(near); it has \(prompts.isEmpty ? "none" : prompts.map { $0.name }.joined(separator: ", "))")
            }
            let arguments = try PromptArguments.build(words, for: prompt)
            let params: JSONValue = .object([("name", .string(name)), ("arguments", arguments)])
            let raw = try await client.request("prompts/get", params, timeout: requestTimeout(options))
            let files = OutputFiles(folder: outputFolder, stem: "\(server)-\(name)")
            var messages: [PromptMessages.Message] = []
            for message in raw["messages"]?.arrayValue ?? [] {
                let item = try ContentItem.read(message["content"] ?? .null, files: files).redacted(by: client.redactor)
                messages.append(.init(role: client.redactor.clean(message["role"]?.stringValue ?? "?"), item: item))
            }
            return PromptMessages(description: raw["description"]?.stringValue.map { client.redactor.clean($0) }, messages: messages)
        }
    }

    // MARK: Live sessions

    /// Opens a session with `server` and keeps it for this shell; calls reuse it. An open one
    /// is kept as it is.
    package func connect(_ server: String, options: ClientOptions) async throws -> ConnectedServer {
        let path = configLocation(options.config).key
        if let existing = context.clients.connection(server, config: path), await existing.endedReason == nil {
            return await ConnectedServer(existing, tools: context.clients.surface(server, config: path).tools?.count, isNew: false)
        }
        if let stale = context.clients.remove(server) { await stale.close() }
        let client = try await openClient(server, options: options)
        context.clients.keep(client, as: server, config: path)
        // The tools listed now make TAB answer from memory.
        let tools = try? await listTools(client, options: options)
        return await ConnectedServer(client, tools: tools?.count, isNew: true)
    }

    /// Ends the sessions of `servers` (all when empty); returns the names ended.
    package func disconnect(_ servers: [String]) async throws -> [String] {
        let connected = context.clients.connected
        for server in servers where connected[server] == nil {
            throw OperationError.usage("\(server) is not connected" + (connected.isEmpty ? "" : " (connected: \(connected.keys.sorted().joined(separator: ", ")))"))
        }
        var ended: [String] = []
        for server in servers.isEmpty ? connected.keys.sorted() : servers {
            if let client = context.clients.remove(server) {
                await client.close()
                ended.append(server)
            }
        }
        return ended
    }

    /// The connected servers that ended since they were connected, each with why; they are
    /// forgotten. The prompt reports them.
    package func endedConnections() async -> [(server: String, reason: String)] {
        var ended: [(server: String, reason: String)] = []
        for (server, connection) in context.clients.connected.sorted(by: { $0.key < $1.key }) {
            guard let reason = await connection.client.endedReason else { continue }
            _ = context.clients.remove(server)
            await connection.client.close() // what it left running ends with it
            let last = connection.client.log.lastLines(1).first.map { "; its last line on stderr: \($0)" } ?? ""
            ended.append((server, reason + last))
        }
        return ended
    }
}

extension Workspace {
    /// The connected servers and their configs, by name.
    package func connectedServers() -> [(server: String, config: String)] {
        context.clients.connected.map { ($0.key, $0.value.config) }.sorted { $0.server < $1.server }
    }
}
