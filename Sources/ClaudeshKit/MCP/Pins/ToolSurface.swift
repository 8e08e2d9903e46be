/// What a server offers a model: its tools as `tools/list` gives them (names, descriptions,
/// input and output schemas, annotations), canonicalised so that the same surface always has
/// the same hash whatever order the server writes keys in. A description rewritten between two
/// checks is a change the operator should see: it is read by the model as instructions.
package struct ToolSurface: Sendable, Equatable {
    /// The tools, keys sorted, in the server's order.
    package var tools: [JSONValue]
    /// SHA-256 of the canonical JSON text of `tools`, 64 hex digits.
    package var hash: String
    /// What the tools cost a model's context, estimated as the UTF-8 bytes of their JSON / 4.
    package var contextTokens: Int

    init(tools: [JSONValue]) {
        self.tools = tools.map { tool in tool.sortingKeys }
        let text = JSONValue.array(self.tools).serialized()
        hash = SHA256.hex(Array(text.utf8))
        contextTokens = text.utf8.count / Self.bytesPerToken
    }

    /// The usual estimate of a tokenizer's bytes per token for English and JSON.
    static let bytesPerToken = 4

    /// The first 12 digits of the hash, for tables.
    package var shortHash: String { String(hash.prefix(12)) }
}

/// How a checked surface compares with the server's pin.
package enum PinState: String, Sendable {
    /// First sight: pinned now.
    case pinned
    /// As pinned.
    case same
    /// Not as pinned: a warning, until `mcp pin` accepts it.
    case changed
    /// The pins could not be read or written: not compared.
    case unknown
}
