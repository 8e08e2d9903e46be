import ClaudeshKit

/// secrets: the pass store (init, list, insert, show, rm, migrate, git) and the session vault
/// (load, unload). The audit is in SecretsAuditCommand.
enum SecretsCommands {
    static let group = CommandGroup.secrets

    @MainActor
    static var command: Command {
        Command(
            "secrets", group: group, summary: "The pass store and the session's loaded secrets",
            discussion: """
            Secrets live in a pass store (PASSWORD_STORE_DIR, default ~/.password-store), encrypted
            to your gpg key. Values are never put in a program's arguments, never written in clear,
            and masked in everything claudesh prints once loaded.
            """,
            subcommands: [initialize, list, insert, show, remove, migrate, git, load, unload, SecretsAuditCommand.command]
        )
    }

    static let initialize = Command(
        "init", group: group, summary: "Create the store encrypted to GPG-IDs, with its git repository (safe to run again)",
        discussion: "Without GPG-ID: the gpg-id setting, else the store's current keys, else your only secret key.",
        arguments: [Argument("GPG-ID", "the keys to encrypt to (email or fingerprint)", optional: true, variadic: true)],
        examples: ["secrets init", "secrets init ops@example.com"]
    ) { invocation in
        let workspace = invocation.workspace
        let store = workspace.store
        var ids = invocation.arguments.positionals
        if ids.isEmpty { ids = try await workspace.defaultStoreRecipients() }
        // A dry run asks the kit the same questions, so it says what the real run would.
        let dryRun = workspace.dryRun
        let report = try await store.initialize(recipients: ids, dryRun: dryRun)
        let recipients = report.recipients.joined(separator: ", ")
        let (done, would) = switch (report.recipientsChanged, report.gitCreated) {
        case (false, false): ("Already done: the store at \(store.directory) is initialised for \(recipients), with git", "")
        case (true, let git):
            ("Initialised the store at \(store.directory) for \(recipients)" + (git ? ", with git" : ""),
             "would initialise the store at \(store.directory) for \(recipients)" + (git ? ", with git" : ""))
        case (false, true): ("Started git in the store at \(store.directory)", "would start git in the store at \(store.directory)")
        }
        invocation.output.line(dryRun && !would.isEmpty ? would + " (dry run)" : done)
        return .success
    }

    static let list = Command(
        "list", aliases: ["ls"], group: group, summary: "List the secret names (never values)",
        arguments: [Argument("PREFIX", "only names under this folder or prefix", completion: .secretNames, optional: true)],
        flags: [.json], examples: ["secrets list", "secrets list claude/"]
    ) { invocation in
        let store = invocation.workspace.store
        let names = try invocation.workspace.secretNames(under: invocation.arguments.positional(0) ?? "")
        if invocation.wantsJSON {
            invocation.output.json(.object([("store", .string(store.directory)), ("secrets", .array(names.map(JSONValue.string)))]))
        } else if names.isEmpty {
            invocation.output.line("No secrets in \(store.directory)" + (invocation.arguments.positional(0).map { " under '\($0)'" } ?? "") + ". Add one: secrets insert NAME")
        } else {
            for name in names { invocation.output.line(name) }
        }
        return .success
    }

    static let insert = Command(
        "insert", aliases: ["add"], group: group, summary: "Store a secret: typed twice, hidden, on a terminal; else one line from stdin",
        arguments: [Argument("NAME", "e.g. claude/github-token", completion: .secretNames)],
        flags: [
            Flag("multiline", short: "m", "take every line until the end of input (Ctrl-D)"),
            Flag("force", short: "f", "replace a secret of that name"),
        ],
        examples: ["secrets insert claude/github-token", "gh auth token | claudesh secrets insert claude/github-token --force"]
    ) { invocation in
        let name = invocation.arguments.positionals[0]
        let store = invocation.workspace.store
        try PasswordStore.validate(name)
        try store.requireInitialized()
        if store.contains(name) && !invocation.arguments.has("force") { throw StoreError.exists(name) }
        let value = try SecretsAccess.readValue(for: name, multiline: invocation.arguments.has("multiline"), session: invocation.session)
        if invocation.session.context.dryRun {
            invocation.output.line("would store \(name) in \(store.directory) (dry run)")
            return .success
        }
        try await store.insert(name, value: value, force: invocation.arguments.has("force"))
        invocation.output.line("Stored \(name) in \(store.directory)")
        return .success
    }

    static let show = Command(
        "show", group: group, summary: "Show a secret masked (ghp_…3f); --reveal prints it",
        arguments: [Argument("NAME", "the secret", completion: .secretNames)],
        flags: [Flag("reveal", "print the value itself")],
        examples: ["secrets show claude/github-token", "secrets show claude/github-token --reveal"]
    ) { invocation in
        let name = invocation.arguments.positionals[0]
        let value = try await invocation.workspace.secret(named: name)
        if invocation.arguments.has("reveal") {
            invocation.output.reveal(value)
        } else {
            let lines = value.split(separator: "\n", omittingEmptySubsequences: false)
            let first = ServerEntry.masked(String(lines.first ?? ""))
            invocation.output.line("\(name): \(first)" + (lines.count > 1 ? " (\(lines.count) lines)" : ""))
        }
        return .success
    }

