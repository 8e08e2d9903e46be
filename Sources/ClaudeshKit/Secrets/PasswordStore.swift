/// A `pass` store: one gpg-encrypted file per secret under `PASSWORD_STORE_DIR`.
///
/// Writes go through `pass` itself (it picks the recipients from `.gpg-id` and commits to the
/// store's git); reads decrypt the files with gpg directly, several at once, which is what makes
/// `secrets load` fast. Names are listed from the file tree: completing a name never runs gpg.
package struct PasswordStore: Sendable {
    package var directory: String
    /// The children's environment: the caller's, with the store named explicitly.
    var environment: [String: String]

    package init(environment: Environment) {
        let configured = environment.variables["PASSWORD_STORE_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        directory = configured.map(environment.absolutePath) ?? Path.join(environment.userHome, ".password-store")
        var variables = environment.variables
        variables["PASSWORD_STORE_DIR"] = directory
        // Status lines for our diagnosis, no prompts, and no key lookups on the network.
        let ours = "--batch --status-fd=2 --auto-key-locate=local"
        variables["PASSWORD_STORE_GPG_OPTS"] = [variables["PASSWORD_STORE_GPG_OPTS"], ours].compactMap { $0 }.joined(separator: " ")
        // pass commits to git; where no identity is configured git would refuse. EMAIL is git's
        // last resort, below user.email, so a configured identity still wins.
        if variables["EMAIL"] == nil { variables["EMAIL"] = "\(variables["USER"] ?? "claudesh")@localhost" }
        self.environment = GnuPG.withEnglishMessages(variables)
    }

    var gnupg: GnuPG { GnuPG(environment: environment) }

    package var exists: Bool { Path.kind(of: directory) == .directory }
    var isInitialized: Bool { Path.kind(of: Path.join(directory, ".gpg-id")) == .file }
    var hasGit: Bool { Path.kind(of: Path.join(directory, ".git")) == .directory }

    /// The key ids of the store's root `.gpg-id`.
    package var recipients: [String] {
        guard let bytes = try? FileIO.read(Path.join(directory, ".gpg-id")) else { return [] }
        return String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).map { String($0).trimmingWhitespace }.filter { !$0.isEmpty }
    }

    // MARK: Names

    /// A name as `pass` takes it: folders separated by `/`, no `..`, nothing hidden or flag-like.
    package static func validate(_ name: String) throws(StoreError) {
        guard !name.isEmpty else { throw .badName(name, "is empty") }
        guard !name.hasPrefix("/"), !name.hasSuffix("/") else { throw .badName(name, "starts or ends with /") }
        guard !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { throw .badName(name, "contains control characters") }
        for component in name.split(separator: "/", omittingEmptySubsequences: false) {
            guard !component.isEmpty else { throw .badName(name, "has an empty folder (//)") }
            guard !component.hasPrefix(".") else { throw .badName(name, "has a part starting with '.'") }
            guard !component.hasPrefix("-") else { throw .badName(name, "has a part starting with '-'") }
        }
    }

    func file(of name: String) -> String { Path.join(directory, name + ".gpg") }

    package func contains(_ name: String) -> Bool { Path.kind(of: file(of: name)) == .file }

    /// Whether `prefix` stays inside the store: a name's start, or a folder ending in `/`.
    package static func isInside(_ prefix: String) -> Bool {
        !prefix.hasPrefix("/") && !prefix.split(separator: "/", omittingEmptySubsequences: false).contains { $0 == ".." || $0 == "." }
    }

    /// Every secret's name under `prefix` (a folder, or the start of a name), sorted. A folder
    /// reached twice through links is read once.
    package func names(under prefix: String = "") -> [String] {
        guard Self.isInside(prefix) else { return [] }
        var found: [String] = []
        var seen = Set<FileIdentity>()
        func walk(_ folder: String, _ relative: String) {
            guard let identity = FileIdentity(of: folder), seen.insert(identity).inserted else { return }
            for entry in Directory.entries(of: folder) where !entry.name.hasPrefix(".") {
                let name = relative.isEmpty ? entry.name : relative + "/" + entry.name
                if entry.isDirectory {
                    walk(Path.join(folder, entry.name), name)
                } else if entry.name.hasSuffix(".gpg") {
                    found.append(String(name.dropLast(4)))
                }
            }
        }
        // Read only the folder the prefix points into, not the whole store.
        let folderPart = prefix.lastIndex(of: "/").map { String(prefix[..<$0]) } ?? ""
        walk(folderPart.isEmpty ? directory : Path.join(directory, folderPart), folderPart)
        return found.filter { $0.hasPrefix(prefix) }.sorted()
    }

    /// Completions of a partly typed name, one folder level at a time (folders end in `/`):
    /// one readdir, whatever the size of the store.
    package func completions(for partial: String) -> [String] {
        guard Self.isInside(partial) else { return [] }
        let slash = partial.lastIndex(of: "/")
        let folderPart = slash.map { String(partial[...$0]) } ?? ""
        let namePrefix = slash.map { String(partial[partial.index(after: $0)...]) } ?? partial
        let folder = folderPart.isEmpty ? directory : Path.join(directory, String(folderPart.dropLast()))
        var results: [String] = []
        for entry in Directory.cachedEntries(of: folder) where !entry.name.hasPrefix(".") && entry.name.hasPrefix(namePrefix) {
            if entry.isDirectory {
                results.append(folderPart + entry.name + "/")
            } else if entry.name.hasSuffix(".gpg") {
                results.append(folderPart + String(entry.name.dropLast(4)))
            }
        }
        return results
    }

    // MARK: Changes, through pass

    /// What `initialize` did.
    package struct InitReport: Sendable, Equatable {
        package var recipientsChanged: Bool
        package var gitCreated: Bool
        /// The keys the store is (or, after a dry run, would be) encrypted to.
        package var recipients: [String] = []
    }

    /// `pass init IDS` and `pass git init`, each only when needed. The ids are checked first,
    /// because pass writes `.gpg-id` before it finds out that a key is missing. With `dryRun`,
    /// the same checks and the same report, and nothing run that changes the store.
    package func initialize(recipients ids: [String], dryRun: Bool = false) async throws -> InitReport {
        let wanted = ids.isEmpty ? recipients : ids
        guard !wanted.isEmpty else { throw StoreError.noRecipients(directory) }
        var report = InitReport(recipientsChanged: false, gitCreated: false, recipients: wanted)
        if wanted != recipients || !isInitialized {
            try await gnupg.checkRecipients(wanted)
            if !dryRun { try await pass(["init", "--"] + wanted, operation: "initialise the store") }
            report.recipientsChanged = true
        }
        if !hasGit {
            if !dryRun { try await pass(["git", "init"], operation: "start the store's git repository") }
            report.gitCreated = true
        }
        return report
    }

    /// Encrypts `value` as `name`. An existing secret is replaced only with `force`.
    package func insert(_ name: String, value: [UInt8], force: Bool) async throws {
        try Self.validate(name)
        try requireInitialized()
        if contains(name) && !force { throw StoreError.exists(name) }
        guard !value.isEmpty else { throw StoreError.emptyValue(name) }
        guard String(validating: value, as: UTF8.self) != nil else { throw StoreError.notText(name) }
        // pass stores a typed password with a newline after it; so does this, always, and
        // reading takes one newline off: any value, even one that ends in a newline, comes back.
        let content = value + [UInt8(ascii: "\n")]
        try await pass(["insert", "--multiline", "--force", "--", name], input: content, operation: "encrypt \(name)", success: "END_ENCRYPTION")
        guard contains(name) else { throw StoreError.failed("pass reported success but \(file(of: name)) is not there") }
    }

    package func remove(_ name: String) async throws {
        try Self.validate(name)
        guard contains(name) else { throw StoreError.missing(name, suggestion: Suggestions.closest(to: name, among: names())) }
        try await pass(["rm", "--force", "--", name], operation: "remove \(name)")
    }

    /// `git ARGS` in the store's repository, its output and status returned for the shell to show.
    ///
    /// git is run directly, as `pass git` would run it, not through `pass git`: pass 1.7.4
    /// (Debian 12's) ends every command with status 0, so a push git refused would pass for done.
    package func git(_ arguments: [String]) async throws -> ProcessRunner.Result {
        try requireInitialized()
        guard hasGit else { throw StoreError.noGit(directory) }
        let spec = ProcessSpec("git", ["-C", directory] + arguments, environment: gitEnvironment)
        return try await ProcessRunner.run(spec, timeout: nil)
    }

    /// The environment pass gives git: the store's repository alone, and no prompts.
    var gitEnvironment: [String: String] {
        var variables = environment
        // As pass does: a GIT_DIR or work tree set by the caller must not redirect git, and git
        // must not climb above the store to a repository around it.
        for name in ["GIT_DIR", "GIT_WORK_TREE", "GIT_NAMESPACE", "GIT_INDEX_FILE", "GIT_INDEX_VERSION", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR"] {
            variables[name] = nil
        }
        variables["GIT_CEILING_DIRECTORIES"] = Path.directory(of: directory)
        // git runs without the terminal (its own process group): a prompt for a password or an
        // unknown host key would stop it for good. It fails instead, and the shell says why.
        variables["GIT_TERMINAL_PROMPT"] = "0"
        if variables["GIT_SSH_COMMAND"] == nil { variables["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes" }
        return variables
    }

    package func requireInitialized() throws(StoreError) {
        guard isInitialized else { throw exists ? StoreError.notInitialized(directory) : StoreError.noStore(directory) }
    }

    /// Runs pass; success needs its exit status 0 and, when given, the gpg status `success`.
    @discardableResult
    func pass(_ arguments: [String], input: [UInt8]? = nil, operation: String, success: String? = nil) async throws -> ProcessRunner.Result {
        let spec = ProcessSpec("pass", arguments, environment: environment)
        let result = try await ProcessRunner.run(spec, input: input, timeout: .seconds(120))
        let statuses = GPGStatus.parse(result.errorText)
        guard result.termination.isSuccess, success.map(statuses.contains) ?? true else {
            if let problem = GPGError.diagnose(statuses, messages: GPGStatus.messages(result.errorText), operation: operation) { throw problem }
            let said = GPGStatus.messages(result.errorText).filter { !$0.hasPrefix("hint:") }.last ?? result.termination.description
            throw StoreError.failed("cannot \(operation): \(said)")
        }
        return result
    }

    // MARK: Reading

    /// One secret's value: the whole entry less its last newline.
    func value(of name: String) async throws -> String {
        try Self.validate(name)
        guard contains(name) else {
            if !exists { throw StoreError.noStore(directory) }
            throw StoreError.missing(name, suggestion: Suggestions.closest(to: name, among: names()))
        }
        var bytes = try await gnupg.decrypt(file: file(of: name), name: name)
        if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw StoreError.notText(name) }
        return text
    }

    /// The values of `names`, decrypted `concurrency` at a time, in the order given.
    func values(of names: [String], concurrency: Int = 4) async throws -> [(name: String, value: String)] {
        var values = [String?](repeating: nil, count: names.count)
        try await withThrowingTaskGroup(of: (Int, String).self) { group in
            var next = 0
            func startNext() {
                guard next < names.count else { return }
                let index = next
                next += 1
                group.addTask { (index, try await value(of: names[index])) }
            }
            for _ in 0..<max(1, concurrency) { startNext() }
            while let (index, value) = try await group.next() {
                values[index] = value
                startNext()
            }
        }
        return zip(names, values).map { ($0, $1!) }
    }
}

