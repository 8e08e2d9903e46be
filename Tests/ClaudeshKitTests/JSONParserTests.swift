import Testing
@testable import ClaudeshKit

struct JSONParserTests {
    @Test func keepsKeyOrderAndRoundTrips() throws {
        let text = #"{"zeta":1,"alpha":{"b":[true,false,null],"a":"x"},"mid":-2.5e3,"big":12345678901234567890}"#
        let value = try JSONParser.parse(text)
        guard case .object(let members) = value else { Issue.record("not an object"); return }
        #expect(members.map(\.0) == ["zeta", "alpha", "mid", "big"])
        #expect(try JSONParser.parse(value.serialized()) == value)
        #expect(try JSONParser.parse(value.serialized(pretty: true)) == value)
    }

    @Test func stringsAndEscapes() throws {
        #expect(try JSONParser.parse(#""a\"b\\c\/d\n\t\u00e9\ud83d\ude00 é""#) == .string("a\"b\\c/d\n\té😀 é"))
        #expect(try JSONParser.parse("\u{FEFF}{}".utf8.map { $0 }) == .object([]))
    }

    @Test(arguments: [
        ("{\"a\": 1,}", "1:9: a trailing comma before }"),
        ("{\n  \"a\": 1\n  \"b\": 2\n}", "3:3: unexpected a double quote: expected , or }"),
        ("[1, 2", "1:6: unexpected end of file: an array is not closed with ]"),
        ("{\"é\": tru}", "1:7: unexpected 't': expected a value"),
        ("{\"a\": \"x", "1:7: a string is not closed with \""),
        ("01", "1:2: a number cannot start with 0"),
        ("{} x", "1:4: unexpected text after the JSON value"),
        ("{'a': 1}", "1:2: unexpected a single quote: expected a key in double quotes"),
        ("", "1:1: unexpected end of file: a value is missing"),
        ("\"\\ud800\"", "1:7: a lone surrogate \\ud800"),
    ])
    func malformedInputNamesLineAndColumn(text: String, message: String) {
        let error = #expect(throws: JSONParser.Error.self) { try JSONParser.parse(text) }
        #expect(error?.description == message)
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let text = String(repeating: "[", count: 100_000)
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(text) }
    }
}
