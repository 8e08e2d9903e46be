/// One entry of a client's `mcpServers`: how the client starts or reaches the server.
///
/// `entry` is the JSON as the file has it, every key kept, so writing the file back changes
/// nothing the tool does not understand.
package struct ServerDefinition: Sendable, Equatable {
    package enum Transport: Sendable, Equatable {
        case stdio(command: String, arguments: [String], environment: [(String, String)])
        case http(url: String, headers: [(String, String)])
        case sse(url: String, headers: [(String, String)])

        package static func == (lhs: Transport, rhs: Transport) -> Bool {
            switch (lhs, rhs) {
            case let (.stdio(c1, a1, e1), .stdio(c2, a2, e2)): return c1 == c2 && a1 == a2 && e1.elementsEqual(e2, by: ==)
            case let (.http(u1, h1), .http(u2, h2)), let (.sse(u1, h1), .sse(u2, h2)): return u1 == u2 && h1.elementsEqual(h2, by: ==)
            default: return false
            }
        }

        package var name: String {
            switch self {
            case .stdio: return "stdio"
            case .http: return "http"
            case .sse: return "sse"
            }
        }
    }

    var name: String
    package var transport: Transport
    var entry: JSONValue

    package enum Error: Swift.Error, CustomStringConvertible, Sendable, Equatable {
        case invalid(server: String, String)
        package var description: String {
            switch self {
            case .invalid(let server, let problem): return "server '\(server)': \(problem)"
            }
        }
    }

    /// Reads an entry as Claude Desktop and Claude Code write them.
    package init(name: String, entry: JSONValue) throws(Error) {
        self.name = name
        self.entry = entry
        guard case .object = entry else { throw .invalid(server: name, "the entry is not a JSON object") }
        let type = entry["type"]?.stringValue
        if let url = entry["url"]?.stringValue, type != "stdio" {
            let headers = try Self.pairs(entry["headers"], "headers", server: name)
            switch type {
            case nil, "http", "streamable-http": transport = .http(url: url, headers: headers)
            case "sse": transport = .sse(url: url, headers: headers)
            case let other?: throw .invalid(server: name, "unknown type '\(other)': use stdio, http or sse")
            }
            return
        }
        guard let command = entry["command"]?.stringValue, !command.isEmpty else {
            throw .invalid(server: name, "it has neither a \"command\" (stdio) nor a \"url\" (http, sse)")
        }
        var arguments: [String] = []
        if let args = entry["args"] {
            guard case .array(let items) = args, let strings = Optional(items.compactMap({ $0.stringValue })), strings.count == items.count else {
                throw .invalid(server: name, "\"args\" must be an array of strings")
            }
            arguments = strings
        }
        transport = .stdio(command: command, arguments: arguments, environment: try Self.pairs(entry["env"], "env", server: name))
    }

    private static func pairs(_ value: JSONValue?, _ key: String, server: String) throws(Error) -> [(String, String)] {
        guard let value else { return [] }
        guard case .object(let members) = value else { throw .invalid(server: server, "\"\(key)\" must be an object of strings") }
        var pairs: [(String, String)] = []
        for (name, item) in members {
            guard let text = item.stringValue else { throw .invalid(server: server, "\"\(key)\".\(name) must be a string") }
            pairs.append((name, text))
        }
        return pairs
    }
}

extension JSONValue {
    /// The member `key` of an object.
    package subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.0 == key }?.1
    }

    package var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    package var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// An integer or a double, as a double.
    package var numberValue: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }

    package var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// This object with `key` set to `value` (in place if present, else at the end), or removed when nil.
    package func setting(_ key: String, to value: JSONValue?) -> JSONValue {
        guard case .object(var members) = self else { return self }
        if let index = members.firstIndex(where: { $0.0 == key }) {
            if let value { members[index].1 = value } else { members.remove(at: index) }
        } else if let value {
            members.append((key, value))
        }
        return .object(members)
    }
}
