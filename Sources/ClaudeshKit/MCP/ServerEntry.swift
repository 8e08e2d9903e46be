/// New `mcpServers` entries, written the way Claude Code writes them.
package enum ServerEntry {
    package static func stdio(command: String, arguments: [String], environment: [(String, String)]) -> JSONValue {
        var members: [(String, JSONValue)] = [("command", .string(command)), ("args", .array(arguments.map(JSONValue.string)))]
        if !environment.isEmpty { members.append(("env", .object(environment.map { ($0.0, .string($0.1)) }))) }
        return .object(members)
    }

    package static func remote(type: String, url: String, headers: [(String, String)]) -> JSONValue {
        var members: [(String, JSONValue)] = [("type", .string(type)), ("url", .string(url))]
        if !headers.isEmpty { members.append(("headers", .object(headers.map { ($0.0, .string($0.1)) }))) }
        return .object(members)
    }

    /// A remote server's URL as given to `mcp add`: http(s), or a `${VAR}` that expands to one,
    /// and without the line break that would end the request line early.
    package static func remoteURL(_ text: String) throws(OperationError) -> String {
        guard text.hasPrefix("http://") || text.hasPrefix("https://") || text.hasPrefix("${") else {
            throw .usage("'\(text.escapingControls.clipped())' is not an http:// or https:// URL")
        }
        guard !text.containsControlCharacter() && !text.contains(" ") else {
            throw .usage("the URL '\(text.escapingControls.clipped())' holds a space, line break or other control character")
        }
        return text
    }

    /// `KEY=VALUE` from `--env`; anything else is a usage error that names the flag.
    package static func environmentPair(_ text: String) throws(OperationError) -> (String, String) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw .usage("--env needs KEY=VALUE, got '\(text.clipped(40))'")
        }
        let key = String(text[..<equals])
        guard SessionContext.isValidVariableName(key) else {
            throw .usage("--env needs KEY=VALUE with KEY a variable name (letters, digits, _), got '\(key.clipped(40))'")
        }
        return (key, String(text[text.index(after: equals)...]))
    }

    /// `Name: value` from `--header`; anything else is a usage error that names the flag.
    package static func header(_ text: String) throws(OperationError) -> (String, String) {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else {
            throw .usage("--header needs 'Name: value', got '\(text.clipped(40))'")
        }
        let name = String(text[..<colon]).trimmingWhitespace
        guard HTTPClient.isHeaderName(name) else {
            throw .usage("--header needs 'Name: value' with a header name (ASCII, no spaces or separators), got '\(name.clipped(40))'")
        }
        let value = String(text[text.index(after: colon)...]).trimmingWhitespace
        // A line break would send what follows as a header of its own.
        guard !value.containsControlCharacter(allowingTab: true) else {
            throw .usage("--header \(name): the value holds a line break or another control character ('\(value.escapingControls.clipped(40))')")
        }
        return (name, value)
    }

    /// A value for display: `${VAR}` references as they are, anything else masked, since env and
    /// header values are where tokens live.
    package static func masked(_ value: String) -> String {
        // Exactly one reference, `${NAME}`, is no secret; a default after `:-` may be one.
        if value.hasPrefix("${") && value.hasSuffix("}") {
            let inner = String(value.dropFirst(2).dropLast())
            if SessionContext.isValidVariableName(inner) { return value }
            if let marker = inner.range(of: ":-"), SessionContext.isValidVariableName(String(inner[..<marker.lowerBound])) {
                return "${" + inner[..<marker.upperBound] + masked(String(inner[marker.upperBound...])) + "}"
            }
        }
        // A token's kind prefix (`ghp_`) is public; of the rest, at most the share the redactor
        // allows shows, so that a mask never gives most of a short secret away.
        let kind = TokenShapes.shapes.first { value.utf8.starts(with: $0.prefix) && value.utf8.count > $0.prefix.count + 8 }
        let prefix = kind.map { String(decoding: $0.prefix, as: UTF8.self) } ?? ""
        let rest = value.dropFirst(prefix.count)
        let end = Redactor.revealedEnd(of: rest.count)
        if end > 0 { return prefix + String(rest.prefix(kind == nil ? end : 0)) + "…" + String(rest.suffix(end)) }
        return prefix + String(repeating: "•", count: min(max(rest.count, 1), 8))
    }
}

extension ServerEntry {
    /// The password of a URL's userinfo (`https://user:PASSWORD@host/`), if it has one.
    package static func urlPassword(_ url: String) -> String? {
        guard let scheme = url.range(of: "://") else { return nil }
        let authority = url[scheme.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else { return nil }
        let password = authority[authority.index(after: colon)..<at]
        return password.isEmpty ? nil : String(password)
    }

    /// `entry` as `mcp get --json` shows it: every env and header value masked, and the URL's
    /// password hidden.
    package static func masked(entry: JSONValue) -> JSONValue {
        var result = entry
        for key in ["env", "headers"] {
            guard case .object(let members)? = entry[key] else { continue }
            result = result.setting(key, to: .object(members.map { ($0.0, $0.1.stringValue.map { .string(masked($0)) } ?? $0.1) }))
        }
        if let url = entry["url"]?.stringValue { result = result.setting("url", to: .string(maskedURL(url))) }
        return result
    }

    /// `url` with the password of its userinfo hidden: what tables and `mcp get` show.
    package static func maskedURL(_ url: String) -> String {
        guard let password = urlPassword(url), let range = url.range(of: ":" + password + "@") else { return url }
        var masked = url
        masked.replaceSubrange(range, with: ":•••@")
        return masked
    }
}

extension ServerDefinition {
    /// One line for tables: the command line (the real one, inside a `claudesh exec` wrapper), or
    /// the URL with the password of its userinfo hidden.
    package var summary: String {
        switch transport {
        case .stdio(let command, let arguments, _):
            if let wrapped = SecretWrapper.unwrap(command: command, arguments: arguments) {
                return ([wrapped.command] + wrapped.arguments).joined(separator: " ")
            }
            return ([command] + arguments).joined(separator: " ")
        case .http(let url, _), .sse(let url, _): return ServerEntry.maskedURL(url)
        }
    }

    /// The secrets a `claudesh exec` entry injects: variable and store names, never values.
    package var secrets: [SecretReference] {
        guard case .stdio(let command, let arguments, _) = transport else { return [] }
        return SecretWrapper.unwrap(command: command, arguments: arguments)?.secrets ?? []
    }

    /// The env variable or header names the entry sets, never their values.
    package var settingNames: [String] {
        switch transport {
        case .stdio(_, _, let environment): return environment.map({ $0.0 })
        case .http(_, let headers), .sse(_, let headers): return headers.map({ $0.0 })
        }
    }
}
