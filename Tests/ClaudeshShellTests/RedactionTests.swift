@testable import ClaudeshKit
import Testing
@testable import ClaudeshShell

/// The session's output is made with the session's redactor: what a command writes, to either
/// stream, is masked by whatever the vault holds when it is written.
@MainActor
struct RedactionTests {
    let secret = "loaded-later-3e4f5a6b7c"

    @Test func aSecretLoadedAfterTheOutputWasMadeIsMaskedFromTheNextLineOn() async {
        let session = makeSession()
        await session.execute(line: "echo \(secret)")
        #expect(session.output.captured == "\(secret)\n", "not loaded yet: not a secret")

        session.context.vault.store(secret, as: "claude/token")
        await session.execute(line: "echo token: \(secret)")
        #expect(session.output.captured.hasSuffix("token: \(Redactor.mask)\n"))
        // An error that quotes it, on standard error.
        await session.execute(line: "mcp get \(secret) --config /nonexistent/claude.json")
        #expect(session.output.capturedErrors.contains("no server named '\(Redactor.mask)'"), "\(session.output.capturedErrors)")
        #expect(!session.output.capturedErrors.contains(secret))
        // A line that holds it is kept out of the history.
        #expect(session.context.redactor.historyEntry("echo \(secret)") == nil)

        session.context.vault.remove("claude/token")
        await session.execute(line: "echo \(secret)")
        #expect(session.output.captured.hasSuffix("\(secret)\n"), "unloaded: shown again")
    }

    @Test func onlyAnExplicitRevealLetsAValueThrough() {
        let session = makeSession()
        session.context.vault.store(secret, as: "claude/token")
        session.output.line(secret)
        session.output.error(secret)
        session.output.reveal(secret)
        #expect(session.output.captured == "\(Redactor.mask)\n\(secret)\n")
        #expect(session.output.capturedErrors == "\(Redactor.mask)\n")
    }

    @Test func everyCopyOfTheContextSharesTheVaultItsRedactorReads() {
        let session = makeSession()
        let copy = session.context
        copy.vault.store(secret, as: "claude/token")
        #expect(session.context.vault.count == 1)
        #expect(session.output.redactor.redact(secret) == Redactor.mask)
        #expect(Workspace(session.context).redactor.redact(secret) == Redactor.mask)
    }
}
