import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real binary in a pseudo-terminal: what a person at the prompt sees.
@Suite(.serialized)
struct ReplTerminalTests {
    static let up = "\u{1B}[A"
    static let interrupt = "\u{3}"
    static let endOfInput = "\u{4}"

    /// A shell at its first prompt, in `home`.
    private func shell(home: String, arguments: [String] = [], columns: UInt16 = 100) throws -> PseudoTerminal {
        let terminal = try PseudoTerminal([Claudesh.binary] + arguments, environment: Claudesh.environment(home: home), columns: columns)
        try terminal.expect("claudesh> ")
        return terminal
    }

    /// The prompt a match on "> " ended with: its last line.
    static func lastLine(_ seen: String) -> String {
        String(seen.split(separator: "\n", omittingEmptySubsequences: false).last ?? "")
    }

    private func historyLines(home: String) throws -> [String] {
        let text = try String(contentsOfFile: home + "/.claude/history", encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    @Test func tabCompletesACommandName() throws {
        let home = Claudesh.temporaryFolder()
        defer { Claudesh.cleanUp(home) }
        let terminal = try PseudoTerminal([Claudesh.binary], environment: Claudesh.environment(home: home))
        try terminal.expect("claudesh> ")
        terminal.send("hel\t")
        try terminal.expect("help ")
        terminal.send("\r")
        try terminal.expect("Scripts:")
        terminal.send("exit\r")
        #expect(terminal.waitForExit() == 0)
    }

    @Test func tabListsSettingNamesThatShareAPrefix() throws {
        let home = Claudesh.temporaryFolder()
        defer { Claudesh.cleanUp(home) }
        let terminal = try shell(home: home)
        terminal.send("set co\t")
        let listing = try terminal.expect("compose-file")
        #expect(listing.contains("color"))
        // The listing is followed by the line as it was, ready for more typing.
        try terminal.expect("claudesh> set co")
        terminal.send(Self.interrupt)
        try terminal.expect("claudesh> ")
        terminal.send(Self.endOfInput)
        #expect(terminal.waitForExit() == 0)
    }

    @Test func tabListsTheChoicesOfASetting() throws {
        let home = Claudesh.temporaryFolder()
        defer { Claudesh.cleanUp(home) }
        let terminal = try shell(home: home)
        terminal.send("set output \t")
        let listing = try terminal.expect("table")
        #expect(listing.contains("json"))
        try terminal.expect("claudesh> set output ")
        terminal.send("j\t")
        try terminal.expect("son ")
        terminal.send("\r")
        try terminal.expect("claudesh> ")
        // The completed value took: commands now answer in JSON without --json.
        terminal.send("version\r")
        try terminal.expect("\"version\"")
        try terminal.expect("claudesh> ")
        terminal.send(Self.endOfInput)
        #expect(terminal.waitForExit() == 0)
    }

    @Test func tabCompletesAndListsPathsForSource() throws {
        let home = Claudesh.temporaryFolder()
        let folder = Claudesh.temporaryFolder("claudesh-paths")
        defer {
            Claudesh.cleanUp(home)
            Claudesh.cleanUp(folder)
        }
        try "echo sourced-alpha\n".write(toFile: folder + "/file-alpha.claudesh", atomically: true, encoding: .utf8)
        try "echo sourced-beta\n".write(toFile: folder + "/file-beta.claudesh", atomically: true, encoding: .utf8)
        try "".write(toFile: folder + "/other", atomically: true, encoding: .utf8)
        let terminal = try shell(home: home)

        terminal.send("source \(folder)/fi\t")
        try terminal.expect("\(folder)/file-")
        terminal.send("\t")
        let listing = try terminal.expect("file-beta.claudesh")
        #expect(listing.contains("file-alpha.claudesh"))
        #expect(!listing.contains("other"))
        terminal.send("a\t")
        try terminal.expect("lpha.claudesh ")
        terminal.send("\r")
        try terminal.expect("\nsourced-alpha\n")
        try terminal.expect("claudesh> ")
        terminal.send(Self.endOfInput)
        #expect(terminal.waitForExit() == 0)
    }

    @Test func upArrowRecallsThePreviousLine() throws {
        let home = Claudesh.temporaryFolder()
        defer { Claudesh.cleanUp(home) }
        let terminal = try shell(home: home)
        terminal.send("echo first-line\r")
        try terminal.expect("\nfirst-line\n")
        try terminal.expect("claudesh> ")
        terminal.send(Self.up)
        try terminal.expect("echo first-line")
        terminal.send("\r")
        try terminal.expect("\nfirst-line\n")
        try terminal.expect("claudesh> ")
        terminal.send(Self.endOfInput)
        #expect(terminal.waitForExit() == 0)
    }

    @Test func ctrlCAtThePromptClearsTheLine() throws {
        let home = Claudesh.temporaryFolder()
        defer { Claudesh.cleanUp(home) }
        let terminal = try shell(home: home)
        terminal.send("echo should-not-run")
        try terminal.expect("should-not-run")
        terminal.send(Self.interrupt)
        // Ctrl-C at the prompt is not a failed command: the status stays off the prompt.
        let cleared = try terminal.expect("> ")
        #expect(Self.lastLine(cleared) == "claudesh> ")
        terminal.send("echo after\r")
        try terminal.expect("\nafter\n")
        try terminal.expect("claudesh> ")
        #expect(!terminal.transcript.contains("\nshould-not-run\n"))
        terminal.send(Self.endOfInput)
        #expect(terminal.waitForExit() == 0)
    }

    @Test func ctrlCStopsARunningCommandAtOnce() throws {
        let home = Claudesh.temporaryFolder()
        defer { Claudesh.cleanUp(home) }
        let terminal = try shell(home: home)
        // An hour's sleep: the prompt can only come back because Ctrl-C ended it.
        terminal.send("sleep 3600\r")
        try terminal.expect("sleep 3600\n")
        terminal.send(Self.interrupt)
        let seen = try terminal.expect("claudesh [130]> ", timeout: 10)
        #expect(seen.contains("interrupted"))
        terminal.send("echo still-here\r")
        try terminal.expect("\nstill-here\n")
        let prompt = try terminal.expect("> ")
        #expect(Self.lastLine(prompt) == "claudesh> ")
        terminal.send(Self.endOfInput)
        #expect(terminal.waitForExit() == 0)
    }

    @Test func ctrlCEndsHealthWatchOnALineOfItsOwnWithStatus130() throws {
        let home = Claudesh.temporaryFolder()
        defer { Claudesh.cleanUp(home) }
        let terminal = try shell(home: home)
        terminal.send("health watch --interval 3600 --timeout 2\r")
        try terminal.expect("Ctrl-C stops", timeout: 30)
        terminal.send(Self.interrupt)
        let seen = try terminal.expect("> ", timeout: 10)
        #expect(Self.lastLine(seen) == "claudesh [130]> ", "\(seen.debugDescription)")
        terminal.send(Self.endOfInput)
        #expect(terminal.waitForExit() == 0)
    }

    @Test func serverNamesCompleteAndCtrlCEndsACheckAndItsServer() throws {
        let home = Claudesh.temporaryFolder()
        defer { Claudesh.cleanUp(home) }
        let marker = "CLAUDESH_PTY_\(UUID().uuidString.prefix(8))"
        let config = home + "/servers.json"
        MCPFixtures.writeConfig(config, [("hangs", MCPFixtures.stdio("hang", env: [marker: "1"])), ("instant", MCPFixtures.stdio("instant"))])
        let terminal = try shell(home: home)
        terminal.send("set mcp-config \(config)\r")
        try terminal.expect("claudesh> ")
        terminal.send("mcp check ha\t")
        try terminal.expect("mcp check hangs ")
        terminal.send("--timeout 3600\r")
        try terminal.expect("probing 1 server")
        while MCPFixtures.processes(marked: marker).isEmpty { usleep(10_000) }
        terminal.send(Self.interrupt)
        let seen = try terminal.expect("claudesh [130]> ", timeout: 10)
        #expect(seen.contains("interrupted"))
        #expect(!seen.contains("FAIL"), "no result is shown for a cancelled probe")
        #expect(MCPFixtures.processes(marked: marker).isEmpty, "the server's group is ended")
        terminal.send(Self.endOfInput)
        #expect(terminal.waitForExit() == 0)
    }

    @Test func historyFileIsPrivateAndSkipsLinesThatStartWithASpace() throws {
        let home = Claudesh.temporaryFolder()
        defer { Claudesh.cleanUp(home) }
        let terminal = try shell(home: home)
        terminal.send("echo one\r")
        try terminal.expect("\none\n")
        try terminal.expect("claudesh> ")
        terminal.send(" echo hidden\r")
        try terminal.expect("\nhidden\n")
        try terminal.expect("claudesh> ")
        terminal.send("exit\r")
        #expect(terminal.waitForExit() == 0)

        let path = home + "/.claude/history"
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        let mode = try #require(attributes[.posixPermissions] as? NSNumber).intValue
        #expect(mode & 0o777 == 0o600, "mode is \(String(mode, radix: 8))")
        let lines = try historyLines(home: home)
        #expect(lines == ["echo one", "exit"])
        #expect(!lines.joined(separator: "\n").contains("hidden"))
    }

    /// A token pasted at the prompt is masked on the way out and never written to history.
    @Test func aPastedTokenIsMaskedAndNotSaved() throws {
        let home = Claudesh.temporaryFolder()
        defer { Claudesh.cleanUp(home) }
        let token = "ghp_" + String(repeating: "Zq9", count: 12)
        let terminal = try shell(home: home)
        // The line as typed is on the screen (the terminal echoes it); what echo prints is masked.
        terminal.send("echo before \(token) after\r")
        try terminal.expect("\nbefore ‹redacted› after\n")
        try terminal.expect("claudesh> ")
        terminal.send("echo kept\r")
        try terminal.expect("\nkept\n")
        try terminal.expect("claudesh> ")
        terminal.send(Self.endOfInput)
        #expect(terminal.waitForExit() == 0)
        #expect(try historyLines(home: home) == ["echo kept"])
    }

    @Test func twoShellsAtOnceBothKeepTheirHistory() throws {
        let home = Claudesh.temporaryFolder()
        defer { Claudesh.cleanUp(home) }
        let first = try shell(home: home)
        let second = try shell(home: home)
        first.send("echo from-first-1\r")
        try first.expect("claudesh> ")
        second.send("echo from-second-1\r")
        try second.expect("claudesh> ")
        first.send("echo from-first-2\r")
        try first.expect("claudesh> ")
        second.send("echo from-second-2\r")
        try second.expect("claudesh> ")
        first.send(Self.endOfInput)
        #expect(first.waitForExit() == 0)
        second.send(Self.endOfInput)
        #expect(second.waitForExit() == 0)

        let lines = try historyLines(home: home)
        #expect(lines == ["echo from-first-1", "echo from-first-2", "echo from-second-1", "echo from-second-2"])
    }

    @Test func historyKeepsTheNewestThousandEntries() throws {
        let home = Claudesh.temporaryFolder()
        defer { Claudesh.cleanUp(home) }
        try FileManager.default.createDirectory(atPath: home + "/.claude", withIntermediateDirectories: true)
        let old = (1...1000).map { "echo old-\($0)\n" }.joined()
        try old.write(toFile: home + "/.claude/history", atomically: true, encoding: .utf8)
        let terminal = try shell(home: home)
        terminal.send(Self.up)
        try terminal.expect("echo old-1000")
        terminal.send(Self.interrupt)
        try terminal.expect("claudesh> ")
        terminal.send("echo newest\r")
        try terminal.expect("\nnewest\n")
        try terminal.expect("claudesh> ")
        // Ctrl-D rather than `exit`, so that the new command is the last entry.
        terminal.send(Self.endOfInput)
        #expect(terminal.waitForExit() == 0)

        let lines = try historyLines(home: home)
        #expect(lines.count == 1000)
        #expect(lines.first == "echo old-2")
        #expect(lines.last == "echo newest")
    }

    @Test func rcFileRunsAtStartUnlessNoRC() throws {
        let home = Claudesh.temporaryFolder()
        defer { Claudesh.cleanUp(home) }
        try FileManager.default.createDirectory(atPath: home + "/.claude", withIntermediateDirectories: true)
        try "set GREETING hi-from-rc\n".write(toFile: home + "/.claude/claudeshrc", atomically: true, encoding: .utf8)

        let withRC = try shell(home: home)
        withRC.send("echo ${GREETING}\r")
        try withRC.expect("\nhi-from-rc\n")
        let prompt = try withRC.expect("> ")
        #expect(Self.lastLine(prompt) == "claudesh> ")
        withRC.send(Self.endOfInput)
        #expect(withRC.waitForExit() == 0)

        let withoutRC = try shell(home: home, arguments: ["--no-rc"])
        withoutRC.send("echo ${GREETING}\r")
        try withoutRC.expect("GREETING is not set")
        try withoutRC.expect("claudesh [2]> ")
        #expect(!withoutRC.transcript.contains("hi-from-rc"))
        withoutRC.send(Self.endOfInput)
        #expect(withoutRC.waitForExit() == 0)
    }

    @Test func ctrlDOnAnEmptyLineExitsWithZero() throws {
        let home = Claudesh.temporaryFolder()
        defer { Claudesh.cleanUp(home) }
        let terminal = try shell(home: home)
        // A failed command before does not leak into the exit status.
        terminal.send("exit nope\r")
        try terminal.expect("claudesh [2]> ")
        terminal.send(Self.endOfInput)
        #expect(terminal.waitForExit() == 0)
    }

    @Test func exitWithAStatusExitsWithIt() throws {
        let home = Claudesh.temporaryFolder()
        defer { Claudesh.cleanUp(home) }
        let terminal = try shell(home: home)
        terminal.send("exit 7\r")
        #expect(terminal.waitForExit() == 7)
    }

    @Test func utf8InputComesBackIntact() throws {
        let home = Claudesh.temporaryFolder()
        defer { Claudesh.cleanUp(home) }
        let terminal = try shell(home: home)
        terminal.send("echo héllo wörld ✓\r")
        try terminal.expect("\nhéllo wörld ✓\n")
        try terminal.expect("claudesh> ")
        // Editing works on characters, not bytes: one backspace removes the whole ✓.
        terminal.send("echo ✓é\u{7F}\r")
        try terminal.expect("\n✓\n")
        try terminal.expect("claudesh> ")
        terminal.send(Self.endOfInput)
        #expect(terminal.waitForExit() == 0)
    }

    @Test func unknownCommandSuggestsAndTheShellGoesOn() throws {
        let home = Claudesh.temporaryFolder()
        defer { Claudesh.cleanUp(home) }
        let terminal = try shell(home: home)
        terminal.send("histroy\r")
        let error = try terminal.expect("claudesh [2]> ")
        #expect(error.contains("did you mean 'history'"))
        terminal.send("echo next\r")
        try terminal.expect("\nnext\n")
        let prompt = try terminal.expect("> ")
        #expect(Self.lastLine(prompt) == "claudesh> ")
        terminal.send(Self.endOfInput)
        #expect(terminal.waitForExit() == 0)
    }

    @Test func aOneMegabyteLineDoesNotBreakTheShell() throws {
        let home = Claudesh.temporaryFolder()
        defer { Claudesh.cleanUp(home) }
        let terminal = try shell(home: home)
        let count = 1_000_000
        let line = "echo " + String(repeating: "a", count: count) + "\r"
        // The shell echoes what it reads: the output has to be read while the line goes in, or
        // both sides block on full terminal buffers.
        nonisolated(unsafe) let writer = terminal
        let sent = LockedData()
        let sender = Thread {
            writer.send(line)
            sent.set(Data([1]))
        }
        sender.start()
        let deadline = Date().addingTimeInterval(120)
        while !sent.isSet && Date() < deadline { _ = terminal.drain(for: 0.05) }
        try #require(sent.isSet, "the line was not taken in 120 s")
        terminal.send("echo alive\r")
        try terminal.expect("\nalive\n", timeout: 60)
        try terminal.expect("claudesh> ")
        let printed = terminal.transcript.components(separatedBy: "\n").contains { $0 == String(repeating: "a", count: count) }
        #expect(printed, "the long line was not printed back whole")
        terminal.send(Self.endOfInput)
        #expect(terminal.waitForExit() == 0)
    }

    @Test func confirmAsksAndAnswerDecidesTheStatus() throws {
        let home = Claudesh.temporaryFolder()
        defer { Claudesh.cleanUp(home) }
        let terminal = try shell(home: home)
        terminal.send("confirm \"Proceed?\"\r")
        try terminal.expect("Proceed? [y/N] ")
        terminal.send("y\r")
        let yes = try terminal.expect("> ")
        #expect(Self.lastLine(yes) == "claudesh> ")
        terminal.send("confirm \"Proceed?\"\r")
        try terminal.expect("Proceed? [y/N] ")
        terminal.send("n\r")
        let no = try terminal.expect("claudesh [1]> ")
        #expect(no.contains("not confirmed"))
        terminal.send(Self.endOfInput)
        #expect(terminal.waitForExit() == 0)
    }

    @Test func helpForACommandShowsItsUsage() throws {
        let home = Claudesh.temporaryFolder()
        defer { Claudesh.cleanUp(home) }
        let terminal = try shell(home: home)
        terminal.send("help set\r")
        try terminal.expect("usage: set")
        let prompt = try terminal.expect("> ")
        #expect(prompt.contains("Set a setting or a session variable"))
        #expect(Self.lastLine(prompt) == "claudesh> ")
        terminal.send(Self.endOfInput)
        #expect(terminal.waitForExit() == 0)
    }

    @Test func utf8InputWorksWithoutALocaleInTheEnvironment() throws {
        let home = Claudesh.temporaryFolder()
        defer { Claudesh.cleanUp(home) }
        var environment = Claudesh.environment(home: home)
        environment["LANG"] = nil
        environment["LC_ALL"] = nil
        let terminal = try PseudoTerminal([Claudesh.binary], environment: environment)
        try terminal.expect("claudesh> ")
        terminal.send("echo né ✓\r")
        try terminal.expect("\nné ✓\n")
        try terminal.expect("claudesh> ")
        terminal.send("exit\r")
        #expect(terminal.waitForExit() == 0)
    }

    /// Ctrl-C at the prompt clears the line and is done with: the next command runs whole.
    @Test func ctrlCAtThePromptDoesNotCancelTheNextCommand() throws {
        let home = Claudesh.temporaryFolder()
        defer { Claudesh.cleanUp(home) }
        let terminal = try shell(home: home)
        terminal.send("echo never")
        usleep(200_000)
        terminal.send(Self.interrupt)
        try terminal.expect("claudesh> ")
        terminal.send("sleep 1\r")
        let seen = try terminal.expect("claudesh")
        #expect(!seen.contains("interrupted"), "\(seen)")
        terminal.send("echo after\r")
        try terminal.expect("after")
        terminal.send("exit\r")
        #expect(terminal.waitForExit() == 0)
    }
}
