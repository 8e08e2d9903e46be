/// The state one session carries from command to command: settings, variables, loaded secrets,
/// global flags and the last status. The shell owns it and hands it to every command.
package struct SessionContext: Sendable {
    package var settings: Settings
    package var variables: [String: String] = [:]
    /// The session's loaded secrets, shared by every copy of this context.
    package let vault = SecretVault()
    /// The servers connected for this session and what they offer, shared like the vault.
    package let clients = ClientSessions()
    /// The session's one redactor, over `vault`: what leaves the process passes it.
    package let redactor: Redactor
    package var environment: Environment
    /// `--dry-run`: commands that change things say what they would do instead.
    package var dryRun = false
    /// `--yes`: confirmations pass without asking.
    package var assumeYes = false
    package var lastStatus: Int32 = 0

    package init(environment: Environment, home: String? = nil) {
        self.environment = environment
        redactor = Redactor(vault: vault)
        settings = Settings(home: home.map(environment.absolutePath) ?? environment.defaultClaudeshHome, environment: environment)
    }

    package var home: String { settings.home }
    package var historyPath: String { Path.join(home, "history") }
    package var rcPath: String { Path.join(home, "claudeshrc") }

    /// A session variable, else an environment variable.
    package func lookup(_ name: String) -> String? {
        variables[name] ?? environment.variables[name]
    }

    /// Letters, digits and underscores, not starting with a digit.
    package static func isValidVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.isASCIILetter else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || $0.isASCIILetter || ("0"..."9").contains($0) }
    }
}

extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