/// Why the store could not do something, and what to do.
package enum StoreError: Error, CustomStringConvertible, Sendable, Equatable {
    case noStore(String)
    case notInitialized(String)
    case noRecipients(String)
    case noGit(String)
    case badName(String, String)
    case exists(String)
    case missing(String, suggestion: String?)
    case emptyValue(String)
    case notText(String)
    case failed(String)

    package var description: String {
        switch self {
        case .noStore(let directory):
            return "no password store at \(directory): create it with 'secrets init KEY' (PASSWORD_STORE_DIR picks another folder)"
        case .notInitialized(let directory):
            return "\(directory) is not an initialised password store (no .gpg-id): run 'secrets init KEY'"
        case .noRecipients(let directory):
            return "say which gpg key the store at \(directory) encrypts to: secrets init KEY (gpg status lists your keys)"
        case .noGit(let directory):
            return "the store at \(directory) has no git repository: run 'secrets init' to start one"
        case .badName(let name, let why):
            return "'\(name)' is not a secret name: it \(why)"
        case .exists(let name):
            return "'\(name)' is already in the store: add --force to replace it"
        case .missing(let name, let suggestion):
            return "no secret '\(name)' in the store" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "; 'secrets list' shows them")
        case .emptyValue(let name):
            return "nothing to store for '\(name)': the value is empty"
        case .notText(let name):
            return "'\(name)' is not UTF-8 text: claudesh stores and injects text secrets only (binary data would be changed on the way)"
        case .failed(let message):
            return message
        }
    }
}
