/// A JSON value whose objects keep their keys in order, so output has a stable, documented shape.
package enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    package static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        lhs.serialized() == rhs.serialized()
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
        var out = ""
        write(into: &out, pretty: pretty, indent: 0)
        return out
    }

    private func write(into out: inout String, pretty: Bool, indent: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .double(let value): out += value.isFinite ? String(value) : "null"
        case .string(let value): JSONValue.quote(value, into: &out)
        case .array(let items):
            writeContainer(items.map { (nil, $0) }, open: "[", close: "]", into: &out, pretty: pretty, indent: indent)
        case .object(let members):
            writeContainer(members.map { ($0.0, $0.1) }, open: "{", close: "}", into: &out, pretty: pretty, indent: indent)
        }
    }

    private func writeContainer(_ items: [(String?, JSONValue)], open: String, close: String, into out: inout String, pretty: Bool, indent: Int) {
        out += open
        guard !items.isEmpty else { out += close; return }
        let inner = String(repeating: "  ", count: indent + 1)
        for (index, (key, value)) in items.enumerated() {
            if index > 0 { out += "," }
            if pretty { out += "\n" + inner }
            if let key {
                JSONValue.quote(key, into: &out)
                out += pretty ? ": " : ":"
            }
            value.write(into: &out, pretty: pretty, indent: indent + 1)
        }
        if pretty { out += "\n" + String(repeating: "  ", count: indent) }
        out += close
    }

    static func quote(_ text: String, into out: inout String) {
        out += "\""
        escape(text, into: &out)
        out += "\""
    }

    /// How characters beyond ASCII are written: as they are, or as `\uXXXX` (`ensure_ascii`).
    enum NonASCII: CaseIterable { case raw, lowercase, uppercase }

    /// `text` escaped for the inside of a JSON string. `python` writes control characters as
    /// Python's `json.dumps` does (`\b`, `\f`, DEL as it is): the redactor looks for a secret
    /// in each way a server may have written it.
    static func escape(_ text: String, into out: inout String, python: Bool = false, nonASCII: NonASCII = .raw) {
        func unicodeEscape(_ unit: UInt16) {
            let hex = String(unit, radix: 16, uppercase: nonASCII == .uppercase)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}" where python: out += "\\b"
            case "\u{0C}" where python: out += "\\f"
            case "\u{7F}" where python: out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    unicodeEscape(UInt16(scalar.value))
                } else if scalar.value > 0x7F && nonASCII != .raw {
                    for unit in String(scalar).utf16 { unicodeEscape(unit) }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
    }
}
