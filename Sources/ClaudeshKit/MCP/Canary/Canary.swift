/// A server's functional check: one tool called with arguments fixed when it was added (typed and
/// checked against the tool's schema then), after the probe's handshake, on the same session. A
/// server whose handshake passes may still fail every call (an expired token, a backend down);
/// the canary is what tells "starts" from "works".
package struct Canary: Sendable, Equatable {
    package var tool: String
    /// The arguments object as `tools/call` sends it.
    package var arguments: JSONValue
    /// Text the answer's text content must hold, when given.
    package var expect: String?

    package init(tool: String, arguments: JSONValue, expect: String?) {
        self.tool = tool
        self.arguments = arguments
        self.expect = expect
    }

    /// The `tools/call` params.
    var params: JSONValue { .object([("name", .string(tool)), ("arguments", arguments)]) }

    /// Why `result` (a `tools/call` result) fails the canary, or nil when it passes: the tool
    /// reported an error, or the expected text is not in its text content.
    func failure(of result: JSONValue) -> String? {
        let text = (result["content"]?.arrayValue ?? []).compactMap { item in item["type"]?.stringValue == "text" ? item["text"]?.stringValue : nil }
            .joined(separator: "\n")
        // On one line: an answer is often pretty-printed JSON.
        let said = text.isEmpty ? "" : ": " + text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ").clipped(120)
        if result["isError"]?.boolValue == true { return "the tool reported an error\(said)" }
        if let expect, !text.contains(expect) { return "\"\(expect.clipped(40))\" not in the answer\(said.isEmpty ? " (no text)" : said)" }
        return nil
    }

    var json: JSONValue {
        .object([("tool", .string(tool)), ("arguments", arguments), ("expect", expect.map(JSONValue.string) ?? .null)])
    }

    /// Reads one entry of `canaries.json`; nil when it is not one.
    init?(json: JSONValue) {
        guard let tool = json["tool"]?.stringValue, case .object? = json["arguments"] else { return nil }
        let expect = json["expect"]
        guard expect == nil || expect == .null || expect?.stringValue != nil else { return nil }
        self.init(tool: tool, arguments: json["arguments"]!, expect: expect?.stringValue)
    }
}
