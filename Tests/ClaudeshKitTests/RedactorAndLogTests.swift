import Foundation
import Testing
@testable import ClaudeshKit

struct RedactorAndLogTests {
    let mask = Redactor.mask

    // MARK: Redactor

    @Test func masksEveryOccurrence() {
        let redactor = Redactor(values: ["secret-token"])
        // Adjacent occurrences are one covered run: one mask.
        #expect(redactor.redact("a secret-token b secret-tokensecret-token c") == "a \(mask) b \(mask) c")
    }

    @Test func longestValueIsMaskedFirst() {
        // Given shortest first: masking "abcd" first would leave "xx…xx" of the longer one visible.
        let redactor = Redactor(values: ["abcd", "xxabcdxx"])
        let redacted = redactor.redact("[xxabcdxx] and [abcd]")
        #expect(redacted == "[\(mask)] and [\(mask)]")
        #expect(!redacted.contains("xx"))
    }

    @Test func valuesShorterThanFourAreIgnored() {
        let redactor = Redactor(values: ["abc", "on", "1", ""])
        let text = "abc on 1 yes"
        #expect(redactor.redact(text) == text)
        #expect(Redactor(values: ["1234"]).redact("pin 1234") == "pin \(mask)")
    }

    @Test func aLongValueCutShortIsStillMasked() {
        let value = "plainpassword-zebra-102c1b"
        let redactor = Redactor(values: [value])
        // docker-py strips a trailing "b" (bytes) before it quotes a memory value back.
        #expect(redactor.redact("the string value for memory (plainpassword-zebra-102c1) to an integer") == "the string value for memory (\(mask)) to an integer")
        // Clipped for display, two thirds kept: masked; less than two thirds: too little to matter.
        #expect(redactor.redact("reason: plainpassword-zebra…") == "reason: \(mask)…")
        #expect(redactor.redact("plainpassword") == "plainpassword")
        // Short values are masked whole only.
        #expect(Redactor(values: ["short-pass"]).redact("short-pas") == "short-pas")
    }

    @Test func noValuesLeavesTextAlone() {
        #expect(Redactor(values: []).redact("nothing to hide") == "nothing to hide")
        #expect(Redactor(values: ["absent"]).redact("nothing to hide") == "nothing to hide")
    }

    @Test func theSessionRedactorMasksWhatTheVaultHoldsAtEachUse() {
        let vault = SecretVault()
        let redactor = Redactor(vault: vault)
        let withEntry = redactor.adding(["entry-value-1234"])
        #expect(redactor.redact("a vault-value-5678 b") == "a vault-value-5678 b")
        vault.store("vault-value-5678", as: "claude/x")
        #expect(redactor.redact("a vault-value-5678 b") == "a \(mask) b", "made before the value was loaded, masks it after")
        #expect(withEntry.redact("vault-value-5678 entry-value-1234") == "\(mask) \(mask)")
        vault.remove("claude/x")
        #expect(redactor.redact("a vault-value-5678 b") == "a vault-value-5678 b")
        #expect(withEntry.redact("entry-value-1234") == mask)
    }

    @Test func sealingAReportMasksItsNamesAndDetails() {
        let redactor = Redactor(values: ["report-secret-42"])
        let report = HealthReport(time: 1, checks: [.init(.servers, "report-secret-42", .failed, "echoed report-secret-42")])
        let sealed = redactor.seal(report).value
        #expect(sealed.checks[0].name == mask && sealed.checks[0].detail == "echoed \(mask)")
    }

    @Test func theHistoryKeepsNoLineThatHoldsASecret() {
        let vault = SecretVault()
        vault.store("history-secret-77", as: "claude/x")
        let redactor = Redactor(vault: vault)
        #expect(redactor.historyEntry("mcp list")?.value == "mcp list")
        #expect(redactor.historyEntry("echo history-secret-77") == nil)
        #expect(redactor.historyEntry("echo ghp_abcdefghijklmnopqrstuvwxyz0123456789") == nil)
        #expect(redactor.historyEntry(" mcp list") == nil)
        #expect(Redactor(values: ["fixed-value-99"]).historyEntry("echo fixed-value-99") == nil)
    }

    // MARK: ServerLog

