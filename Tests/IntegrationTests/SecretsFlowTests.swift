import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The whole secrets flow on real gpg, gpg-agent and pass: keygen, init, insert, load, exec,
/// a server that needs the variable, and the value nowhere it must not be.
@Suite
struct SecretsFlowTests {
    /// A value with no token shape: only the vault can know it is secret.
    static func uniqueValue() -> String { "value" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased() }

    @Test func keygenInitInsertAddCheckAndExecWorkAndTheValueIsInNoArgvFileLogOrOutput() throws {
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        let value = Self.uniqueValue()
        try fixture.makeKeyAndStore()
        try fixture.insert("claude/api-key", value)
        // Stored encrypted only.
        let storeFiles = SecretsFixture.contents(under: fixture.storeDirectory)
        #expect(storeFiles.contains { $0.0.hasSuffix("claude/api-key.gpg") })
        #expect(!storeFiles.contains { $0.1.range(of: Data(value.utf8)) != nil })

        // A server that exits unless API_KEY is set, given the secret by name.
        var outputs: [String] = []
        let added = try fixture.run(["mcp", "add", "needs", "--secret", "API_KEY=claude/api-key", "--config", fixture.configPath, "--", MCPFixtures.stdioScript, "needs-env"])
        #expect(added.status == 0, "\(added.stderr)")
        let listed = try fixture.run(["mcp", "list", "--config", fixture.configPath])
        #expect(listed.stdout.contains("API_KEY←claude/api-key"))
        let check = try fixture.run(["mcp", "check", "--config", fixture.configPath, "--json"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(try MCPFixtures.servers(check.stdout)["needs"]?["status"] as? String == "ok")
        outputs += [added.stdout, added.stderr, listed.stdout, check.stdout, check.stderr]

        // A server that prints its key on stderr: the captured log masks it.
        let leak = try fixture.run(["mcp", "add", "leak", "--secret", "API_KEY=claude/api-key", "--config", fixture.configPath, "--", MCPFixtures.stdioScript, "echo-env"])
        let leakCheck = try fixture.run(["mcp", "check", "leak", "--timeout", "2", "--config", fixture.configPath])
        #expect(leakCheck.status == 1)
        let log = try String(contentsOfFile: fixture.home + "/.claude/logs/mcp-leak.log", encoding: .utf8)
        #expect(log.contains("key=‹redacted›"), "\(log)")
        outputs += [leak.stdout, leak.stderr, leakCheck.stdout, leakCheck.stderr]

        // While a secret-using program runs, no process's argv holds the value; it has it in its environment.
        let server = Process()
        server.executableURL = URL(fileURLWithPath: Claudesh.binary)
        server.arguments = ["exec", "--secret", "API_KEY=claude/api-key", "--", MCPFixtures.stdioScript, "echo-env"]
        server.environment = Claudesh.environment(home: fixture.home, extra: fixture.environment)
        let pipe = Pipe()
        server.standardOutput = pipe
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { kill(server.processIdentifier, SIGKILL); server.waitUntilExit() }
        var firstLine = ""
        while !firstLine.contains("\n") {
            let data = pipe.fileHandleForReading.availableData
            if data.isEmpty { break }
            firstLine += String(decoding: data, as: UTF8.self)
        }
        #expect(firstLine == "key=\(value)\n", "the program got the secret in its environment")
        let leaking = SecretsFixture.allCommandLines().filter { $0.1.contains(value) }
        #expect(leaking.isEmpty, "argv with the value: \(leaking.map(\.0))")
        // exec replaced claudesh: the pid claudesh started as is now the program's.
        let commandLine = try String(contentsOfFile: "/proc/\(server.processIdentifier)/cmdline", encoding: .utf8)
        #expect(commandLine.contains("mcp_stdio_fixture.sh") || commandLine.hasPrefix("sleep"), "\(commandLine)")

        // Nothing claudesh wrote holds it: config, logs, last known good, history.
        for (path, data) in SecretsFixture.contents(under: fixture.home) where !path.hasPrefix(fixture.storeDirectory) {
            #expect(data.range(of: Data(value.utf8)) == nil, "\(path) holds the value")
        }
        for text in outputs { #expect(!text.contains(value)) }
    }

    @Test func loadedSecretsAreCountedInThePromptMaskedInOutputAndKeptOutOfHistory() throws {
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        let value = Self.uniqueValue()
        try fixture.makeKeyAndStore()
        try fixture.insert("claude/one", value)
        try fixture.insert("claude/two", Self.uniqueValue())
        try fixture.insert("other/three", Self.uniqueValue())
        let terminal = try PseudoTerminal([Claudesh.binary], environment: Claudesh.environment(home: fixture.home, extra: fixture.environment))
        try terminal.expect("claudesh> ")
        terminal.send("secrets load claude/\r")
        try terminal.expect("claudesh (2 secrets)> ")
        terminal.send("echo the value is \(value)\r")
        let echoed = try terminal.expect("claudesh (2 secrets)> ")
        // The screen shows what was typed, then the command's output: masked.
        let afterTyping = echoed.components(separatedBy: "\n").dropFirst().joined(separator: "\n")
        #expect(afterTyping.contains("the value is ‹redacted›"), "\(echoed)")
        #expect(!afterTyping.contains(value))
        terminal.send("secrets show claude/one\r")
        let shown = try terminal.expect("claudesh (2 secrets)> ")
        #expect(shown.contains("claude/one: va…") && !shown.components(separatedBy: "\n").dropFirst().joined().contains(value))
        terminal.send("secrets unload\r")
        try terminal.expect("Unloaded 2 secrets")
        try terminal.expect("claudesh> ")
        terminal.send("exit\r")
        #expect(terminal.waitForExit() == 0)
        let history = try String(contentsOfFile: fixture.home + "/.claude/history", encoding: .utf8)
        #expect(history.contains("secrets load claude/"))
        #expect(!history.contains(value), "\(history)")
    }

    @Test func keygenMakesAnRSA4096KeyWithAPassphraseTypedTwiceUnseen() throws {
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        let passphrase = "pass-" + Self.uniqueValue()
        let terminal = try PseudoTerminal([Claudesh.binary], environment: Claudesh.environment(home: fixture.home, extra: fixture.environment))
        try terminal.expect("claudesh> ")
        terminal.send("gpg keygen Ada ada@claudesh.local\r")
        try terminal.expect("Passphrase for the new key: ")
        terminal.send(passphrase + "\r")
        try terminal.expect("Again: ")
        terminal.send(passphrase + "x\r")
        try terminal.expect("the two passphrases differ; no key was made")
        try terminal.expect("claudesh [1]> ")
        terminal.send("gpg keygen Ada ada@claudesh.local\r")
        try terminal.expect("Passphrase for the new key: ")
        terminal.send(passphrase + "\r")
        try terminal.expect("Again: ")
        terminal.send(passphrase + "\r")
        let made = try terminal.expect("claudesh> ", timeout: 120)
        #expect(made.contains("Made key "))
        terminal.send("exit\r")
        #expect(terminal.waitForExit() == 0)
        #expect(!terminal.transcript.contains(passphrase), "the passphrase was echoed")
        let status = try fixture.run(["gpg", "status", "--json"])
        #expect(status.stdout.contains("\"algorithm\": \"rsa4096\""))
        // The key is protected by that passphrase: a wrong one cannot sign, the right one can.
        let wrong = try fixture.gpg(["--pinentry-mode", "loopback", "--passphrase-fd", "0", "--status-fd", "1", "--clearsign"], input: "nope\nmessage\n")
        #expect(wrong.stdout.contains("FAILURE sign") && !wrong.stdout.contains("SIG_CREATED"), "\(wrong.stdout)")
        let right = try fixture.gpg(["--pinentry-mode", "loopback", "--passphrase-fd", "0", "--status-fd", "1", "--clearsign"], input: passphrase + "\nmessage\n")
        #expect(right.stdout.contains("SIG_CREATED"), "\(right.stderr)")
    }

    @Test func insertRefusesToOverwriteWithoutForceShowMasksUntilRevealAndRmAsks() throws {
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        try fixture.makeKeyAndStore()
        let token = "ghp_" + String(repeating: "a1B2", count: 8) + "xQ3f"
        try fixture.insert("claude/github-token", token)
        let again = try fixture.run(["secrets", "insert", "claude/github-token"], input: "other\n")
        #expect(again.status == 1)
        #expect(again.stderr.contains("already in the store: add --force"))
        let masked = try fixture.run(["secrets", "show", "claude/github-token"])
        #expect(masked.stdout == "claude/github-token: ghp_…3f\n")
        #expect(try fixture.run(["secrets", "show", "claude/github-token", "--reveal"]).stdout == token + "\n")
        #expect(try fixture.run(["secrets", "insert", "claude/github-token", "--force"], input: "replaced-value\n").status == 0)
        #expect(try fixture.run(["secrets", "show", "claude/github-token", "--reveal"]).stdout == "replaced-value\n")
        // Several lines, with --multiline.
        #expect(try fixture.run(["secrets", "insert", "claude/cert", "--multiline"], input: "line one\nline two\n").status == 0)
        #expect(try fixture.run(["secrets", "show", "claude/cert", "--reveal"]).stdout == "line one\nline two\n")
        #expect(try fixture.run(["secrets", "show", "claude/cert"]).stdout.contains("(2 lines)"))
        #expect(try fixture.run(["secrets", "list"]).stdout == "claude/cert\nclaude/github-token\n")
        #expect(try fixture.run(["secrets", "list", "claude/g"]).stdout == "claude/github-token\n")
        // rm asks: without a terminal and without --yes it refuses and keeps the secret.
        let refused = try fixture.run(["secrets", "rm", "claude/cert"])
        #expect(refused.status == 1 && refused.stderr.contains("--yes"))
        #expect(FileManager.default.fileExists(atPath: fixture.storeDirectory + "/claude/cert.gpg"))
        #expect(try fixture.run(["--yes", "secrets", "rm", "claude/cert"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: fixture.storeDirectory + "/claude/cert.gpg"))
        let missing = try fixture.run(["secrets", "show", "claude/github-tokn"])
        #expect(missing.stderr.contains("did you mean 'claude/github-token'"))
    }

    @Test func aStoreEncryptedToTwoKeysDecryptsWithEither() throws {
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        _ = try fixture.run(["gpg", "keygen", "Ada", "ada@claudesh.local", "--algo", "ed25519", "--no-passphrase"])
        _ = try fixture.run(["gpg", "keygen", "Bob", "bob@claudesh.local", "--algo", "ed25519", "--no-passphrase"])
        #expect(try fixture.run(["secrets", "init", "ada@claudesh.local", "bob@claudesh.local"]).status == 0)
        try fixture.insert("claude/shared", "shared-value")
        // Only Bob's secret key left: gpg reports NO_SECKEY for Ada's, then decrypts with Bob's.
        let ada = try fixture.gpg(["--with-colons", "--list-secret-keys", "ada@claudesh.local"])
        let fingerprint = try #require(ada.stdout.split(separator: "\n").first { $0.hasPrefix("fpr:") }?.split(separator: ":").last)
        _ = try fixture.gpg(["--yes", "--delete-secret-keys", String(fingerprint)])
        let shown = try fixture.run(["secrets", "show", "claude/shared", "--reveal"])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout == "shared-value\n")
    }

    @Test func inputThatWouldBeChangedOnTheWayIsRefusedAndNothingStored() throws {
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        try fixture.makeKeyAndStore()
        let pem = try fixture.run(["secrets", "insert", "claude/key"], input: "-----BEGIN KEY-----\nAAAA\n-----END KEY-----\n")
        #expect(pem.status == 1 && pem.stderr.contains("add --multiline"))
        let binary = try Claudesh.runProgram("/bin/sh", ["-c", "printf 'ab\\377\\376cd\\n' | \"$0\" secrets insert claude/bin", Claudesh.binary],
                                             environment: Claudesh.environment(home: fixture.home, extra: fixture.environment))
        #expect(binary.status == 1 && binary.stderr.contains("not UTF-8 text"), "\(binary.stderr)")
        #expect(try fixture.run(["secrets", "list"]).stdout.hasPrefix("No secrets in"))
        // A value that ends in a newline comes back as it went in.
        #expect(try fixture.run(["secrets", "insert", "claude/two-lines", "--multiline"], input: "one\ntwo\n\n").status == 0)
        #expect(try fixture.run(["secrets", "show", "claude/two-lines", "--reveal"]).stdout == "one\ntwo\n\n")
    }

    @Test func namesStayInsideTheStoreAndLinkLoopsEnd() throws {
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        try fixture.makeKeyAndStore()
        try fixture.insert("claude/a", "value-a")
        try FileManager.default.createSymbolicLink(atPath: fixture.storeDirectory + "/claude/loop", withDestinationPath: fixture.storeDirectory)
        try FileManager.default.createSymbolicLink(atPath: fixture.storeDirectory + "/again", withDestinationPath: ".")
        let listed = try fixture.run(["secrets", "list"])
        #expect(listed.status == 0)
        #expect(listed.stdout == "claude/a\n", "\(listed.stdout)")
        for prefix in ["../", "/etc/", "claude/../../"] {
            let outside = try fixture.run(["secrets", "list", prefix])
            #expect(outside.status == 2 && outside.stderr.contains("leads out of the store"), "\(prefix)")
        }
    }

    @Test func execGivesTheProgramTheSignalSettingsClaudeshWasStartedWith() throws {
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        // nohup ignores SIGHUP; claudesh itself ignores SIGPIPE and catches SIGINT and SIGTERM.
        // The program must see what it would have seen without claudesh in between.
        func signalMasks(_ arguments: [String]) throws -> [String: UInt64] {
            let result = try Claudesh.runProgram("/usr/bin/nohup", arguments + ["grep", "-E", "^Sig(Ign|Blk)", "/proc/self/status"],
                                                 environment: Claudesh.environment(home: fixture.home))
            return Dictionary(uniqueKeysWithValues: result.stdout.split(separator: "\n").compactMap { line -> (String, UInt64)? in
                let parts = line.split(separator: ":")
                guard parts.count == 2, let mask = UInt64(parts[1].trimmingCharacters(in: .whitespaces), radix: 16) else { return nil }
                return (String(parts[0]), mask)
            })
        }
        let direct = try signalMasks([])
        let throughClaudesh = try signalMasks([Claudesh.binary, "exec", "--"])
        #expect(direct["SigIgn"] != nil && direct["SigBlk"] != nil)
        #expect((direct["SigIgn"] ?? 0) & (1 << (SIGHUP - 1)) != 0, "nohup ignores SIGHUP")
        // The standard signals' bits (1-31); the real-time ones belong to the C library.
        let standard: UInt64 = 0x7FFF_FFFF
        #expect(throughClaudesh["SigIgn"].map { $0 & standard } == direct["SigIgn"].map { $0 & standard })
        #expect(throughClaudesh["SigBlk"].map { $0 & standard } == direct["SigBlk"].map { $0 & standard })
    }

    @Test func initDryRunSaysWhatTheRealRunWould() throws {
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        let made = try fixture.run(["gpg", "keygen", "Test", "test@claudesh.local", "--algo", "ed25519", "--no-passphrase"])
        #expect(made.status == 0, "\(made.stderr)")
        let fresh = try fixture.run(["--dry-run", "secrets", "init", "test@claudesh.local"])
        #expect(fresh.stdout == "would initialise the store at \(fixture.storeDirectory) for test@claudesh.local, with git (dry run)\n", "\(fresh.stdout)\(fresh.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fixture.storeDirectory + "/.gpg-id"), "a dry run writes nothing")
        #expect(try fixture.run(["secrets", "init", "test@claudesh.local"]).status == 0)
        let again = try fixture.run(["--dry-run", "secrets", "init"])
        #expect(again.status == 0)
        #expect(again.stdout.hasPrefix("Already done: the store at"), "\(again.stdout)")
    }

    @Test func initIsIdempotentAndTheStoreSyncsWithAGitRemote() throws {
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        try fixture.makeKeyAndStore()
        #expect(FileManager.default.fileExists(atPath: fixture.storeDirectory + "/.git"))
        let second = try fixture.run(["secrets", "init"])
        #expect(second.status == 0)
        #expect(second.stdout.contains("Already done: the store at"))
        try fixture.insert("claude/token", "abc123")
        let remote = fixture.home + "/remote.git"
        _ = try Claudesh.runProgram("/usr/bin/git", ["init", "--bare", "-q", remote], environment: Claudesh.environment(home: fixture.home))
        #expect(try fixture.run(["secrets", "git", "remote", "add", remote]).status == 0)
        let pushed = try fixture.run(["secrets", "git", "push"])
        #expect(pushed.status == 0, "\(pushed.stdout)\(pushed.stderr)")
        let files = try Claudesh.runProgram("/usr/bin/git", ["--git-dir", remote, "ls-tree", "-r", "--name-only", "HEAD"], environment: Claudesh.environment(home: fixture.home))
        #expect(files.stdout.contains("claude/token.gpg"))
        let status = try fixture.run(["secrets", "git", "status"])
        #expect(status.status == 0 && status.stdout.contains("origin/"))
    }

    @Test func aPushOrPullGitRefusesFailsWithGitsMessageAndTheHint() throws {
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        try fixture.makeKeyAndStore()
        try fixture.insert("claude/token", "abc123")
        let environment = Claudesh.environment(home: fixture.home)
        // A remote that is not there: git says so and ends with 128, which pass 1.7.4 hides.
        #expect(try fixture.run(["secrets", "git", "remote", "add", fixture.home + "/no-such-remote.git"]).status == 0)
        for command in ["push", "pull"] {
            let failed = try fixture.run(["secrets", "git", command])
            #expect(failed.status == 1, "\(command): \(failed.stdout)\(failed.stderr)")
            #expect((failed.stdout + failed.stderr).contains("does not appear to be a git repository"))
            #expect(failed.stderr.contains("git \(command) in \(fixture.storeDirectory)"))
            #expect(failed.stderr.contains("ssh-add"))
        }
        // A remote that refuses the push in its pre-receive hook.
        let remote = fixture.home + "/refusing.git"
        _ = try Claudesh.runProgram("/usr/bin/git", ["init", "--bare", "-q", remote], environment: environment)
        let hook = remote + "/hooks/pre-receive"
        try "#!/bin/sh\necho 'pushes are closed here' >&2\nexit 1\n".write(toFile: hook, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook)
        _ = try Claudesh.runProgram("/usr/bin/git", ["-C", fixture.storeDirectory, "remote", "set-url", "origin", remote], environment: environment)
        let refused = try fixture.run(["secrets", "git", "push"])
        #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
        #expect((refused.stdout + refused.stderr).contains("pushes are closed here"))
        #expect(refused.stderr.contains("ssh-add"))
    }

    @Test func exportBackupWritesAPrivateFileThatImportsAndNeverOverwrites() throws {
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        let fingerprint = try fixture.makeKeyAndStore()
        let path = fixture.home + "/keys.asc"
        let exported = try fixture.run(["gpg", "export-backup", path])
        #expect(exported.status == 0, "\(exported.stderr)")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("-----BEGIN PGP PRIVATE KEY BLOCK-----"))
        let again = try fixture.run(["gpg", "export-backup", path])
        #expect(again.status == 1 && again.stderr.contains("never overwrites"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
        // The file is a real key: another keyring imports it.
        let other = SecretsFixture()
        defer { other.stop() }
        _ = try other.gpg(["--import", path])
        let status = try other.run(["gpg", "status", "--json"])
        #expect(status.status == 0)
        #expect(status.stdout.contains(fingerprint))
    }

    @Test func migrateReadsTheTokenFromStandardInputWhenGhIsMissing() throws {
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        try fixture.makeKeyAndStore()
        let token = "ghp_" + String(repeating: "Zz09", count: 9)
        // A PATH with gpg, pass and their helpers but no gh.
        let migrated = try fixture.run(["secrets", "migrate", "github-token"], input: token + "\n", extra: ["PATH": "/usr/bin:/bin"])
        #expect(migrated.status == 0, "\(migrated.stderr)")
        #expect(migrated.stderr.contains("gh is not installed"))
        #expect(migrated.stdout.contains("--secret GITHUB_PERSONAL_ACCESS_TOKEN=claude/github-token"))
        #expect(try fixture.run(["secrets", "show", "claude/github-token", "--reveal"]).stdout == token + "\n")
        #expect(!migrated.stdout.contains(token) && !migrated.stderr.contains(token))
    }
}
