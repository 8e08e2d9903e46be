/// A JSON document with where each object's members sit in its text, so that an edit is
/// spliced into the text and every byte it does not change stays as it was.
///
/// Written back from values, a file would lose what a value cannot hold: a big integer becomes a
/// rounded float, `1e400` becomes `null`, invalid UTF-8 becomes U+FFFD, `\u00e9` becomes `é`, and
/// the client's own spacing goes. Splicing changes only the members whose value changed.
struct JSONSource {
    /// One member of an object: byte offsets of its key's opening quote and of its value.
    struct MemberSpan: Sendable {
        var key: String
        var keyStart: Int
        var valueStart: Int
        /// Just past the value.
        var valueEnd: Int
    }

    /// An object: the offsets of its braces and its members in file order.
    struct ObjectSpan: Sendable {
        var open: Int
        var close: Int
        var members: [MemberSpan]
    }

    /// The same key twice in an object an edit changes: which member the edit is for is not
    /// known (readers take the last, editors often the first), so it is not made.
    struct DuplicateKey: Error, Sendable, Equatable {
        var key: String
        var first: (line: Int, column: Int)
        var second: (line: Int, column: Int)

        static func == (a: DuplicateKey, b: DuplicateKey) -> Bool {
            a.key == b.key && a.first == b.first && a.second == b.second
        }
    }

    let bytes: [UInt8]
    let value: JSONValue
    private let start: Int
    private let spans: [Int: ObjectSpan]

    init(_ bytes: [UInt8]) throws(JSONParser.Error) {
        self.bytes = bytes
        (value, start, spans) = try JSONParser.parseWithSpans(bytes)
    }

    /// The text of `edited` (this document after an edit): the members whose value is the same
    /// are kept byte for byte, with the spacing around them. A new member named in `verbatim`
    /// whose value that text is gets that text (a server put back as it was written).
    func splicing(_ edited: JSONValue, verbatim: [String: [UInt8]] = [:]) throws(DuplicateKey) -> [UInt8] {
        if value == edited { return bytes }
        guard let span = spans[start], case .object(let old) = value, case .object(let new) = edited else {
            return Array(edited.serialized(pretty: true).utf8) + [0x0A]
        }
        return Array(bytes[..<span.open]) + (try rebuilt(span, old: old, new: new, verbatim: verbatim)) + Array(bytes[(span.close + 1)...])
    }

    /// The text of the value at `keys` (object members from the top), as written; nil when
    /// there is none.
    func text(at keys: [String]) -> [UInt8]? {
        var span = spans[start]
        for (depth, key) in keys.enumerated() {
            guard let member = span?.members.last(where: { $0.key == key }) else { return nil }
            if depth == keys.count - 1 { return Array(bytes[member.valueStart..<member.valueEnd]) }
            span = spans[member.valueStart]
        }
        return nil
    }

    /// The object's text, `{` to `}`, holding `new`.
    private func rebuilt(_ span: ObjectSpan, old: [(String, JSONValue)], new: [(String, JSONValue)], verbatim: [String: [UInt8]]) throws(DuplicateKey) -> [UInt8] {
        var firstOffset: [String: Int] = [:]
        for (index, member) in span.members.enumerated() {
            if let earlier = firstOffset[member.key] {
                throw DuplicateKey(key: member.key, first: JSONParser.position(of: span.members[earlier].keyStart, in: bytes),
                                   second: JSONParser.position(of: member.keyStart, in: bytes))
            }
            firstOffset[member.key] = index
        }
        guard !new.isEmpty else { return Array("{}".utf8) }
        let members = span.members
        let compact = members.first.map { !bytes[(span.open + 1)..<$0.keyStart].contains(0x0A) } ?? false
        let indent = members.first.map { lineIndent(at: $0.keyStart) } ?? lineIndent(at: span.open) + "  "
        let leading = members.first.map { Array(bytes[(span.open + 1)..<$0.keyStart]) } ?? Array(("\n" + indent).utf8)
        let trailing = members.last.map { Array(bytes[$0.valueEnd..<span.close]) } ?? Array(("\n" + lineIndent(at: span.open)).utf8)
        let separator = members.count > 1 ? Array(bytes[members[0].valueEnd..<members[1].keyStart]) : [UInt8(ascii: ",")] + leading

        var out: [UInt8] = [UInt8(ascii: "{")] + leading
        var previous: Int?
        for (position, (key, newValue)) in new.enumerated() {
            let index = firstOffset[key]
            if position > 0 {
                if let index, let previous, previous + 1 == index {
                    out += bytes[members[previous].valueEnd..<members[index].keyStart]
                } else {
                    out += separator
                }
            }
            previous = index
            guard let index else {
                JSONValue.quote(key, into: &out)
                out += (compact ? ":" : ": ").utf8
                if let written = verbatim[key], (try? JSONParser.parse(written)) == newValue {
                    out += written
                } else {
                    out += serialized(newValue, compact: compact, indent: indent)
                }
                continue
            }
            let member = members[index]
            let oldValue = old[index].1
            if oldValue == newValue {
                out += bytes[member.keyStart..<member.valueEnd]
                continue
            }
            out += bytes[member.keyStart..<member.valueStart]
            if let nested = spans[member.valueStart], case .object(let oldMembers) = oldValue, case .object(let newMembers) = newValue {
                out += try rebuilt(nested, old: oldMembers, new: newMembers, verbatim: verbatim)
            } else {
                out += serialized(newValue, compact: compact, indent: lineIndent(at: member.keyStart))
            }
        }
        return out + trailing + [UInt8(ascii: "}")]
    }

    /// `value` as the text around it is written: on one line, or two spaces a level from the
    /// indentation of the line it starts on.
    private func serialized(_ value: JSONValue, compact: Bool, indent: String) -> [UInt8] {
        // Strings escape their newlines, so every newline in the text is a line break.
        Array((compact ? value.serialized() : value.serialized(pretty: true).replacing("\n", with: "\n" + indent)).utf8)
    }

    /// The spaces and tabs that start the line holding `offset`.
    private func lineIndent(at offset: Int) -> String {
        var lineStart = offset
        while lineStart > 0 && bytes[lineStart - 1] != 0x0A { lineStart -= 1 }
        var end = lineStart
        while end < offset && (bytes[end] == 0x20 || bytes[end] == 0x09) { end += 1 }
        return String(decoding: bytes[lineStart..<end], as: UTF8.self)
    }
}
