import Foundation
import Testing

/// The real binary in a pseudo-terminal: what a person at the prompt sees.
@Suite(.serialized)
struct ReplTerminalTests {
    @Test func tabCompletesACommandName() throws {
        let home = Claudesh.temporaryFolder()
        defer { Claudesh.cleanUp(home) }
        let terminal = try PseudoTerminal([Claudesh.binary], environment: Claudesh.environment(home: home))
        try terminal.expect("claudesh> ")
        terminal.send("he\t")
        try terminal.expect("help ")
        terminal.send("\r")
        try terminal.expect("Scripts:")
        terminal.send("exit\r")
        #expect(terminal.waitForExit() == 0)
    }
}
