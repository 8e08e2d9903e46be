import Testing
@testable import ClaudeshShell

/// `--yes` after a command answers its question, as `--yes` before the command does.
@MainActor
struct ConfirmationTests {
    @Test func yesAfterConfirmAnswersWithoutATerminal() async {
        let session = makeSession()
        #expect(await session.execute(line: "confirm --yes 'Restore now?'") == .success)
        #expect(await session.execute(line: "confirm 'Wipe it?' -y") == .success)
        #expect(session.output.captured == "Restore now? [y/N] yes (--yes)\nWipe it? [y/N] yes (--yes)\n")
        #expect(await session.execute(line: "confirm 'Wipe it?'") == .failure, "the answer holds for its own line only")
    }

    @Test func everyCommandThatAsksTakesYes() throws {
        let registry = CommandRegistry(CommandCatalog.all)
        for path in [["recover"], ["backup", "restore"], ["secrets", "rm"], ["secrets", "audit"], ["confirm"]] {
            let command = try registry.resolve(path).command
            #expect(command.flag(named: "yes")?.short == "y", "\(path.joined(separator: " "))")
            let help = HelpFormatter.detail(of: command, path: path.joined(separator: " "))
            #expect(help.contains("-y, --yes"), "\(help)")
        }
    }

    @Test func recoverWithoutATerminalPointsToItsOwnYes() async {
        let session = makeSession()
        #expect(await session.execute(line: "recover") == .failure)
        #expect(session.output.capturedErrors.contains("run recover --yes, or recover --dry-run"), "\(session.output.capturedErrors)")
    }
}
