/// A prompt as `prompts/list` describes it.
package struct PromptDescription: Sendable {
    package struct Argument: Sendable {
        package var name: String
        package var description: String?
        package var isRequired: Bool
    }

    package var name: String
    package var title: String?
    package var description: String?
    package var arguments: [Argument]

    /// `code_review(code, style?)`.
    package var signature: String {
        "\(name)(" + arguments.map { $0.name + ($0.isRequired ? "" : "?") }.joined(separator: ", ") + ")"
    }

    init?(_ prompt: JSONValue) {
        guard let name = prompt["name"]?.stringValue else { return nil }
        self.name = name
        title = prompt["title"]?.stringValue
        description = prompt["description"]?.stringValue
        arguments = (prompt["arguments"]?.arrayValue ?? []).compactMap { argument in
            argument["name"]?.stringValue.map {
                Argument(name: $0, description: argument["description"]?.stringValue, isRequired: argument["required"]?.boolValue == true)
            }
        }
    }
}

/// A resource as `resources/list` describes it.
package struct ResourceDescription: Sendable {
    package var uri: String
    package var name: String?
    package var title: String?
    package var description: String?
    package var mimeType: String?
    package var size: Int?

    init?(_ resource: JSONValue) {
        guard let uri = resource["uri"]?.stringValue else { return nil }
        self.uri = uri
        name = resource["name"]?.stringValue
        title = resource["title"]?.stringValue
        description = resource["description"]?.stringValue
        mimeType = resource["mimeType"]?.stringValue
        if case .int(let bytes)? = resource["size"] { size = bytes }
    }
}

/// A resource template (`resources/templates/list`): a URI with `{variables}` to fill.
package struct ResourceTemplate: Sendable {
    package var uriTemplate: String
    package var name: String?
    package var description: String?
    package var mimeType: String?

    /// The names of its `{variables}` (RFC 6570 level 1, operators dropped).
    package var variables: [String] {
        var names: [String] = []
        var rest = Substring(uriTemplate)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            let inner = rest[rest.index(after: open)..<close].drop { "+#./;?&".contains($0) }
            names += inner.split(separator: ",").map { String($0.split(separator: ":")[0]).replacing("*", with: "") }
            rest = rest[rest.index(after: close)...]
        }
        return names
    }

    init?(_ template: JSONValue) {
        guard let uri = template["uriTemplate"]?.stringValue else { return nil }
        uriTemplate = uri
        name = template["name"]?.stringValue
        description = template["description"]?.stringValue
        mimeType = template["mimeType"]?.stringValue
    }
}
