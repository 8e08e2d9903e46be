import Testing
@testable import ClaudeshKit

/// The JSON text claudesh writes: exact for a known document, every string back as it was,
/// and the escaped forms the redactor looks for written as Python writes them.
struct JSONWriterTests {
    @Test func aKnownDocumentIsWrittenExactlyCompactAndPretty() {
        let value: JSONValue = .object([
            ("z", .int(0)), ("n", .int(-42)), ("min", .int(Int.min)), ("max", .int(Int.max)), ("d", .double(2.5)),
            ("inf", .double(.infinity)), ("t", .bool(true)), ("nil", .null), ("s", .string("a\"b\\c\n\u{7F}é")),
            ("empty", .array([])), ("none", .object([])), ("list", .array([.int(1), .object([("k", .string("v"))])])),
        ])
        #expect(value.serialized() == #"{"z":0,"n":-42,"min":-9223372036854775808,"max":9223372036854775807,"d":2.5,"inf":null,"t":true,"nil":null,"s":"a\"b\\c\n\u007fé","empty":[],"none":{},"list":[1,{"k":"v"}]}"#)
        #expect(JSONValue.array([.int(1), .object([("a", .array([]))])]).serialized(pretty: true) == "[\n  1,\n  {\n    \"a\": []\n  }\n]")
        #expect(value.serializedBytes() == Array(value.serialized().utf8))
    }

    /// Random strings of quotes, backslashes, control characters, DEL and one- to four-byte
    /// characters: each written form parses back to the same string, and the `ensure_ascii`
    /// form is the one Python's json.dumps writes, unit by unit.
    @Test func everyStringComesBackAndTheASCIIFormIsPythons() throws {
        var random = SplitMix64(seed: 20261205)
        let pool: [Unicode.Scalar] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{00}", "\u{1F}", "\u{7F}",
                                      "é", "\u{80}", "\u{7FF}", "€", "\u{FFFD}", "😀", "\u{10FFFF}"]
        for _ in 0..<500 {
            var text = ""
            for _ in 0..<Int(random.next() % 40) { text.unicodeScalars.append(pool[Int(random.next() % UInt64(pool.count))]) }
            #expect(try JSONParser.parse(JSONValue.string(text).serialized()) == .string(text))
            for nonASCII in JSONValue.NonASCII.allCases {
                for python in [false, true] {
                    var escaped = ""
                    JSONValue.escape(text, into: &escaped, python: python, nonASCII: nonASCII)
                    #expect(try JSONParser.parse("\"" + escaped + "\"") == .string(text))
                }
            }
            var ascii = ""
            JSONValue.escape(text, into: &ascii, python: true, nonASCII: .lowercase)
            #expect(ascii == Self.pythonEnsureASCII(text))
        }
    }

    @Test func equalMeansTheSameText() {
        #expect(JSONValue.double(.nan) == .null)
        #expect(JSONValue.int(1) != .double(1))
        #expect(JSONValue.object([("a", .int(1)), ("b", .int(2))]) != .object([("b", .int(2)), ("a", .int(1))]))
        #expect(JSONValue.string("e\u{301}") != .string("é"))
        #expect(JSONValue.array([.string("x"), .null]) == .array([.string("x"), .null]))
    }

    /// json.dumps(text, ensure_ascii=True) without its quotes.
    static func pythonEnsureASCII(_ text: String) -> String {
        var out = ""
        for unit in text.utf16 {
            switch unit {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x20...0x7E: out += String(UnicodeScalar(UInt8(unit)))
            default:
                let hex = String(unit, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        }
        return out
    }
}
