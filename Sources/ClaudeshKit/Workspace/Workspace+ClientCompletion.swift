/// What TAB asks of servers: their lists, kept for the session or fetched within a bound.
extension Workspace {
    /// What TAB offers for `server`'s tools: those listed this session, else listed now (from
    /// the connected session, or a server started for it and stopped), within `bound`; nil
    /// when that takes longer or fails. A TAB never waits longer than `bound`.
    package func toolsForCompletion(_ server: String, config: String?, within bound: Duration) async -> [ToolDescription]? {
        if let tools = context.clients.surface(server, config: configLocation(config).key).tools { return tools }
        return await within(bound) { try await tools(of: server, options: ClientOptions(config: config, timeout: bound)) }
    }

    /// The prompts, as `toolsForCompletion` the tools.
    package func promptsForCompletion(_ server: String, config: String?, within bound: Duration) async -> [PromptDescription]? {
        if let prompts = context.clients.surface(server, config: configLocation(config).key).prompts { return prompts }
        return await within(bound) { try await prompts(of: server, options: ClientOptions(config: config, timeout: bound)) }
    }

    /// The resources' URIs and templates listed this session, else listed now within `bound`.
    package func resourcesForCompletion(_ server: String, config: String?, within bound: Duration) async -> ResourceListing? {
        let surface = context.clients.surface(server, config: configLocation(config).key)
        if let resources = surface.resources, let templates = surface.templates { return ResourceListing(resources: resources, templates: templates) }
        return await within(bound) { try await resources(of: server, options: ClientOptions(config: config, timeout: bound)) }
    }

    /// What TAB offers for a resource URI being typed: the resources' URIs, each template's URI
    /// up to its first variable, and once that much is typed, the values the server's
    /// `completion/complete` offers for that variable.
    package func resourceURIsForCompletion(_ partial: String, server: String, config: String?, within bound: Duration) async -> [String] {
        guard let listing = await resourcesForCompletion(server, config: config, within: bound) else { return [] }
        var candidates = listing.resources.map { $0.uri }
        for template in listing.templates {
            let literal = String(template.uriTemplate.prefix { $0 != "{" })
            guard partial.hasPrefix(literal), partial.count >= literal.count, let variable = template.variables.first,
                  let close = template.uriTemplate.firstIndex(of: "}") else {
                candidates.append(literal)
                continue
            }
            // The rest of the template after this variable, when it holds no other.
            let rest = String(template.uriTemplate[template.uriTemplate.index(after: close)...])
            let typed = String(partial.dropFirst(literal.count))
            let values = await completeArgument(variable, prefix: typed, reference: ("ref/resource", "uri", template.uriTemplate),
                                                server: server, config: config, within: bound)
            candidates += values.map { literal + $0 + (rest.contains("{") ? "" : rest) }
            if values.isEmpty { candidates.append(literal) }
        }
        return candidates
    }

    /// The values `completion/complete` offers for `argument` of a prompt or resource template
    /// (`reference` is `ref/prompt` with its name, or `ref/resource` with its URI template),
    /// when the server has the completions capability; empty otherwise or after `bound`.
    package func completeArgument(_ argument: String, prefix: String, reference: (type: String, key: String, value: String),
                                  server: String, config: String?, within bound: Duration) async -> [String] {
        await within(bound) {
            try await withClient(server, ClientOptions(config: config, timeout: bound)) { client in
                guard await client.capabilities?["completions"] != nil else { return [] }
                let params: JSONValue = .object([
                    ("ref", .object([("type", .string(reference.type)), (reference.key, .string(reference.value))])),
                    ("argument", .object([("name", .string(argument)), ("value", .string(prefix))])),
                ])
                let result = try await client.request("completion/complete", params, timeout: bound).redacted(by: client.redactor)
                return (result["completion"]?["values"]?.arrayValue ?? []).compactMap { $0.stringValue }
            }
        } ?? []
    }

    /// The tools backend `backend` of `profile` offers, listed within `bound`: what TAB offers
    /// for `gateway tools disable BACKEND`. None when they cannot be listed in time.
    package func gatewayToolsForCompletion(_ backend: String, profile: String, within bound: Duration) async -> [String] {
        guard let entry = (try? gatewayBackends(profile: profile))?.backends.first(where: { $0.backend == backend }) else { return [] }
        let workspace = self
        return await within(bound) { try await workspace.gatewayBackendTools(entry) } ?? []
    }

    /// `work`'s value, or nil when it fails or `bound` passes first (it is then cancelled).
    private func within<T: Sendable>(_ bound: Duration, _ work: @escaping @Sendable () async throws -> T) async -> T? {
        await withTaskGroup(of: T?.self) { group in
            group.addTask { try? await work() }
            group.addTask {
                try? await Task.sleep(for: bound)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}
