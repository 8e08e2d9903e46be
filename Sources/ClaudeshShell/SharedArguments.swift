import ClaudeshKit

/// What several command groups declare alike: the help groups, the flags and completions that
/// name the session's things (servers, secrets, services, backups), and the conversions of
/// flag values. Command files use these, never each other.
enum CommandGroup {
    static let shell = "Shell"
    static let session = "Session"
    static let scripts = "Scripts"
    static let mcp = "MCP servers"
    static let secrets = "Secrets"
    static let docker = "Docker"
    static let backups = "Backups"
    static let health = "Health"
}

extension Completion {
    /// Secret names, one folder level at a time, from the file tree: no gpg call.
    static let secretNames = Completion.custom { input in
        PasswordStore(environment: input.context.environment).completions(for: input.partial)
    }

    /// `ENV=NAME`: the name part completes once `=` is typed.
    static let secretReferences = Completion.custom { input in
        guard let equals = input.partial.firstIndex(of: "=") else { return [] }
        let prefix = String(input.partial[...equals])
        let store = PasswordStore(environment: input.context.environment)
        return store.completions(for: String(input.partial[input.partial.index(after: equals)...])).map { prefix + $0 }
    }

    /// `desktop`, `user`, `project`, `local`, `local:` with the projects of `~/.claude.json`,
    /// or a file.
    static let configTargets = Completion.custom { input in
        if input.partial.hasPrefix("local:") { return Workspace(input.context).codeProjects().map { "local:" + $0 } }
        return MCPConfigTarget.names + ["local:"] + PathCompletion.candidates(for: input.partial, environment: input.context.environment, directoriesOnly: false)
    }

    /// The names of every server Claude knows for the current folder (`mcp enable`, `disable`).
    static let inventoryNames = Completion.custom { input in
        Array(Set(Workspace(input.context.lookingOnly).inventory(project: input.flags["project"]).entries.map { $0.name })).sorted()
    }

    /// The projects of `~/.claude.json`.
    static let codeProjects = Completion.custom { input in Workspace(input.context).codeProjects() }

    /// Server names of the config the line names with `--scope` or `--config`; else the
    /// session's, then the other servers Claude starts (as `resolveServer` finds them).
    static let serverNames = Completion.custom { input in
        let workspace = Workspace(input.context.lookingOnly)
        let word = input.flags["scope"] ?? input.flags["config"]
        var names = (try? workspace.config(word))?.serverNames ?? []
        if word == nil {
            let own = workspace.configLocation().key
            names += Workspace.startedServers(workspace.inventory().entries).filter { $0.config != own }.map { $0.label ?? $0.name }.filter { !names.contains($0) }
        }
        return names.filter { !input.positionals.contains($0) }
    }

    /// Service names of the session's compose file, not yet on the line.
    static let serviceNames = Completion.custom { input in
        ((try? ComposeFile(path: input.context.settings.composeFile))?.serviceNames ?? []).filter { !input.positionals.contains($0) }
    }

    /// `latest` and the backups of the backup folder.
    static let backupFiles = Completion.custom { input in
        ["latest"] + BackupArchive.names(in: input.context.settings.backupDir)
    }
}

extension SessionContext {
    /// The context for a TAB: it reads and keeps nothing (no config version is kept for a
    /// keystroke, which would push the ones worth keeping out of the history).
    var lookingOnly: SessionContext {
        var context = self
        context.dryRun = true
        return context
    }
}

extension Flag {
    /// `--yes`, on every command that asks before it changes something: the same answer as
    /// claudesh's own `--yes`, given where the command is typed (at the prompt, in a script line,
    /// after a one-shot command).
    static let yes = Flag("yes", short: "y", "answer yes to every question (for scripts and cron)")

    /// `--secret ENV=NAME`, repeatable: `summary` says where the value goes.
    static func secret(_ summary: String, short: Character? = "s") -> Flag {
        Flag("secret", short: short, value: "ENV=NAME", summary, completion: .secretReferences, repeatable: true)
    }

    /// `-s`/`--scope` of the commands that edit servers, as `claude mcp` takes it: where in
    /// Claude Code the server goes (its `-s` is the scope, so claudesh's is too there).
    static let scope = Flag(
        "scope", short: "s", value: "local|project|user",
        "Claude Code's scope, as claude mcp takes it: local (this project's, in ~/.claude.json), project (./.mcp.json), user (~/.claude.json)",
        completion: .choices(["local", "project", "user"])
    )

