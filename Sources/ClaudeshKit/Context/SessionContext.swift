/// The state one session carries from command to command: settings, variables, loaded secrets,
/// global flags and the last status. The shell owns it and hands it to every command.
public struct SessionContext: Sendable {
    public var settings: Settings
    public var variables: [String: String] = [:]
    public var vault = SecretVault()
    public var environment: Environment
    /// `--dry-run`: commands that change things say what they would do instead.
    public var dryRun = false
    /// `--yes`: confirmations pass without asking.
    public var assumeYes = false
    public var lastStatus: Int32 = 0

    public init(environment: Environment, home: String? = nil) {
        self.environment = environment
        settings = Settings(home: home.map(environment.absolutePath) ?? environment.defaultClaudeshHome, environment: environment)
    }

    public var home: String { settings.home }
    public var historyPath: String { Path.join(home, "history") }
    public var rcPath: String { Path.join(home, "claudeshrc") }

    /// A session variable, else an environment variable.
    public func lookup(_ name: String) -> String? {
        variables[name] ?? environment.variables[name]
    }

    /// Letters, digits and underscores, not starting with a digit.
    public static func isValidVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.isASCIILetter else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || $0.isASCIILetter || ("0"..."9").contains($0) }
    }
}

extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
