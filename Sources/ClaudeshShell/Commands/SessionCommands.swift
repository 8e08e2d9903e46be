import ClaudeshKit

/// set, unset, context: the session context.
enum SessionCommands {
    static let group = CommandGroup.session

    static var all: [Command] { [context, set, unset] }

    /// Setting names and the session's variable names.
    static let names = Completion.custom { input in
        Settings.Key.allCases.map { $0.rawValue } + input.context.variables.keys
    }

    /// A value fitting the setting named by the first argument.
    static let settingValue = Completion.custom { input in
        guard let name = input.positionals.first, let key = Settings.Key(rawValue: name) else { return [] }
        switch key.kind {
        case .file: return PathCompletion.candidates(for: input.partial, environment: input.context.environment, directoriesOnly: false)
        case .directory: return PathCompletion.candidates(for: input.partial, environment: input.context.environment, directoriesOnly: true)
        case .text: return []
        case .choice(let choices): return choices
        case .choiceOrFile(let choices):
            return choices + PathCompletion.candidates(for: input.partial, environment: input.context.environment, directoriesOnly: false)
        }
    }

    static let set = Command(
        "set", group: group, summary: "Set a setting or a session variable; without arguments, list the variables",
        discussion: """
        Settings: \(Settings.Key.allCases.map { $0.rawValue }.joined(separator: ", ")) ('context' shows them).
        Any other NAME (letters, digits, _) is a variable, used as ${NAME} or ${NAME:-default};
        a NAME a typo away from a setting is refused with the setting's name.
        Several VALUE words are joined with spaces.
        """,
        arguments: [
            Argument("NAME", "a setting or variable name", completion: names, optional: true),
            Argument("VALUE", "the value", completion: settingValue, optional: true, variadic: true),
        ],
        flags: [.json],
        examples: ["set backup-dir ~/backups/claude", "set output json", "set SERVER time", "mcp check ${SERVER}"]
    ) { invocation in
        let arguments = invocation.arguments.positionals
        let session = invocation.session
        guard let name = arguments.first else {
            let variables = session.context.variables.sorted { $0.key < $1.key }
            if invocation.wantsJSON {
                invocation.output.json(.object(variables.map { ($0.key, .string($0.value)) }))
            } else if !variables.isEmpty {
                invocation.output.line(Table(headers: [], rows: variables.map { [$0.key, $0.value] }, width: invocation.terminalWidth).render())
            }
            return .success
        }
        guard arguments.count >= 2 else {
            throw ShellError.usage("give a value: set \(name.clipped()) VALUE (use 'unset \(name.clipped())' to remove it)")
        }
        let value = arguments.dropFirst().joined(separator: " ")
        if let key = Settings.Key(rawValue: name) {
            try session.context.settings.set(key, to: value, environment: session.context.environment)
            if key == .color {
                session.output.usesColor = Output.colorWanted(session.context.settings.color, fd: 1, environment: session.context.environment)
            }
        } else if let setting = Settings.Key.mistyped(name) {
            throw ShellError.usage("unknown setting '\(name.clipped())': did you mean '\(setting.rawValue)'?")
        } else {
            guard SessionContext.isValidVariableName(name) else {
                throw ShellError.usage("'\(name.clipped())' is neither a setting nor a valid variable name (letters, digits, _)")
            }
            session.context.variables[name] = value
        }
        return .success
    }

    static let unset = Command(
        "unset", group: group, summary: "Remove a variable, or put a setting back to its default",
        arguments: [Argument("NAME", "a setting or variable name", completion: names)],
        examples: ["unset SERVER", "unset backup-dir"]
    ) { invocation in
        let name = invocation.arguments.positionals[0]
        let session = invocation.session
        if let key = Settings.Key(rawValue: name) {
            try session.context.settings.reset(key, environment: session.context.environment)
        } else {
            session.context.variables[name] = nil
        }
        return .success
    }

    static let context = Command(
        "context", group: group, summary: "Show the session: settings, variables, loaded secrets, compose file, backup folder",
        flags: [.json],
        examples: ["context", "context --json"]
    ) { invocation in
        let context = invocation.session.context
        let settings = context.settings
        if invocation.wantsJSON {
            invocation.output.json(json(of: context))
            return .success
        }
        let output = invocation.output
        output.line(output.styled("settings", .bold))
        let rows = Settings.Key.allCases.map { key -> [String] in
            var value = settings.value(of: key)
            switch key {
            case .gpgID where settings.gpgID == nil: value = "(not set)"
            case .composeFile where Path.kind(of: value) != .file: value += "  (no file yet)"
            case .backupDir where Path.kind(of: value) != .directory: value += "  (no folder yet)"
            case .mcpConfig: value += "  → " + settings.mcpConfig.path(in: context.environment)
            default: break
            }
            return [key.rawValue, value]
        }
        output.line(indent(Table(headers: [], rows: rows).render()))
        output.line(output.styled("variables", .bold))
        let variables = context.variables.sorted { $0.key < $1.key }
        output.line(variables.isEmpty ? "  (none)" : indent(Table(headers: [], rows: variables.map { [$0.key, $0.value] }).render()))
        output.line(output.styled("session", .bold))
        output.line(indent(Table(headers: [], rows: [
            ["secrets loaded", String(context.vault.count)],
            ["dry-run", context.dryRun ? "on" : "off"],
            ["assume yes", context.assumeYes ? "on" : "off"],
            ["last status", String(context.lastStatus)],
        ]).render()))
        return .success
    }

    /// The `context --json` shape (documented in the README).
    static func json(of context: SessionContext) -> JSONValue {
        let settings = context.settings
        return .object([
            ("settings", .object(Settings.Key.allCases.map { key in
                key == .gpgID && settings.gpgID == nil ? (key.rawValue, .null) : (key.rawValue, .string(settings.value(of: key)))
            })),
            ("mcp_config_path", .string(settings.mcpConfig.path(in: context.environment))),
            ("compose_file_exists", .bool(Path.kind(of: settings.composeFile) == .file)),
            ("backup_dir_exists", .bool(Path.kind(of: settings.backupDir) == .directory)),
            ("variables", .object(context.variables.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
            ("secrets_loaded", .int(context.vault.count)),
            ("dry_run", .bool(context.dryRun)),
            ("assume_yes", .bool(context.assumeYes)),
            ("last_status", .int(Int(context.lastStatus))),
        ])
    }

    private static func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
    }
}
