import Testing
@testable import ClaudeshShell

struct TableTests {
    /// The text as the terminal shows it: colour escapes removed.
    static func visible(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let escape = rest.firstIndex(of: "\u{1B}") {
            result += rest[..<escape]
            rest = rest[escape...].drop { $0 != "m" }.dropFirst()
        }
        return result + rest
    }

    @Test func colouredCellsAlignAsPlainOnes() {
        let green = "\u{1B}[32mok\u{1B}[0m", red = "\u{1B}[31mFAIL\u{1B}[0m"
        let table = Table(headers: ["NAME", "STATUS", "LATENCY"], rows: [["time", green, "622 ms"], ["broken", red, "5.2 ms"]])
        let lines = Self.visible(table.render()).split(separator: "\n").map(String.init)
        #expect(lines == ["NAME    STATUS  LATENCY", "time    ok      622 ms", "broken  FAIL    5.2 ms"])
    }

    @Test func escapesTakeNoColumnsAndWideCharactersTakeTwo() {
        #expect(DisplayWidth.of("\u{1B}[1;31mab\u{1B}[0m") == 2)
        #expect(DisplayWidth.of("日本") == 4)
        #expect(DisplayWidth.of("\u{1B}[2m…\u{1B}[0m") == 1)
    }

    /// ASCII text is measured on its bytes; the same text with one two-column character added
    /// takes the per-character path, and the two must agree on everything ASCII holds:
    /// escapes with and without parameters, controls, DEL, an escape cut off at the end.
    @Test func asciiBytesMeasureAsCharactersDo() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["a", "Z", " ", "-", "\t", "\u{7F}", "\u{1B}[0m", "\u{1B}[1;31m", "\u{1B}(", "\u{1B}", "\r\n", "~"]
        for _ in 0..<2000 {
            let text = (0..<Int.random(in: 0...12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(DisplayWidth.of(text) == DisplayWidth.of("日" + text) - 2, "\(text.debugDescription)")
        }
    }
}
