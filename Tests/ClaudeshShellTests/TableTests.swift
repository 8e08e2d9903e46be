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
}
