/// A config entry made concrete, as the client would use it: `${VAR}` expanded in command, args,
/// env, url and headers, and the values that must never show in logs or output collected.
struct ServerLaunch: Sendable {
    enum Target: Sendable {
        case process(ProcessSpec)
        case http(url: String, headers: [(String, String)])
        case sse(url: String, headers: [(String, String)])
    }

    var target: Target
    /// The entry's env and header values: often tokens, so the server's log masks them.
    var sensitiveValues: [String]

    /// `environment` is what the server inherits (the client's own); the entry's env goes on top.
    init(_ definition: ServerDefinition, environment: [String: String], directory: String, lookup: (String) -> String?) throws(ProbeFailure) {
        // Values that came from variables are masked too (`--api-key ${KEY}` in args, a token in
        // a URL), unless they are paths: masking every ${HOME} would hide where things are.
        var substituted: [String] = []
        func expand(_ text: String, _ field: String) throws(ProbeFailure) -> String {
            do {
                return try ConfigExpansion.expand(text) { name in
                    let value = lookup(name)
                    if let value, !value.hasPrefix("/"), !value.hasPrefix("~") { substituted.append(value) }
                    return value
                }
            } catch {
                throw .invalidConfig("\(field): \(error.description)")
            }
        }
        func expandPairs(_ pairs: [(String, String)], _ field: String) throws(ProbeFailure) -> [(String, String)] {
            var expanded: [(String, String)] = []
            for (key, value) in pairs { expanded.append((key, try expand(value, "\(field).\(key)"))) }
            return expanded
        }
        switch definition.transport {
        case .stdio(let command, let arguments, let env):
            var expandedArguments: [String] = []
            for (index, argument) in arguments.enumerated() { expandedArguments.append(try expand(argument, "args[\(index)]")) }
            let pairs = try expandPairs(env, "env")
            var childEnvironment = environment
            for (key, value) in pairs { childEnvironment[key] = value }
            var workingDirectory = directory
            if let cwd = definition.entry["cwd"]?.stringValue { workingDirectory = try expand(cwd, "cwd") }
            var spec = ProcessSpec(try expand(command, "command"), expandedArguments, environment: childEnvironment, directory: workingDirectory)
            spec.ownSession = true // a CPU share of its own, as a client starting it gives it
            spec.contained = true
            target = .process(spec)
            sensitiveValues = pairs.map { $0.1 } + substituted
        case .http(let url, let headers), .sse(let url, let headers):
            let pairs = try expandPairs(headers, "headers")
            let expanded = try expand(url, "url")
            if case .sse = definition.transport { target = .sse(url: expanded, headers: pairs) } else { target = .http(url: expanded, headers: pairs) }
            // The password of the URL's userinfo is as secret as a header's token.
            sensitiveValues = pairs.map { $0.1 } + substituted + (ServerEntry.urlPassword(expanded).map { [$0] } ?? [])
        }
    }
}
