import Testing
@testable import ClaudeshKit
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

struct TableLayoutTests {
    @Test func noLineEndsInSpaces() {
        let table = Table(headers: ["NAME", "NOTE"], rows: [["time", ""], ["a-long-name", "x"], ["short"]])
        for line in table.lines() { #expect(line.last != " ", "\(line.debugDescription)") }
        #expect(table.lines() == ["NAME         NOTE", "time", "a-long-name  x", "short"])
    }

    @Test func theLastColumnWrapsAtSpacesWithinTheWidth() {
        let summary = "restore only PATH and what is under it (as stored: .password-store/claude, or ~/.password-store/claude)"
        let table = Table(headers: [], rows: [["--only PATH", summary]], width: 70)
        let lines = table.lines()
        #expect(lines.count > 1)
        for line in lines {
            #expect(DisplayWidth.of(line) <= 70 || !line.trimmingWhitespace.contains(" "), "\(line)")
            #expect(line.last != " ")
        }
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(String(repeating: " ", count: 13)) }, "continuations stay in their column")
        let words = lines.map { $0.dropFirst(13).split(separator: " ") }.joined().map(String.init)
        #expect(words == summary.split(separator: " ").map(String.init), "no word is cut")
    }

    @MainActor
    @Test func theWidthOfTheTerminalShapesHelpsFlags() async throws {
        let session = makeSession(variables: ["COLUMNS": "70"])
        #expect(await session.execute(line: "backup restore --help") == .success)
        let text = session.output.captured
        let flags = try #require(text.range(of: "flags:\n")?.upperBound)
        let end = try #require(text.range(of: "\nexamples:")?.lowerBound)
        for line in text[flags..<end].split(separator: "\n") {
            #expect(DisplayWidth.of(String(line)) <= 70, "\(line)")
            #expect(line.last != " ", "\(line)")
        }
        #expect(text.contains("~/.password-store/claude)"), "the summary's words are all there")
    }

    @MainActor
    @Test func commandTablesWrapWithinTheTerminalToo() async {
        let session = makeSession(variables: ["COLUMNS": "40"])
        #expect(await session.execute(line: "set GREETING one two three four five six seven eight nine ten") == .success)
        #expect(await session.execute(line: "set") == .success)
        #expect(session.output.captured == "GREETING  one two three four five six\n          seven eight nine ten\n")
    }

    @MainActor
    @Test func liveCheckLinesAlignTheirNames() {
        let output = makeSession().output
        var fast = ProbeResult(server: "time", transport: "stdio")
        fast.latency = .milliseconds(12)
        var broken = ProbeResult(server: "a-much-longer-name", transport: "stdio")
        broken.failure = .invalidConfig("no command")
        let lines = [fast, broken].map { MCPCheckCommands.progressLine($0, output, nameWidth: 18) }
        let column = { (line: String, word: String) in line.range(of: word).map { line.distance(from: line.startIndex, to: $0.lowerBound) } }
        #expect(column(lines[0], "12") == column(lines[1], "no command"), "\(lines)")
    }
}