    static let remove = Command(
        "rm", aliases: ["remove"], group: group, summary: "Delete a secret from the store (asks first)",
        arguments: [Argument("NAME", "the secret", completion: .secretNames)],
        flags: [.yes],
        examples: ["secrets rm claude/old-token", "secrets rm claude/old-token --yes"]
    ) { invocation in
        let name = invocation.arguments.positionals[0]
        let session = invocation.session
        let store = invocation.workspace.store
        try PasswordStore.validate(name)
        guard store.contains(name) else { throw StoreError.missing(name, suggestion: Suggestions.closest(to: name, among: store.names())) }
        if session.context.dryRun {
            invocation.output.line("would delete \(name) from \(store.directory) (dry run)")
            return .success
        }
        try invocation.confirm("Delete \(name) from \(store.directory)?")
        try await store.remove(name)
        session.context.vault.remove(name)
        invocation.output.line("Deleted \(name)")
        return .success
    }

    static let migrate = Command(
        "migrate", group: group, summary: "Move a token into the store: github-token from 'gh auth token', else from stdin",
        arguments: [Argument("WHAT", "what to migrate", completion: .choices(["github-token"]))],
        flags: [
            Flag("name", value: "NAME", "the secret's name (default claude/github-token)", completion: .secretNames),
            Flag("force", short: "f", "replace a secret of that name"),
        ],
        examples: ["secrets migrate github-token", "secrets migrate github-token --name work/github-token"]
    ) { invocation in
        guard invocation.arguments.positionals[0] == "github-token" else {
            throw ShellError.usage("can migrate: github-token (not '\(invocation.arguments.positionals[0].clipped())')")
        }
        let session = invocation.session
        let name = invocation.arguments.value("name") ?? "claude/github-token"
        let store = invocation.workspace.store
        try PasswordStore.validate(name)
        try store.requireInitialized()
        if store.contains(name) && !invocation.arguments.has("force") { throw StoreError.exists(name) }
        let token: [UInt8]
        let source: String
        if let fromGH = await invocation.workspace.githubCLIToken() {
            (token, source) = (fromGH, "gh auth token")
        } else {
            invocation.output.error("gh is not installed or not logged in: give the token instead")
            (token, source) = (try SecretsAccess.readValue(for: name, multiline: false, session: session), "input")
        }
        if session.context.dryRun {
            invocation.output.line("would store the token from \(source) as \(name) (dry run)")
            return .success
        }
        try await store.insert(name, value: token, force: invocation.arguments.has("force"))
        invocation.output.line("Stored the token from \(source) as \(name)")
        invocation.output.line("Use it: mcp add github --secret GITHUB_PERSONAL_ACCESS_TOKEN=\(name) -- npx -y @modelcontextprotocol/server-github")
        return .success
    }

    static let git = Command(
        "git", group: group, summary: "The store's git: status, push, pull, remote add URL",
        subcommands: [
            gitCommand("status", "What is not committed or not pushed", ["status", "--short", "--branch"]),
            gitCommand("push", "Push the store to its remote (origin)", ["push", "--set-upstream", "origin", "HEAD"]),
            gitCommand("pull", "Pull the store from its remote, fast-forward only", ["pull", "--ff-only"]),
            Command(
                "remote", group: group, summary: "The store's remote",
                subcommands: [
                    Command(
                        "add", group: group, summary: "Set the remote the store syncs with (origin)",
                        arguments: [Argument("URL", "e.g. git@github.com:me/pass-store.git")],
                        examples: ["secrets git remote add git@github.com:me/pass-store.git"]
                    ) { invocation in
                        try await runGit(["remote", "add", "origin", invocation.arguments.positionals[0]], invocation)
                    },
                ]
            ),
        ]
    )

    static func gitCommand(_ name: String, _ summary: String, _ arguments: [String]) -> Command {
        Command(name, group: group, summary: summary, examples: ["secrets git \(name)"]) { invocation in
            try await runGit(arguments, invocation)
        }
    }

    @MainActor
    static func runGit(_ arguments: [String], _ invocation: Invocation) async throws -> ExitStatus {
        let store = invocation.workspace.store
        if invocation.session.context.dryRun {
            invocation.output.line("would run git \(arguments.joined(separator: " ")) in \(store.directory) (dry run)")
            return .success
        }
        let result = try await store.git(arguments)
        let text = result.outputText + result.errorText
        if !text.isEmpty { invocation.output.write(text.hasSuffix("\n") ? text : text + "\n") }
        guard result.termination.isSuccess else {
            let hint = ["push", "pull"].contains(arguments[0])
                ? "; git cannot ask for a password or accept a host key here: load your ssh key with ssh-add and connect once with ssh, or set up a credential helper"
                : ""
            throw ShellError.failed("git \(arguments[0]) in \(store.directory) \(result.termination)\(hint)")
        }
        return .success
    }

    static let load = Command(
        "load", group: group, summary: "Decrypt secrets into this session's memory (the prompt shows how many)",
        discussion: "Loaded values are masked in all output and keep lines that contain them out of the history.",
        arguments: [Argument("PREFIX", "only names under this folder or prefix (default: all)", completion: .secretNames, optional: true)],
        examples: ["secrets load", "secrets load claude/"]
    ) { invocation in
        let loaded = try await invocation.workspace.loadSecrets(under: invocation.arguments.positional(0) ?? "")
        invocation.output.line("Loaded \(loaded) secret\(loaded == 1 ? "" : "s") (\(invocation.session.context.vault.count) in this session)")
        return .success
    }

    static let unload = Command(
        "unload", group: group, summary: "Forget every loaded secret",
        examples: ["secrets unload"]
    ) { invocation in
        let count = invocation.session.context.vault.count
        invocation.session.context.vault.removeAll()
        invocation.output.line("Unloaded \(count) secret\(count == 1 ? "" : "s")")
        return .success
    }
}
