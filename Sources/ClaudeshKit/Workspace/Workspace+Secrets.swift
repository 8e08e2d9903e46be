#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The pass store and the GnuPG keyring, as this session reaches them, and what is done with
/// their secrets.
extension Workspace {
    /// The environment gpg and pass run in: the session's, with GPG_TTY, so a pinentry can ask
    /// on this terminal.
    var toolEnvironment: Environment {
        var environment = self.environment
        if environment.variables["GPG_TTY"] == nil, isatty(0) == 1, let name = ttyname(0) {
            environment.variables["GPG_TTY"] = String(cString: name)
        }
        return environment
    }

    package var store: PasswordStore { PasswordStore(environment: toolEnvironment) }

    package var gnupg: GnuPG { GnuPG(environment: toolEnvironment.variables) }

    /// `GNUPGHOME`, else `~/.gnupg`: the keyring's folder, for messages.
    package var keyringFolder: String {
        environment.variables["GNUPGHOME"].map(environment.absolutePath) ?? Path.join(environment.userHome, ".gnupg")
    }

    /// The secret `name`: loaded, else decrypted from the store.
    package func secret(named name: String) async throws -> String {
        if let value = context.vault.value(of: name) { return value }
        return try await store.value(of: name)
    }

    /// Each `ENV=NAME` with its value, in order.
    package func secrets(_ references: [SecretReference]) async throws -> [(variable: String, value: String)] {
        var values: [(String, String)] = []
        for reference in references { values.append((reference.variable, try await secret(named: reference.name))) }
        return values
    }

    /// The keys `secrets init` uses when none is named: the gpg-id setting, else the store's
    /// current keys (empty: keep them), else the only usable secret key.
    package func defaultStoreRecipients() async throws -> [String] {
        if let id = settings.gpgID { return [id] }
        let store = self.store
        guard store.recipients.isEmpty else { return [] }
        let usable = try await usableKeys()
        guard usable.count == 1 else {
            throw OperationError.usage(usable.isEmpty
                ? "no gpg key to encrypt to: make one with 'gpg keygen NAME EMAIL', then secrets init"
                : "you have \(usable.count) keys: say which, e.g. secrets init \(usable[0].fingerprint)")
        }
        return [usable[0].fingerprint]
    }

    /// The secret keys that can encrypt.
    package func usableKeys() async throws -> [GPGKey] {
        try await gnupg.secretKeys().filter { $0.isUsable }
    }

    /// Writes the secret keys (`id`'s alone, when given), armored, to the new file `path`, mode
    /// 0600; never over a file. Whether it was written (not under a dry run).
    package func exportSecretKeys(_ id: String?, to path: String) async throws -> Bool {
        guard Path.kind(of: path) == .missing else { throw OperationError.failed("\(path) exists: give a new file name (export-backup never overwrites)") }
        guard Path.kind(of: Path.directory(of: path)) == .directory else { throw OperationError.failed("no folder \(Path.directory(of: path))") }
        guard !dryRun else { return false }
        try AtomicFile.create(try await gnupg.exportSecretKeys(id), at: path, mode: 0o600)
        return true
    }

    /// The program `words` names with each `ENV=NAME` of `references` in its environment (a
    /// loaded secret as it is, else decrypted): what `claudesh exec` becomes.
    package func execSpec(_ words: [String], secrets references: [SecretReference]) async throws -> ProcessSpec {
        var variables = environment.variables
        for (variable, value) in try await secrets(references) { variables[variable] = value }
        return ProcessSpec(words[0], Array(words.dropFirst()), environment: variables)
    }

    /// `prefix`, refused when it leads out of the store.
    static func inside(_ prefix: String) throws(OperationError) -> String {
        guard PasswordStore.isInside(prefix) else {
            throw .usage("'\(prefix.clipped())' leads out of the store: give a folder or name inside it, e.g. claude/")
        }
        return prefix
    }

    /// The names of the store's secrets under `prefix` (a folder, or the start of a name).
    package func secretNames(under prefix: String) throws -> [String] {
        let store = self.store
        guard store.exists else { throw StoreError.noStore(store.directory) }
        return store.names(under: try Self.inside(prefix))
    }

    /// The secrets under `prefix`, decrypted into the session's vault: how many.
    package func loadSecrets(under prefix: String) async throws -> Int {
        let store = self.store
        try store.requireInitialized()
        let names = store.names(under: try Self.inside(prefix))
        guard !names.isEmpty else { throw OperationError.failed("no secrets in \(store.directory)" + (prefix.isEmpty ? "" : " under '\(prefix)'")) }
        let values = try await store.values(of: names)
        for (name, value) in values { context.vault.store(value, as: name) }
        return values.count
    }

    /// `entry` made to start through `claudesh exec` with `references` in its environment; each
    /// must be in the store.
    package func entry(_ entry: JSONValue, withSecrets references: [SecretReference]) throws -> JSONValue {
        guard !references.isEmpty else { return entry }
        let store = self.store
        for reference in references where !store.contains(reference.name) {
            throw StoreError.missing(reference.name, suggestion: Suggestions.closest(to: reference.name, among: store.names()))
        }
        return try SecretWrapper.wrap(entry, secrets: references, executable: try recordedProgram(), pinned: PasswordStore.pinnedVariables(environment))
    }

    /// `gh auth token`'s output, or nil when gh is missing or has no login.
    package func githubCLIToken() async -> [UInt8]? {
        let spec = ProcessSpec("gh", ["auth", "token"], environment: environment.variables)
        guard let result = try? await ProcessRunner.run(spec, timeout: .seconds(20)), result.termination.isSuccess else { return nil }
        let token = result.outputText.trimmingWhitespace
        return token.isEmpty ? nil : Array(token.utf8)
    }

    /// The files the audit reads: every client config, the compose file, `.env` files, rc files.
    package var auditTargets: [SecretAudit.Target] { SecretAudit.targets(context: context) }

    /// Moves the server env values of `findings` into the store and rewrites their entries: the
    /// files rewritten.
    package func applyAuditFix(_ plan: AuditFix) async throws -> [String] {
        try await plan.apply(store: store, executable: try recordedProgram(), pinned: PasswordStore.pinnedVariables(environment))
    }
}
