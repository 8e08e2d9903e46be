/// A tool as its server's `tools/list` describes it, with its parameters read from the input
/// schema: what `mcp tools` shows, what `mcp call` types and checks arguments against, and what
/// completion offers.
package struct ToolDescription: Sendable {
    /// One top-level property of the input schema.
    package struct Parameter: Sendable {
        package var name: String
        /// Its JSON Schema types without "null"; empty when the schema allows any.
        package var types: [String]
        /// The values `enum` or `const` allow, when the schema lists them.
        package var choices: [JSONValue]?
        package var isRequired: Bool
        package var description: String?
        /// Its schema (references resolved), for `mcp tools SERVER TOOL`.
        package var schema: JSONValue

        /// `string`, `integer|null`, `"UTC"|"local"`: how the signature shows it.
        package var typeText: String {
            if let choices, !choices.isEmpty, choices.count <= 6 { return choices.map { $0.serialized() }.joined(separator: "|") }
            return types.isEmpty ? "any" : types.joined(separator: "|")
        }
    }

    package var name: String
    package var title: String?
    package var description: String?
    package var parameters: [Parameter]
    /// True when the schema takes properties it does not name (`additionalProperties`).
    package var takesOtherArguments: Bool
    package var inputSchema: JSONValue
    package var outputSchema: JSONValue?
    /// The hints the server gave, by name: read-only, destructive, idempotent, open-world.
    package var annotations: [String]
    /// The tool as the server sent it.
    package var raw: JSONValue

    /// `get_current_time(timezone: string)`; optional parameters end in `?`.
    package var signature: String {
        "\(name)(" + parameters.map { "\($0.name)\($0.isRequired ? "" : "?"): \($0.typeText)" }.joined(separator: ", ") + ")"
    }

    /// The first line of the description.
    package var summary: String? { description?.firstLine }

    package func parameter(named name: String) -> Parameter? { parameters.first { $0.name == name } }

    /// The properties the schema asks to be mirrored into `Mcp-Param-TOKEN` headers over HTTP
    /// (`x-mcp-header`, 2026-07-28), by their path of property names; a token that is not an
    /// HTTP field name is left out.
    var headerParameters: [(path: [String], token: String)] {
        var found: [(path: [String], token: String)] = []
        func walk(_ schema: JSONValue, _ path: [String], depth: Int) {
            guard depth < Self.resolutionDepth, case .object(let properties)? = schema["properties"] else { return }
            for (name, property) in properties {
                if let token = property["x-mcp-header"]?.stringValue, Self.isFieldName(token) { found.append((path + [name], token)) }
                walk(property, path + [name], depth: depth + 1)
            }
        }
        walk(inputSchema, [], depth: 0)
        return found
    }

    /// RFC 9110's token: the characters a header's name may hold.
    static func isFieldName(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// The tool `name` of `tools`, or a refusal that names what `server` has.
    package static func named(_ name: String, in tools: [ToolDescription], server: String) throws(ClientFailure) -> ToolDescription {
        guard let tool = tools.first(where: { $0.name == name }) else {
            let listed = tools.isEmpty ? "none" : tools.prefix(20).map { $0.name }.joined(separator: ", ") + (tools.count > 20 ? ", …" : "")
            throw .invalidRequest("\(server) has no tool \(name)\(Suggestions.hint(for: name, among: tools.map { $0.name })); it has \(listed)")
        }
        return tool
    }

    /// Reads one item of `tools/list`; nil when it has no name.
    init?(_ tool: JSONValue) {
        guard let name = tool["name"]?.stringValue else { return nil }
        self.name = name
        title = tool["title"]?.stringValue ?? tool["annotations"]?["title"]?.stringValue
        description = tool["description"]?.stringValue
        inputSchema = tool["inputSchema"] ?? .object([])
        outputSchema = tool["outputSchema"]
        raw = tool
        let required = Set(inputSchema["required"]?.arrayValue?.compactMap { $0.stringValue } ?? [])
        var parameters: [Parameter] = []
        if case .object(let properties)? = inputSchema["properties"] {
            for (property, schema) in properties {
                let resolved = Self.resolve(schema, in: inputSchema)
                let (types, choices) = Self.kinds(of: resolved, in: inputSchema)
                parameters.append(Parameter(name: property, types: types, choices: choices, isRequired: required.contains(property),
                                            description: resolved["description"]?.stringValue, schema: resolved))
            }
        }
        self.parameters = parameters
        switch inputSchema["additionalProperties"] {
        case .bool(false)?: takesOtherArguments = false
        case nil: takesOtherArguments = inputSchema["properties"] == nil
        default: takesOtherArguments = true
        }
        var hints: [String] = []
        for (key, word) in [("readOnlyHint", "read-only"), ("destructiveHint", "destructive"), ("idempotentHint", "idempotent"), ("openWorldHint", "open-world")] {
            if tool["annotations"]?[key]?.boolValue == true { hints.append(word) }
        }
        annotations = hints
    }

    /// How deep `$ref`s and unions are followed: a schema that refers to itself stops here.
    static let resolutionDepth = 8

    /// `schema` with a local `$ref` (`#/$defs/X`, `#/definitions/X`) and a one-member `allOf`
    /// replaced by what they name, as the Python SDK's schemas use them for enums and models.
    static func resolve(_ schema: JSONValue, in root: JSONValue, depth: Int = 0) -> JSONValue {
        guard depth < resolutionDepth else { return schema }
        if let reference = schema["$ref"]?.stringValue, reference.hasPrefix("#/") {
            var target: JSONValue? = root
            for part in reference.dropFirst(2).split(separator: "/") {
                target = target?[String(part).replacing("~1", with: "/").replacing("~0", with: "~")]
            }
            guard let target else { return schema }
            // What the reference sits beside (a description) stays.
            var merged = resolve(target, in: root, depth: depth + 1)
            if case .object(let members) = schema {
                for (key, value) in members where key != "$ref" { merged = merged.setting(key, to: value) }
            }
            return merged
        }
        if let all = schema["allOf"]?.arrayValue, all.count == 1 {
            var merged = resolve(all[0], in: root, depth: depth + 1)
            if case .object(let members) = schema {
                for (key, value) in members where key != "allOf" { merged = merged.setting(key, to: value) }
            }
            return merged
        }
        return schema
    }

    /// The types (without "null") and the listed values a schema allows; `anyOf`/`oneOf`
    /// contribute all of their members'. Values are listed only when every member lists them.
    static func kinds(of schema: JSONValue, in root: JSONValue) -> (types: [String], choices: [JSONValue]?) {
        var budget = nodeBudget
        guard let found = collect(schema, in: root, depth: 0, budget: &budget) else { return ([], nil) }
        return (found.types.filter { $0 != "null" }, found.isOpen || found.choices.count > choiceLimit ? nil : found.choices)
    }

    /// How many schema nodes one parameter's type is read from: a union that refers to itself
    /// grows as its width to the power of the depth, and a server chooses both.
    static let nodeBudget = 1000
    /// More listed values than this are taken as a free value of their type.
    static let choiceLimit = 10_000

    /// nil when the schema allows anything (or reading it ran out of `budget`); `isOpen` when
    /// some type is free of a list of values.
    private static func collect(_ schema: JSONValue, in root: JSONValue, depth: Int, budget: inout Int) -> (types: [String], choices: [JSONValue], isOpen: Bool)? {
        budget -= 1
        guard budget >= 0 else { return nil }
        var types: [String] = []
        switch schema["type"] {
        case .string(let type)?: types = [type]
        case .array(let list)?: types = list.compactMap { $0.stringValue }
        default: break
        }
        var choices = schema["enum"]?.arrayValue ?? schema["const"].map { [$0] } ?? []
        var isOpen = choices.isEmpty && types.contains { $0 != "null" }
        var union: [JSONValue] = []
        if depth < resolutionDepth { union = (schema["anyOf"]?.arrayValue ?? []) + (schema["oneOf"]?.arrayValue ?? []) }
        if types.isEmpty && choices.isEmpty && union.isEmpty { return nil }
        for member in union {
            guard let found = collect(resolve(member, in: root, depth: depth + 1), in: root, depth: depth + 1, budget: &budget) else { return nil }
            types += found.types.filter { !types.contains($0) }
            choices += found.choices
            isOpen = isOpen || found.isOpen
        }
        return (types, choices, isOpen)
    }

    /// True when `value` is of JSON Schema type `type`.
    static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("string", .string), ("boolean", .bool), ("array", .array), ("object", .object), ("null", .null),
             ("number", .int), ("number", .double), ("integer", .int):
            return true
        case ("integer", .double(let number)):
            return number == number.rounded()
        default:
            return false
        }
    }
}
