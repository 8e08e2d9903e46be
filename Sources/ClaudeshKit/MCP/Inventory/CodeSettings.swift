/// What Claude Code's settings say of MCP servers for one project, merged from every settings
/// file as Claude Code merges them (managed, user `~/.claude/settings.json`, the project's
/// `.claude/settings.json` and `.claude/settings.local.json`, and the older place of the
/// approvals, the project's entry in `~/.claude.json`).
struct CodeSettings: Sendable {
    /// `.mcp.json` servers approved, rejected, or all approved.
    var approved: Set<String> = []
    var rejected: Set<String> = []
    var approveAll = false
    /// Servers turned off in `/mcp` for the project (`projects[P].disabledMcpServers`).
    var disabled: Set<String> = []
    /// `allowedMcpServers` (nil: not set, every server allowed) and `deniedMcpServers`.
    var allowed: [JSONValue]?
    var denied: [JSONValue] = []
    /// `enabledPlugins`, by plugin id; the project's files over the user's, a managed false over all.
    var enabledPlugins: [String: Bool] = [:]

    /// Reads the settings `files` (lowest precedence first) and the project's entry of
    /// `~/.claude.json`.
    init(files: [(path: String, value: JSONValue)], managed: [JSONValue], projectEntry: JSONValue?) {
        for value in files.map({ $0.value }) + managed + [projectEntry].compactMap({ $0 }) {
            approved.formUnion(value["enabledMcpjsonServers"].strings)
            rejected.formUnion(value["disabledMcpjsonServers"].strings)
            if value["enableAllProjectMcpServers"] == .bool(true) { approveAll = true }
            if case .array(let rules)? = value["allowedMcpServers"] { allowed = (allowed ?? []) + rules }
            if case .array(let rules)? = value["deniedMcpServers"] { denied += rules }
        }
        // allowManagedMcpServersOnly (managed only): the administrator's allow list alone counts.
        if managed.contains(where: { $0["allowManagedMcpServersOnly"] == .bool(true) }) {
            let rules = managed.compactMap { value -> [JSONValue]? in
                if case .array(let rules)? = value["allowedMcpServers"] { return rules } else { return nil }
            }
            allowed = rules.isEmpty ? nil : rules.flatMap { $0 }
        }
        for value in files.map({ $0.value }) {
            guard case .object(let plugins)? = value["enabledPlugins"] else { continue }
            for (id, on) in plugins { if case .bool(let on) = on { enabledPlugins[id] = on } }
        }
        for value in managed {
            guard case .object(let plugins)? = value["enabledPlugins"] else { continue }
            for (id, on) in plugins where on == .bool(false) { enabledPlugins[id] = false }
        }
        disabled = Set((projectEntry?["disabledMcpServers"]).strings)
    }


    /// Why the allow and deny lists keep `name` (started as `transport`) out; nil when they do
    /// not. A deny match wins over everything; once the allow list names a command (or URL), a
    /// stdio (remote) server must match one of those, not only its name.
    /// A server of `managed-mcp.json` is the administrator's: the deny list applies to it, the
    /// allow list does not (`checkAllow` false), as Claude Code evaluates it.
    func policy(for name: String, _ transport: ServerDefinition.Transport, checkAllow: Bool = true) -> String? {
        if let rule = denied.first(where: { Self.matches($0, name: name, transport) }) {
            return "deniedMcpServers: \(rule.serialized().clipped(60))"
        }
        guard checkAllow, let allowed else { return nil }
        let isStdio = if case .stdio = transport { true } else { false }
        let typedKey = isStdio ? "serverCommand" : "serverUrl"
        let typed = allowed.contains { $0[typedKey] != nil }
        let admitted = allowed.contains { rule in
            typed ? rule[typedKey] != nil && Self.matches(rule, name: name, transport) : rule["serverName"] != nil && Self.matches(rule, name: name, transport)
        }
        return admitted ? nil : "not in allowedMcpServers"
    }

    static func matches(_ rule: JSONValue, name: String, _ transport: ServerDefinition.Transport) -> Bool {
        if let wanted = rule["serverName"]?.stringValue { return wanted == name }
        if case .array(let words)? = rule["serverCommand"], case .stdio(let command, let arguments, _) = transport {
            return words.compactMap { $0.stringValue } == [command] + arguments
        }
        if let pattern = rule["serverUrl"]?.stringValue {
            switch transport {
            case .http(let url, _), .sse(let url, _): return Self.urlMatches(pattern, url)
            case .stdio: return false
            }
        }
        return false
    }

    /// `*` matches any run of characters; the scheme and host are matched without case, and a
    /// pattern without a path matches any path.
    static func urlMatches(_ pattern: String, _ url: String) -> Bool {
        func split(_ text: String) -> (origin: String, path: String) {
            guard let scheme = text.range(of: "://") else { return (text.lowercased(), "") }
            let rest = text[scheme.upperBound...]
            let slash = rest.firstIndex(of: "/") ?? rest.endIndex
            return (String(text[..<slash]).lowercased(), String(rest[slash...]))
        }
        let (patternOrigin, patternPath) = split(pattern)
        let (origin, path) = split(url)
        return glob(patternOrigin, origin) && (patternPath.isEmpty || glob(patternPath, path))
    }

    /// Whether `text` matches `pattern`, whose `*` matches any run of characters.
    static func glob(_ pattern: String, _ text: String) -> Bool {
        let pieces = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        guard pieces.count > 1 else { return pattern == text }
        guard text.hasPrefix(pieces[0]), text.dropFirst(pieces[0].count).hasSuffix(pieces.last!) else { return false }
        var rest = Substring(text.dropFirst(pieces[0].count).dropLast(pieces.last!.count))
        for piece in pieces.dropFirst().dropLast() where !piece.isEmpty {
            guard let found = rest.range(of: piece) else { return false }
            rest = rest[found.upperBound...]
        }
        return text.count >= pieces[0].count + pieces.last!.count
    }
}
