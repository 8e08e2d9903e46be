/// `NAME=VALUE` words and `--args JSON` made into a tool's arguments, typed from its input
/// schema and checked against it before anything is sent: a missing required argument, a
/// value of the wrong type or not among the listed ones, an argument the tool does not take.
/// Each is one line that names the argument.
package enum ToolArguments {
    /// The arguments object; `json` first, then each `NAME=VALUE` over it.
    package static func build(_ words: [String], json: String?, for tool: ToolDescription) throws(ClientFailure) -> JSONValue {
        var members: [(String, JSONValue)] = []
        if let json {
            let parsed: JSONValue
            do { parsed = try JSONParser.parse(json) } catch { throw .invalidRequest("--args: not JSON: \(error)") }
            guard case .object(let given) = parsed else { throw .invalidRequest("--args: a JSON object is needed, not \(parsed.serialized().clipped(40))") }
            members = given
        }
        for word in words {
            guard let equals = word.firstIndex(of: "="), equals != word.startIndex else {
                throw .invalidRequest("\(word.clipped(40)): an argument is NAME=VALUE (\(tool.name) takes \(takes(tool)))")
            }
            let name = String(word[..<equals])
            let text = String(word[word.index(after: equals)...])
            let value = try typed(text, for: tool.parameter(named: name), name: name, tool: tool)
            members.removeAll { $0.0 == name }
            members.append((name, value))
        }
        try check(members, against: tool)
        return .object(members)
    }

    /// The `Mcp-Param-TOKEN` headers a modern HTTP `tools/call` mirrors from `arguments`: each
    /// scalar the schema marks with `x-mcp-header`, base64-wrapped when a header cannot carry it.
    static func headers(for tool: ToolDescription, arguments: JSONValue) -> [(String, String)] {
        tool.headerParameters.compactMap { parameter in
            var value: JSONValue? = arguments
            for name in parameter.path { value = value?[name] }
            let rendered: String
            switch value {
            case .bool(let flag)?: rendered = flag ? "true" : "false"
            case .int(let number)?: rendered = String(number)
            case .double(let number)?: rendered = String(number)
            case .string(let text)?: rendered = text
            default: return nil
            }
            return ("Mcp-Param-" + parameter.token, MCPProtocol.headerValue(rendered))
        }
    }

    /// Checks every argument against the schema, and that each required one is there.
    static func check(_ members: [(String, JSONValue)], against tool: ToolDescription) throws(ClientFailure) {
        for (name, value) in members {
            guard let parameter = tool.parameter(named: name) else {
                if tool.takesOtherArguments { continue }
                throw unknown(name, of: tool)
            }
            if let choices = parameter.choices, !choices.contains(value) {
                let listed = choices.prefix(10).map { $0.serialized().clipped(40) }.joined(separator: ", ") + (choices.count > 10 ? ", … (\(choices.count) in all)" : "")
                throw .invalidRequest("\(name): \(value.serialized().clipped(40)) is not one of \(listed)")
            }
            if !parameter.types.isEmpty, value != .null || !parameter.schemaAllowsNull,
               !parameter.types.contains(where: { ToolDescription.matches(value, type: $0) }) {
                throw .invalidRequest("\(name): expected \(parameter.types.joined(separator: " or ")), got \(value.serialized().clipped(40))")
            }
        }
        for parameter in tool.parameters where parameter.isRequired && !members.contains(where: { $0.0 == parameter.name }) {
            throw .invalidRequest("\(tool.name): missing required argument \(parameter.name) (\(parameter.typeText)): add \(parameter.name)=VALUE")
        }
    }

    /// `text` as the parameter's type says: a string as given; numbers, booleans, arrays and
    /// objects as JSON; with no schema to say, JSON when it reads as JSON, else the string.
    static func typed(_ text: String, for parameter: ToolDescription.Parameter?, name: String, tool: ToolDescription) throws(ClientFailure) -> JSONValue {
        guard let parameter else {
            guard tool.takesOtherArguments else { throw unknown(name, of: tool) }
            return (try? JSONParser.parse(text)) ?? .string(text)
        }
        let types = parameter.types
        if types.isEmpty {
            if let choices = parameter.choices, choices.contains(.string(text)) { return .string(text) }
            return (try? JSONParser.parse(text)) ?? .string(text)
        }
        // An integer is sent as one: `n=1e2` is 100, and one past what a JSON number keeps
        // exactly (2^53) is refused rather than rounded.
        if types.contains("integer") && !types.contains("number") {
            if let whole = Int(text) {
                guard abs(whole) <= 1 << 53 else { throw .invalidRequest("\(name): \(text.clipped(40)) is past the integers a JSON number holds exactly (±2^53)") }
                return .int(whole)
            }
            if case .double(let number)? = try? JSONParser.parse(text), number == number.rounded() {
                guard abs(number) <= 9_007_199_254_740_992 else { throw .invalidRequest("\(name): \(text.clipped(40)) is past the integers a JSON number holds exactly (±2^53)") }
                return .int(Int(number))
            }
        }
        // Another type than string, when the text reads as one, wins: `count=3` for
        // integer|string is 3. A string type takes the text as given.
        if let parsed = try? JSONParser.parse(text), types.contains(where: { $0 != "string" && ToolDescription.matches(parsed, type: $0) }) {
            return parsed
        }
        if types.contains("string") { return .string(text) }
        if parameter.schemaAllowsNull && text == "null" { return .null }
        let wanted = types.map { type in
            switch type {
            case "integer": return "an integer"
            case "number": return "a number"
            case "boolean": return "true or false"
            case "array": return "a JSON array"
            case "object": return "a JSON object"
            default: return type
            }
        }.joined(separator: " or ")
        throw .invalidRequest("\(name): expected \(wanted), got \(text.isEmpty ? "nothing" : "\"\(text.clipped(40))\"")")
    }

    static func unknown(_ name: String, of tool: ToolDescription) -> ClientFailure {
        .invalidRequest("\(tool.name) has no argument \(name)\(Suggestions.hint(for: name, among: tool.parameters.map { $0.name })); it takes \(takes(tool))")
    }

    /// `a, b?, c?`: the arguments a tool takes, for messages.
    static func takes(_ tool: ToolDescription) -> String {
        tool.parameters.isEmpty ? "no arguments" : tool.parameters.map { $0.name + ($0.isRequired ? "" : "?") }.joined(separator: ", ")
    }
}

extension ToolDescription.Parameter {
    /// True when the schema lets the value be null (`Optional[...]`).
    var schemaAllowsNull: Bool {
        schema["type"] == .string("null") || schema["type"]?.arrayValue?.contains(.string("null")) == true
            || ((schema["anyOf"]?.arrayValue ?? []) + (schema["oneOf"]?.arrayValue ?? [])).contains { $0["type"] == .string("null") }
    }
}
