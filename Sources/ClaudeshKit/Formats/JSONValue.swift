/// A JSON value whose objects keep their keys in order, so output has a stable, documented shape.
package enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    /// Equal when their JSON texts are: same members in the same order, strings the same
    /// bytes, a double that is not finite equal to null (as it is written).
    package static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a.isFinite && b.isFinite ? String(a) == String(b) : a.isFinite == b.isFinite
        case (.double(let a), .null), (.null, .double(let a)): return !a.isFinite
        case (.string(let a), .string(let b)): return a.utf8.elementsEqual(b.utf8)
        case (.array(let a), .array(let b)): return a.count == b.count && zip(a, b).allSatisfy { $0 == $1 }
        case (.object(let a), .object(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0.utf8.elementsEqual($1.0.utf8) && $0.1 == $1.1 }
        default: return false
        }
    }

    /// The same value with every object's keys sorted: two documents that differ only in the
    /// order of their keys (an editor rewrote the file) compare equal this way.
    var sortingKeys: JSONValue {
        switch self {
        case .array(let items): return .array(items.map({ $0.sortingKeys }))
        case .object(let members): return .object(members.sorted { $0.0 < $1.0 }.map { ($0.0, $0.1.sortingKeys) })
        default: return self
        }
    }

    /// The JSON text: two-space indentation when `pretty`, else one line.
    package func serialized(pretty: Bool = false) -> String {
        String(decoding: serializedBytes(pretty: pretty), as: UTF8.self)
    }

    /// The JSON text as UTF-8, what a sink writes. Written as bytes, and a string's runs that
    /// need no escape copied whole: the gateway serialises every message it passes on.
    package func serializedBytes(pretty: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        write(into: &out, pretty: pretty, indent: 0)
        return out
    }

    private func write(into out: inout [UInt8], pretty: Bool, indent: Int) {
        switch self {
        case .null: out += "null".utf8
        case .bool(let value): out += (value ? "true" : "false").utf8
        case .int(let value): JSONValue.writeInteger(value, into: &out)
        case .double(let value): out += (value.isFinite ? String(value) : "null").utf8
        case .string(let value): JSONValue.quote(value, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                JSONValue.separate(index, pretty: pretty, indent: indent + 1, into: &out)
                item.write(into: &out, pretty: pretty, indent: indent + 1)
            }
            JSONValue.close(UInt8(ascii: "]"), empty: items.isEmpty, pretty: pretty, indent: indent, into: &out)
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, (key, value)) in members.enumerated() {
                JSONValue.separate(index, pretty: pretty, indent: indent + 1, into: &out)
                JSONValue.quote(key, into: &out)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(UInt8(ascii: " ")) }
                value.write(into: &out, pretty: pretty, indent: indent + 1)
            }
            JSONValue.close(UInt8(ascii: "}"), empty: members.isEmpty, pretty: pretty, indent: indent, into: &out)
        }
    }

    /// What goes before a container's item: a comma after the first, and a new line indented.
    private static func separate(_ index: Int, pretty: Bool, indent: Int, into out: inout [UInt8]) {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        if pretty { newLine(indent, into: &out) }
    }

    private static func close(_ bracket: UInt8, empty: Bool, pretty: Bool, indent: Int, into out: inout [UInt8]) {
        if pretty && !empty { newLine(indent, into: &out) }
        out.append(bracket)
    }

    private static func newLine(_ indent: Int, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\n"))
        for _ in 0..<indent * 2 { out.append(UInt8(ascii: " ")) }
    }

    private static func writeInteger(_ value: Int, into out: inout [UInt8]) {
        guard value != 0 else { out.append(UInt8(ascii: "0")); return }
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var rest = value.magnitude
        let start = out.count
        while rest > 0 {
            out.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        }
        out[start...].reverse()
    }

    static func quote(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        escape(text, into: &out)
        out.append(UInt8(ascii: "\""))
    }

    /// How characters beyond ASCII are written: as they are, or as `\uXXXX` (`ensure_ascii`).
    enum NonASCII: CaseIterable { case raw, lowercase, uppercase }

    /// `text` escaped for the inside of a JSON string. `python` writes control characters as
    /// Python's `json.dumps` does (`\b`, `\f`, and DEL as it is unless `ensure_ascii`): the
    /// redactor looks for a secret in each way a server may have written it.
    static func escape(_ text: String, into out: inout String, python: Bool = false, nonASCII: NonASCII = .raw) {
        var bytes: [UInt8] = []
        escape(text, into: &bytes, python: python, nonASCII: nonASCII)
        out += String(decoding: bytes, as: UTF8.self)
    }

    static func escape(_ text: String, into out: inout [UInt8], python: Bool = false, nonASCII: NonASCII = .raw) {
        let hexDigits = Array((nonASCII == .uppercase ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        func unicodeEscape(_ unit: UInt16) {
            out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), hexDigits[Int(unit >> 12)], hexDigits[Int(unit >> 8 & 0xF)],
                    hexDigits[Int(unit >> 4 & 0xF)], hexDigits[Int(unit & 0xF)]]
        }
        var text = text
        text.withUTF8 { bytes in
            var run = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                let plain = byte >= 0x20 && byte != 0x22 && byte != 0x5C && (byte < 0x7F || (byte >= 0x80 && nonASCII == .raw))
                if plain { index += 1; continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<index]))
                if byte >= 0x80 {
                    // One scalar of valid UTF-8 (a String's), as its UTF-16 units.
                    let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                    var value = UInt32(byte) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
                    for next in bytes[(index + 1)..<(index + length)] { value = value << 6 | UInt32(next & 0x3F) }
                    for unit in Unicode.UTF16.encode(Unicode.Scalar(value)!)! { unicodeEscape(unit) }
                    index += length
                } else {
                    switch byte {
                    case 0x22: out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
                    case 0x5C: out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
                    case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
                    case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
                    case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
                    case 0x08 where python: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
                    case 0x0C where python: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
                    case 0x7F where python && nonASCII == .raw: out.append(byte) // ensure_ascii writes \u007f
                    default: unicodeEscape(UInt16(byte))
                    }
                    index += 1
                }
                run = index
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<index]))
        }
    }
}
