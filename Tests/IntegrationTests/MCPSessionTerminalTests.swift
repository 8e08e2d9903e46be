import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A connected server at the prompt, in a pseudo-terminal, as a person uses it: the prompt
/// shows the connection, TAB completes from the live schema, Ctrl-C cancels a slow call and
/// the session goes on, a server that dies is reported at the next prompt.
@Suite(.serialized)
struct MCPSessionTerminalTests {
    static let interrupt = "\u{3}"

    @Test(arguments: ["modern", "legacy"])
    func aConnectedServerCompletesFromItsSchemaSurvivesCtrlCAndIsReportedWhenItDies(era: String) throws {
        let home = Claudesh.temporaryFolder("claudesh-session")
        defer { Claudesh.cleanUp(home) }
        let cancellations = home + "/cancelled.log"
        let python = era == "modern" ? MCPFixtures.venv + "/bin/python" : MCPFixtures.legacyVenv + "/bin/python"
        let config = home + "/servers.json"
        MCPFixtures.writeConfig(config, [("full", MCPFixtures.python(MCPFixtures.fullScript, ["stdio", "--log", cancellations], python: python))])
        let terminal = try PseudoTerminal([Claudesh.binary], environment: Claudesh.environment(home: home), columns: 120)
        try terminal.expect("claudesh> ")
        terminal.send("set mcp-config \(config)\r")
        try terminal.expect("claudesh> ")
        terminal.send("mcp connect full\r")
        let connected = try terminal.expect(" tools)")
        #expect(connected.contains("Connected to full (full-fixture") && connected.contains(", \(era) 20"), "\(connected)")
        try terminal.expect("claudesh (mcp: full)> ")

        // Tool names, then argument names, then the values an enum lists.
        terminal.send("mcp call full gr\t")
        try terminal.expect("greet ")
        terminal.send("\t")
        let names = try terminal.expect("times=")
        #expect(names.contains("name=") && names.contains("style=") && names.contains("polite="), "\(names)")
        terminal.send("st\t")
        try terminal.expect("style=")
        terminal.send("l\t")
        try terminal.expect("oud ") // the line editor writes what TAB added
        terminal.send("name=Bob\r")
        try terminal.expect("HELLO BOB")
        try terminal.expect("claudesh (mcp: full)> ")

        // A resource template's variable completes from the server's completion/complete.
        terminal.send("mcp read full greeting://al\t")
        let values = try terminal.expect("alice") // listed after the part they share, as paths are
        #expect(values.contains("albert"), "\(values)")
        try terminal.expect("greeting://al") // the line as it was, redrawn under the listing
        terminal.send(Self.interrupt)
        try terminal.expect("^C")
        try terminal.expect("claudesh (mcp: full)> ")

        // Ctrl-C during a slow call cancels it as the era says; the next call on the session works.
        terminal.send("mcp call full slow seconds=30\r")
        try terminal.expect("step 2") // its progress, on the terminal
        terminal.send(Self.interrupt)
        try terminal.expect("tools/call cancelled")
        try terminal.expect("claudesh (mcp: full) [130]> ")
        terminal.send("mcp call full add a=20 b=22\r")
        try terminal.expect("42")
        try terminal.expect("claudesh (mcp: full)> ")
        let told = (try? String(contentsOfFile: cancellations, encoding: .utf8)) ?? ""
        #expect(told.contains("cancelled slow"), "the server was told of the cancellation: \(told)")

        // Killed from outside: said at the next prompt, and the prompt no longer shows it.
        let servers = MCPFixtures.processes(withArgument: cancellations)
        #expect(!servers.isEmpty)
        for pid in servers { kill(pid, SIGKILL) }
        usleep(300_000)
        terminal.send("\r")
        try terminal.expect("full disconnected: the server was killed by signal 9")
        try terminal.expect("claudesh> ")
        terminal.send("exit\r")
        #expect(terminal.waitForExit() == 0)
    }

    /// Over the stateless revision's HTTP progress shows as it comes on the request's stream, and
    /// a cancellation closes the request's exchange: the next request goes on a new connection
    /// and can be cancelled the same way.
    @Test func everyCallOverModernHTTPCanBeCancelledOneAfterAnother() throws {
        let home = Claudesh.temporaryFolder("claudesh-session-http")
        defer { Claudesh.cleanUp(home) }
        let http = try HTTPFixture("http", script: MCPFixtures.fullScript)
        defer { http.stop() }
        let config = home + "/servers.json"
        MCPFixtures.writeConfig(config, [("web", MCPFixtures.remote("\(http.url)/mcp"))])
        let terminal = try PseudoTerminal([Claudesh.binary], environment: Claudesh.environment(home: home), columns: 120)
        try terminal.expect("claudesh> ")
        terminal.send("mcp connect web --config \(config)\r")
        try terminal.expect("claudesh (mcp: web)> ")
        for _ in 0..<2 {
            terminal.send("mcp call web slow seconds=60 --config \(config)\r")
            try terminal.expect("step ", timeout: 10) // its progress, as it comes on the request's stream
            terminal.send(Self.interrupt)
            try terminal.expect("tools/call cancelled", timeout: 10)
            try terminal.expect("[130]> ")
        }
        terminal.send("mcp call web add a=20 b=22 --config \(config)\r")
        try terminal.expect("42")
        terminal.send("exit\r")
        #expect(terminal.waitForExit() == 0)
    }
}
