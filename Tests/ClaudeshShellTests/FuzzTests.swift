import Testing
@testable import ClaudeshKit
@testable import ClaudeshShell

/// Thousands of generated lines through the tokenizer and the dispatcher: nothing crashes, and
/// every line ends in a status from the convention, with a message for each failure.
@MainActor
struct FuzzTests {
    static let pieces = ["help", "set", "unset", "context", "echo", "try", "history", "exit", "source", "sleep", "confirm", "h", "he", "mcp",
                         "--json", "--help", "-x", "--", "'", "\"", "\\", "\\\n", "$", "${", "}", "${X:-d}", "$1", "$#", "#", " ", "\t",
                         "output", "json", "color", "backup-dir", "~/x", "/", "é", "✓", "\u{0}", "\u{7}", "\u{1B}[A", "0", "-1", "1e309", "NaN"]

    @Test(arguments: [1 as UInt64, 2, 3, 4])
    func randomLinesNeverCrashTheShell(seed: UInt64) async {
        var random = SplitMix64(seed: seed)
        let session = makeSession()
        let allowed: Set<ExitStatus> = [.success, .failure, .usage, .scriptStopped]
        for _ in 0..<1500 {
            var line = ""
            for _ in 0..<Int.random(in: 0...12, using: &random) {
                if Int.random(in: 0..<5, using: &random) == 0 {
                    line.unicodeScalars.append(Unicode.Scalar(UInt8.random(in: 0...255, using: &random)))
                } else {
                    line += Self.pieces.randomElement(using: &random)!
                }
                if Bool.random(using: &random) { line += " " }
            }
            // `exit` and `sleep` with real values would end or stall the run: they are fuzzed for parsing only.
            let words = (try? Tokenizer.words(line, expansion: session.expansion)) ?? []
            if let first = words.first, ["exit", "quit", "sleep", "ex", "exi", "sl", "sle", "slee", "qu", "qui"].contains(first), words.count > 1 {
                continue
            }
            let errorsBefore = session.errorsReported
            let status = await session.execute(line: line)
            session.exitRequest = nil
            #expect(allowed.contains(status), "seed \(seed): \(line.debugDescription) gave \(status)")
            if !status.isSuccess {
                #expect(session.errorsReported > errorsBefore || status == .failure, "seed \(seed): \(line.debugDescription) failed without a message")
            }
            _ = Tokenizer.partial(line, expansion: session.expansion)
            _ = Completer(registry: session.registry, context: session.context).edit(forLineBeforeCursor: line, expansion: session.expansion)
        }
    }
}
