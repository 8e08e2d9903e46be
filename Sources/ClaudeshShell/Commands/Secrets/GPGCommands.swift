#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeshKit

/// gpg status, gpg keygen, gpg export-backup: the keys that the store and backups encrypt to.
enum GPGCommands {
    static let group = CommandGroup.secrets

    @MainActor
    static var command: Command {
        Command(
            "gpg", group: group, summary: "GnuPG keys: status, keygen, export-backup",
            discussion: "GNUPGHOME picks the keyring, as for gpg itself.",
            subcommands: [status, keygen, exportBackup]
        )
    }

    static let status = Command(
        "status", group: group, summary: "The secret keys, their expiry, and whether gpg-agent answers (exit 1 without a usable key)",
        flags: [.json], examples: ["gpg status", "gpg status --json"]
    ) { invocation in
        let workspace = invocation.workspace
        let gnupg = workspace.gnupg
        let agent = await gnupg.agentIsRunning()
        let keys: [GPGKey]
        do {
            keys = try await gnupg.secretKeys()
        } catch {
            // Listing secret keys needs the agent: say how it stands, then why the list failed.
            if !invocation.wantsJSON { invocation.output.line("gpg-agent: " + (agent ? "running" : "not running")) }
            throw error
        }
        let home = workspace.keyringFolder
        let usable = keys.filter { $0.isUsable }
        if invocation.wantsJSON {
            invocation.output.json(.object([
                ("gnupg_home", .string(home)), ("agent_running", .bool(agent)),
                ("keys", .array(keys.map { key in
                    .object([
                        ("fingerprint", .string(key.fingerprint)), ("user_id", .string(key.primaryUserID)), ("algorithm", .string(key.algorithm)),
                        ("created", key.created.map(JSONValue.int) ?? .null), ("expires", key.expires.map(JSONValue.int) ?? .null),
                        ("state", .string(state(key))),
                    ])
                })),
            ]))
        } else {
            invocation.output.line(invocation.output.styled(home, .dim))
            if keys.isEmpty {
                invocation.output.line("No secret keys. Make one: gpg keygen NAME EMAIL")
            } else {
                let rows = keys.map { key in
                    [key.fingerprint, key.primaryUserID, key.algorithm, Units.date(key.created), key.expires.map { Units.date($0) } ?? "never", state(key)]
                }
                invocation.output.line(Table(headers: ["FINGERPRINT", "USER ID", "ALGORITHM", "CREATED", "EXPIRES", "STATE"], rows: rows, width: invocation.terminalWidth).render())
            }
            invocation.output.line("gpg-agent: " + (agent ? "running" : "not running (gpg starts it when a key is needed)"))
        }
        return usable.isEmpty ? .failure : .success
    }

    static func state(_ key: GPGKey) -> String {
        if key.isRevoked { return "revoked" }
        if key.isExpired { return "expired" }
        if !key.hasSecret { return "no secret part" }
        return key.canEncrypt ? "ok" : "cannot encrypt"
    }

    static let keygen = Command(
        "keygen", group: group, summary: "Make a key pair (RSA 4096 by default); the passphrase is asked twice on the terminal",
        arguments: [Argument("NAME", "the key owner's name"), Argument("EMAIL", "the key owner's email")],
        flags: [
            Flag("algo", value: "rsa4096|ed25519|cv25519", "the algorithm (default rsa4096; ed25519 and cv25519 make the same Curve25519 pair)", completion: .choices(KeyAlgorithm.allCases.map { $0.rawValue })),
            Flag("no-passphrase", "leave the secret key unprotected (for a machine account)"),
            Flag("if-none", "make a key only when there is no usable secret key (for installers: safe to run again)"),
        ],
        examples: ["gpg keygen \"Ada Lovelace\" ada@example.com", "gpg keygen ops ops@example.com --algo ed25519", "gpg keygen \"Claude Secrets\" claude@local --if-none"]
    ) { invocation in
        let arguments = invocation.arguments
        if arguments.has("if-none") {
            let usable = try await invocation.workspace.usableKeys()
            if let key = usable.first {
                invocation.output.line("Already done: a usable secret key exists (\(key.fingerprint) \(key.primaryUserID)); no key made")
                return .success
            }
        }
        let algorithmName = arguments.value("algo") ?? KeyAlgorithm.rsa4096.rawValue
        guard let algorithm = KeyAlgorithm(rawValue: algorithmName) else {
            throw ShellError.usage("unknown --algo '\(algorithmName.clipped())': use \(KeyAlgorithm.allCases.map { $0.rawValue }.joined(separator: ", "))")
        }
        let (name, email) = (arguments.positionals[0], arguments.positionals[1])
        // The parameters are checked before the passphrase is asked for.
        _ = try GnuPG.keyParameters(name: name, email: email, algorithm: algorithm, passphrase: nil)
        var passphrase: String?
        if !arguments.has("no-passphrase") {
            guard isatty(0) == 1 else {
                throw ShellError.failed("no terminal to ask the passphrase: run gpg keygen on a terminal, or add --no-passphrase for an unprotected key")
            }
            let first = try hidden("Passphrase for the new key: ", invocation.output)
            guard !first.isEmpty else { throw ShellError.failed("the passphrase is empty: type one, or use --no-passphrase") }
            guard first == (try hidden("Again: ", invocation.output)) else { throw ShellError.failed("the two passphrases differ; no key was made") }
            passphrase = first
        }
        if invocation.session.context.dryRun {
            invocation.output.line("would make a \(algorithm.rawValue) key for \(name) <\(email)> (dry run)")
            return .success
        }
        if algorithm == .rsa4096, isatty(2) == 1 { invocation.output.error(invocation.output.styled("making an RSA 4096 key takes a few seconds…", .dim)) }
        let fingerprint = try await invocation.workspace.gnupg.generateKey(name: name, email: email, algorithm: algorithm, passphrase: passphrase)
        invocation.output.line("Made key \(fingerprint) for \(name) <\(email)>")
        invocation.output.line("Next: secrets init \(email)   (and keep a copy: gpg export-backup FILE)")
        return .success
    }

    @MainActor
    static func hidden(_ prompt: String, _ output: Output) throws -> String {
        switch Terminal.readHidden(prompt, output: output) {
        case .line(let bytes):
            guard let text = String(validating: bytes, as: UTF8.self) else { throw ShellError.failed("the passphrase is not UTF-8 text; no key was made") }
            return text
        case .end: throw ShellError.failed("no passphrase given; no key was made")
        case .interrupted: throw CancellationError()
        }
    }

    static let exportBackup = Command(
        "export-backup", group: group, summary: "Write the secret keys, armored, to a new file (mode 0600; never overwrites)",
        discussion: "Keep the file offline: with it and the passphrase, the store and the backups can be read.",
        arguments: [Argument("FILE", "the file to create", completion: .path)],
        flags: [Flag("key", value: "ID", "only this key (default: every secret key)")],
        examples: ["gpg export-backup /media/usb/claude-keys.asc", "gpg export-backup keys.asc --key ops@example.com"]
    ) { invocation in
        let workspace = invocation.workspace
        let path = workspace.environment.absolutePath(invocation.arguments.positionals[0])
        guard try await workspace.exportSecretKeys(invocation.arguments.value("key"), to: path) else {
            invocation.output.line("would write the secret keys to \(path) (dry run)")
            return .success
        }
        invocation.output.line("Wrote the secret keys to \(path) (mode 0600). Keep it offline; restore with: gpg --import \(path)")
        return .success
    }
}
