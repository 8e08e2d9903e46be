import Foundation
import Testing

/// What goes wrong with keys and stores: each says what to do, and nothing is changed.
@Suite
struct SecretsFailureTests {
    /// Every file under `folder` with its bytes: before and after must be equal.
    static func snapshot(_ folder: String) -> [String: Data] {
        Dictionary(SecretsFixture.contents(under: folder).filter { !$0.0.contains("/.git/") }, uniquingKeysWith: { first, _ in first })
    }

    @Test func aRecipientWithoutAKeyIsRefusedBeforeTheStoreIsTouched() throws {
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        _ = try fixture.run(["gpg", "keygen", "Test", "test@claudesh.local", "--algo", "ed25519", "--no-passphrase"])
        let refused = try fixture.run(["secrets", "init", "nobody@nowhere.invalid"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("no key 'nobody@nowhere.invalid' in the keyring"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fixture.storeDirectory))
        // A store whose .gpg-id names a key that is gone: insert says so and writes no file.
        #expect(try fixture.run(["secrets", "init", "test@claudesh.local"]).status == 0)
        try "nobody@nowhere.invalid\n".write(toFile: fixture.storeDirectory + "/.gpg-id", atomically: true, encoding: .utf8)
        let before = Self.snapshot(fixture.storeDirectory)
        let insert = try fixture.run(["secrets", "insert", "claude/new"], input: "value\n")
        #expect(insert.status == 1)
        #expect(insert.stderr.contains("the key 'nobody@nowhere.invalid' is not in the keyring"), "\(insert.stderr)")
        #expect(Self.snapshot(fixture.storeDirectory) == before)
    }

    @Test func aKeyringWithoutTheStoresKeySaysWhichKeyIsMissing() throws {
        let owner = SecretsFixture()
        defer { owner.stop() }
        try owner.makeKeyAndStore()
        try owner.insert("claude/token", "abc123")
        let stranger = SecretsFixture()
        defer { stranger.stop() }
        _ = try stranger.run(["gpg", "keygen", "Other", "other@claudesh.local", "--algo", "ed25519", "--no-passphrase"])
        let before = Self.snapshot(owner.storeDirectory)
        let shown = try stranger.run(["secrets", "show", "claude/token"], extra: ["PASSWORD_STORE_DIR": owner.storeDirectory])
        #expect(shown.status == 1)
        #expect(shown.stderr.contains("is not in this keyring (GNUPGHOME); import it"), "\(shown.stderr)")
        let loaded = try stranger.run(["secrets", "load"], extra: ["PASSWORD_STORE_DIR": owner.storeDirectory])
        #expect(loaded.status == 1 && loaded.stderr.contains("is not in this keyring"))
        #expect(Self.snapshot(owner.storeDirectory) == before)
    }

    @Test func anAgentThatCannotStartIsNamedAsTheProblem() throws {
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        try fixture.makeKeyAndStore()
        try fixture.insert("claude/token", "abc123")
        _ = try Claudesh.runProgram("/usr/bin/gpgconf", ["--kill", "gpg-agent"], environment: Claudesh.environment(home: fixture.home, extra: fixture.environment))
        try "agent-program /nonexistent/gpg-agent\n".write(toFile: fixture.gnupgHome + "/gpg.conf", atomically: true, encoding: .utf8)
        let shown = try fixture.run(["secrets", "show", "claude/token"])
        #expect(shown.status == 1)
        #expect(shown.stderr.contains("gpg-agent cannot be reached"), "\(shown.stderr)")
        let status = try fixture.run(["gpg", "status"])
        #expect(status.stdout.contains("gpg-agent: not running"))
    }

    @Test func aDeletedStoreIsReportedWithTheCommandThatMakesOneAndIsNotRecreated() throws {
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        try fixture.makeKeyAndStore()
        try FileManager.default.removeItem(atPath: fixture.storeDirectory)
        for arguments in [["secrets", "list"], ["secrets", "insert", "claude/x"], ["secrets", "load"], ["secrets", "show", "claude/x"], ["exec", "--secret", "X=claude/x", "--", "true"]] {
            let result = try fixture.run(arguments, input: "value\n")
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.contains("no password store at \(fixture.storeDirectory): create it with 'secrets init KEY'"), "\(arguments): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.storeDirectory))
    }

    @Test func keygenWithoutATerminalNeedsNoPassphraseSaidAndGPGStatusFailsWithoutAKey() throws {
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        let empty = try fixture.run(["gpg", "status"])
        #expect(empty.status == 1 && empty.stdout.contains("No secret keys. Make one: gpg keygen NAME EMAIL"))
        let refused = try fixture.run(["gpg", "keygen", "Test", "test@claudesh.local"])
        #expect(refused.status == 1 && refused.stderr.contains("add --no-passphrase"))
        let badAlgorithm = try fixture.run(["gpg", "keygen", "Test", "test@claudesh.local", "--algo", "dsa"])
        #expect(badAlgorithm.status == 2)
        #expect(try fixture.run(["secrets", "init"]).stderr.contains("no gpg key to encrypt to"))
    }
}
