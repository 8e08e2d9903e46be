/// The gpg program, driven with `--batch` and `--status-fd`: success is read from its status
/// lines, never from the exit code alone, and secrets reach it only on standard input.
///
/// `GNUPGHOME` in `environment` picks the keyring, as it does for gpg itself.
package struct GnuPG: Sendable {
    var environment: [String: String]
    var program: String

    init(environment: [String: String], program: String = "gpg") {
        self.environment = Self.withEnglishMessages(environment)
        self.program = program
    }

    /// gpg's messages in English (the status lines do not say "cannot reach the agent"; one
    /// message does), with the user's character set kept.
    static func withEnglishMessages(_ environment: [String: String]) -> [String: String] {
        var result = environment
        if let all = result.removeValue(forKey: "LC_ALL") { result["LC_CTYPE"] = all }
        result["LANGUAGE"] = nil
        result["LC_MESSAGES"] = "C"
        return result
    }

    /// What gpg says, split into its status lines and its human messages.
    struct Reply: Sendable {
        var result: ProcessRunner.Result
        var statuses: [GPGStatus]
        var output: [UInt8] { result.output }

        /// gpg's last human message, for a failure no status line explains.
        var lastMessage: String {
            GPGStatus.messages(result.errorText).last.map { $0.hasPrefix("gpg: ") ? String($0.dropFirst(5)) : $0 } ?? result.termination.description
        }
    }

    /// The arguments every call starts with.
    static let common = ["--batch", "--status-fd", "2"]

    /// Runs gpg with `arguments` after the common ones; `input` goes to its standard input.
    func run(_ arguments: [String], input: [UInt8]? = nil, timeout: Duration? = .seconds(60)) async throws -> Reply {
        let spec = ProcessSpec(program, Self.common + arguments, environment: environment)
        let result = try await ProcessRunner.run(spec, input: input, timeout: timeout, outputLimit: Self.outputLimit)
        return Reply(result: result, statuses: GPGStatus.parse(result.errorText))
    }

    /// Turns a reply into an error unless `success` (a status keyword) is there and gpg exited 0.
    /// Problem keywords are read only after a failure: a file encrypted to two keys says
    /// NO_SECKEY for the one this keyring lacks, then decrypts with the other.
    func require(_ reply: Reply, _ success: String?, operation: String) throws(GPGError) {
        if reply.result.truncated { throw GPGError("cannot \(operation): gpg's output is larger than \(Self.outputLimit >> 20) MiB") }
        let succeeded = reply.result.termination.isSuccess && (success.map(reply.statuses.contains) ?? true)
        if succeeded { return }
        if let problem = GPGError.diagnose(reply.statuses, messages: GPGStatus.messages(reply.result.errorText), operation: operation) { throw problem }
        if reply.result.timedOut { throw GPGError("cannot \(operation): gpg did not finish in time (is it waiting for a passphrase?)") }
        throw GPGError("cannot \(operation): \(reply.lastMessage)")
    }

    /// The most gpg may print: a secret, a key export. More is an error, never a cut value.
    static let outputLimit = 64 << 20

    // MARK: Keys

    package func secretKeys() async throws -> [GPGKey] {
        let reply = try await run(["--with-colons", "--fixed-list-mode", "--list-secret-keys"])
        try require(reply, nil, operation: "list the secret keys")
        return GPGKey.parse(colons: reply.result.outputText)
    }

    /// The public keys `id` names; empty when there is none.
    func publicKeys(matching id: String) async throws -> [GPGKey] {
        let reply = try await run(["--with-colons", "--fixed-list-mode", "--list-keys", "--", id])
        return GPGKey.parse(colons: reply.result.outputText)
    }

    /// Checks that every id names exactly one key that can encrypt: what `pass init` and
    /// backups need before they write anything.
    func checkRecipients(_ ids: [String]) async throws {
        for id in ids {
            let keys = try await publicKeys(matching: id)
            guard !keys.isEmpty else {
                throw GPGError("no key '\(id)' in the keyring: make one with 'gpg keygen NAME EMAIL' or import it with 'gpg --import'")
            }
            guard keys.count == 1 else {
                throw GPGError("'\(id)' matches \(keys.count) keys: give the fingerprint (gpg status lists them)")
            }
            guard keys[0].canEncrypt else {
                let why = keys[0].isExpired ? "has expired" : keys[0].isRevoked ? "is revoked" : "has no encryption subkey"
                throw GPGError("the key '\(id)' \(why): it cannot encrypt")
            }
        }
    }

    /// Whether a gpg-agent answers (without starting one).
    package func agentIsRunning() async -> Bool {
        let spec = ProcessSpec("gpg-connect-agent", ["--no-autostart", "GETINFO version", "/bye"], environment: environment)
        guard let result = try? await ProcessRunner.run(spec, timeout: .seconds(10)) else { return false }
        return result.termination.isSuccess && result.outputText.split(separator: "\n").contains("OK")
    }

    /// The parameter text of an unattended key generation. The passphrase travels in it, on
    /// gpg's standard input; nil means the key is left unprotected.
    package static func keyParameters(name: String, email: String, algorithm: KeyAlgorithm, passphrase: String?) throws(GPGError) -> String {
        for (what, value) in [("name", name), ("email", email), ("passphrase", passphrase ?? "")] {
            guard !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                throw GPGError("the \(what) contains control characters")
            }
        }
        guard !name.trimmingWhitespace.isEmpty else { throw GPGError("give a name for the key") }
        guard email.contains("@"), !email.contains(" ") else { throw GPGError("'\(email)' is not an email address") }
        if let passphrase, passphrase.trimmingWhitespace != passphrase {
            // gpg strips blanks around parameter values: such a passphrase would not be the one typed.
            throw GPGError("the passphrase starts or ends with a space, which gpg would drop")
        }
        var lines = algorithm.parameters
        lines += ["Name-Real: \(name)", "Name-Email: \(email)", "Expire-Date: 0"]
        lines.append(passphrase.map { "Passphrase: \($0)" } ?? "%no-protection")
        lines.append("%commit")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Makes a key; returns its fingerprint.
    package func generateKey(name: String, email: String, algorithm: KeyAlgorithm, passphrase: String?) async throws -> String {
        let parameters = try Self.keyParameters(name: name, email: email, algorithm: algorithm, passphrase: passphrase)
        let reply = try await run(["--gen-key"], input: Array(parameters.utf8), timeout: .seconds(300))
        try require(reply, "KEY_CREATED", operation: "generate the key")
        return reply.statuses.first("KEY_CREATED")?.arguments.dropFirst().first ?? ""
    }

    /// The armored secret keys (all of them, or `id`'s).
    package func exportSecretKeys(_ id: String?) async throws -> [UInt8] {
        let reply = try await run(["--armor", "--export-secret-keys"] + (id.map { ["--", $0] } ?? []), timeout: nil)
        try require(reply, nil, operation: "export the secret keys")
        guard !reply.output.isEmpty else {
            throw GPGError(id.map { "no secret key '\($0)' to export (gpg status lists them)" } ?? "no secret keys to export: make one with 'gpg keygen NAME EMAIL'")
        }
        return reply.output
    }

    // MARK: Data

    /// The clear text of an encrypted file, in memory. The file's path is the only argument.
    func decrypt(file path: String, name: String) async throws -> [UInt8] {
        // No timeout: a pinentry may be waiting for the person at the terminal; Ctrl-C ends it.
        // Not --quiet: it drops the NO_SECKEY status line along with the chatter.
        let reply = try await run(["--decrypt", "--", path], timeout: nil)
        try require(reply, "DECRYPTION_OKAY", operation: "decrypt \(name)")
        return reply.output
    }
}