    /// `--protocol`: the MCP era a probe speaks to every server it checks.
    static let protocolMode = Flag(
        "protocol", value: "auto|modern|legacy",
        "the MCP era to speak: auto finds it out (default, or the server's mcp protocol setting), modern is 2026-07-28, legacy the initialize handshake",
        completion: .choices(ProtocolMode.allCases.map { $0.rawValue })
    )

    /// `--config`: which client config an `mcp` command reads and writes.
    static let config = Flag(
        "config", value: "FILE|desktop|user|project|local[:PATH]",
        "the client config to use (default: the mcp-config setting)", completion: .configTargets
    )
}

extension Flag {
    /// What `mcp list`, `mcp check` and `health` take to mean every server Claude knows.
    static let inventory = [
        Flag("all", "every server Claude knows: Claude Code's scopes and plugins, Claude Desktop and its extensions"),
        Flag("scope", short: "s", value: "SCOPE", "only this scope: \(ServerScope.words.joined(separator: ", "))", completion: .choices(ServerScope.words)),
        Flag("client", value: "code|desktop", "only this client's servers", completion: .choices(ServerScope.clients)),
        Flag("project", value: "PATH", "the project the local and project scopes are of (default: the current folder)", completion: .codeProjects),
    ]
}

extension ParsedArguments {
    /// The part of the inventory `--all`, `--scope`, `--client` and `--project` mean; nil when
    /// none is given (the command means one config). With `--config` it is a usage error.
    func inventoryFilter() throws(ShellError) -> InventoryFilter? {
        guard has("all") || has("scope") || has("client") || has("project") else { return nil }
        guard !has("config") else {
            throw .usage("--config means one file; --all, --scope, --client and --project mean every server Claude knows: give one or the other")
        }
        if let scope = value("scope"), !ServerScope.words.contains(scope) {
            throw .usage("--scope takes \(ServerScope.words.joined(separator: ", ")), not '\(scope.clipped())'")
        }
        if let client = value("client"), !ServerScope.clients.contains(client) {
            throw .usage("--client takes code or desktop, not '\(client.clipped())'")
        }
        return InventoryFilter(scope: value("scope"), client: value("client"), project: value("project"))
    }

    /// The config a server command means: `--scope`'s (Claude Code's), else `--config`'s, else
    /// nil (the mcp-config setting). Both given is a usage error.
    func configWord() throws(ShellError) -> String? {
        guard let scope = value("scope") else { return value("config") }
        guard value("config") == nil else { throw .usage("--scope and --config both say where: give one") }
        guard ["local", "project", "user"].contains(scope) else {
            throw .usage("--scope takes local, project or user, not '\(scope.clipped())' (managed, plugin and extension servers are read-only)")
        }
        return scope
    }

    /// Every `--secret ENV=NAME`, parsed.
    func secretReferences() throws -> [SecretReference] {
        try values("secret").map { text throws in try SecretReference(parsing: text) }
    }

    /// `--protocol`'s era, when given.
    func protocolMode() throws(ShellError) -> ProtocolMode? {
        guard let text = value("protocol") else { return nil }
        guard let mode = ProtocolMode(word: text) else {
            throw .usage("--protocol takes auto, modern or legacy, not '\(text.clipped())'")
        }
        return mode
    }

    /// A flag's value in seconds: a number above 0 (fractions allowed).
    func seconds(_ flag: String) throws(ShellError) -> Duration? {
        guard let text = value(flag) else { return nil }
        guard let value = Double(text), value > 0, value <= 86_400 else {
            throw .usage("--\(flag) takes seconds, a number above 0 (e.g. 2.5), not '\(text.clipped())'")
        }
        return .milliseconds(Int((value * 1000).rounded()))
    }

    /// A flag's value as a whole number from `minimum` to 1000.
    func count(_ flag: String, minimum: Int) throws(ShellError) -> Int? {
        guard let text = value(flag) else { return nil }
        guard let value = Int(text), value >= minimum, value <= 1000 else {
            throw .usage("--\(flag) takes a whole number from \(minimum) to 1000, not '\(text.clipped())'")
        }
        return value
    }
}
