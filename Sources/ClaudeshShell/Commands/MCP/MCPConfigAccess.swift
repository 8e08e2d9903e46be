import ClaudeshKit

/// Which client config an `mcp` command reads and writes, and completion of server names.
enum MCPConfigAccess {
    static let configFlag = Flag(
        "config", value: "FILE|desktop|user|project",
        "the client config to use (default: the mcp-config setting)", completion: targetCompletion
    )

    static let targetCompletion = Completion.custom { input in
        MCPConfigTarget.names + PathCompletion.candidates(for: input.partial, environment: input.context.environment, directoriesOnly: false)
    }

    /// Server names of the config the line names with `--config`, else the session's.
    static let serverNames = Completion.custom { input in
        let chosen = input.flags["config"].map { target($0, context: input.context) } ?? input.context.settings.mcpConfig
        let path = chosen.path(in: input.context.environment)
        return ((try? ClientConfig(path: path))?.serverNames ?? []).filter { !input.positionals.contains($0) }
    }

    /// What `list` and `check` say of a config without servers.
    static func noServers(in config: ClientConfig) -> String {
        "No MCP servers in \(config.path). Add one: mcp add NAME -- COMMAND ARGS..."
    }

    /// `desktop`, `user`, `project`, or a file path.
    static func target(_ word: String, context: SessionContext) -> MCPConfigTarget {
        MCPConfigTarget(name: word) ?? .file(context.environment.absolutePath(word))
    }

    /// The config named by `flag` (`--config` by default), else the session's setting.
    @MainActor
    static func path(_ invocation: Invocation, flag: String = "config") -> String {
        let context = invocation.session.context
        let chosen = invocation.arguments.value(flag).map { target($0, context: context) } ?? context.settings.mcpConfig
        return chosen.path(in: context.environment)
    }

    @MainActor
    static func load(_ invocation: Invocation, flag: String = "config") throws -> ClientConfig {
        try ClientConfig(path: path(invocation, flag: flag))
    }

    /// Writes `config` and says `done` (then "in" or `preposition` and the file), or says what
    /// would be written under `--dry-run`.
    @MainActor
    static func save(_ config: ClientConfig, _ invocation: Invocation, done: String, preposition: String = "in") throws {
        if invocation.session.context.dryRun {
            invocation.output.line("\(done) \(preposition) \(config.path): not written (dry run)")
            return
        }
        try config.write()
        invocation.output.line("\(done) \(preposition) \(config.path)")
    }
}