    func readText(_ path: String) -> String {
        String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
    }

    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber).intValue
    }

    @Test func writesRedactedLinesToMCPNameLogWithMode0600() throws {
        let home = temporaryFolder("log")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let folder = home + "/logs"
        let log = ServerLog(server: "time", folder: folder, redactor: Redactor(values: ["sekrit-token-123"]))
        #expect(log.path == folder + "/mcp-time.log")
        log.append(Array("starting\nkey=sekrit-token-123 loaded\n".utf8))
        let path = try #require(log.path)
        #expect(readText(path) == "starting\nkey=\(mask) loaded\n")
        #expect(try mode(path) == 0o600)
        #expect(log.lastLines(10) == ["starting", "key=\(mask) loaded"])
    }

    @Test func lineSplitAcrossAppendsIsJoinedBeforeRedaction() throws {
        let home = temporaryFolder("log")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let log = ServerLog(server: "split", folder: home + "/logs", redactor: Redactor(values: ["sekrit-token-123"]))
        log.append(Array("token=sekrit-".utf8))
        #expect(log.lastLines(10) == []) // not a line yet
        log.append(Array("token-123 ok\nnext".utf8))
        #expect(log.lastLines(10) == ["token=\(mask) ok"])
        let path = try #require(log.path)
        #expect(readText(path) == "token=\(mask) ok\n")
        #expect(!readText(path).contains("sekrit"))
        log.append([], final: true) // the unterminated last line is flushed at the end
        #expect(log.lastLines(10) == ["token=\(mask) ok", "next"])
        #expect(readText(path) == "token=\(mask) ok\nnext\n")
    }

    @Test func multiByteCharacterSplitAcrossAppends() {
        let log = ServerLog(server: "utf8", folder: nil, redactor: Redactor(values: []))
        let bytes = Array("caf\u{E9} \u{2713}\n".utf8)
        log.append(Array(bytes[..<4]))
        log.append(Array(bytes[4...]))
        #expect(log.lastLines(1) == ["caf\u{E9} \u{2713}"])
    }

    @Test func keepsTheLastLinesOnly() throws {
        let home = temporaryFolder("log")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let log = ServerLog(server: "chatty", folder: home, redactor: Redactor(values: []))
        let lines = (1...25).map { "line \($0)" }
        log.append(Array((lines.joined(separator: "\n") + "\n").utf8))
        #expect(log.lastLines(100) == Array(lines.suffix(ServerLog.keptLines)))
        #expect(log.lastLines(3) == ["line 23", "line 24", "line 25"])
        #expect(log.lastLines(0) == [])
        // The file has every line, the tail only the last ones.
        #expect(readText(try #require(log.path)) == lines.joined(separator: "\n") + "\n")
    }

    @Test func blankLinesAreLoggedButNotKeptAndKeptLinesAreTrimmed() throws {
        let home = temporaryFolder("log")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let log = ServerLog(server: "blank", folder: home, redactor: Redactor(values: []))
        log.append(Array("  indented  \n\n   \nlast\r\n".utf8))
        #expect(log.lastLines(10) == ["indented", "last"])
        #expect(readText(try #require(log.path)) == "  indented  \n\n   \nlast\r\n")
    }

    @Test func fileNameSanitizesIntoOneSafeComponent() throws {
        let safe = ServerLog.fileName("../evil name")
        #expect(safe == "_._evil_name")
        #expect(!safe.contains("/"))
        #expect(safe != "." && safe != "..")
        #expect(!safe.hasPrefix("."))
        #expect(ServerLog.fileName("time") == "time")
        #expect(ServerLog.fileName("my-server_2.0") == "my-server_2.0")
        #expect(ServerLog.fileName("a/b\\c") == "a_b_c")
        #expect(ServerLog.fileName("..") == "_.")
        #expect(ServerLog.fileName(".hidden") == "_hidden")
        #expect(ServerLog.fileName("caf\u{E9}") == "caf_")

        let home = temporaryFolder("log")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let folder = home + "/logs"
        let log = ServerLog(server: "../evil name", folder: folder, redactor: Redactor(values: []))
        let path = try #require(log.path)
        #expect(path == folder + "/mcp-_._evil_name.log")
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: home) == ["logs"])
    }

    @Test func beginAttemptResetsTheTailAndWritesAMarker() throws {
        let home = temporaryFolder("log")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let log = ServerLog(server: "retry", folder: home, redactor: Redactor(values: []))
        log.append(Array("first try failed\npartial".utf8))
        #expect(log.lastLines(10) == ["first try failed"])
        log.beginAttempt(2)
        #expect(log.lastLines(10) == [])
        log.append(Array("second try\n".utf8))
        #expect(log.lastLines(10) == ["second try"]) // the partial line of attempt 1 is gone
        #expect(readText(try #require(log.path)) == "first try failed\n--- attempt 2\nsecond try\n")
    }

    @Test func withoutAFolderLinesAreKeptInMemory() {
        let log = ServerLog(server: "mem", folder: nil, redactor: Redactor(values: ["hunter22"]))
        #expect(log.path == nil)
        log.append(Array("pw hunter22\n".utf8))
        #expect(log.lastLines(5) == ["pw \(mask)"])
    }

    @Test func recordReadsAStreamToItsEnd() async throws {
        let home = temporaryFolder("log")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let log = ServerLog(server: "stream", folder: home, redactor: Redactor(values: ["abcdefgh"]))
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream()
        continuation.yield(Array("one abcd".utf8))
        continuation.yield(Array("efgh\ntwo".utf8))
        continuation.finish()
        await log.record(stream)
        #expect(log.lastLines(10) == ["one \(mask)", "two"])
        #expect(readText(try #require(log.path)) == "one \(mask)\ntwo\n")
    }
}
