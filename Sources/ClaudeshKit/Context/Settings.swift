/// The typed, validated settings of a session (`set KEY VALUE`, `context`).
package struct Settings: Sendable, Equatable {
    package enum Key: String, CaseIterable, Sendable {
        case home
        case composeFile = "compose-file"
        case backupDir = "backup-dir"
        case gpgID = "gpg-id"
        case mcpConfig = "mcp-config"
        case output
        case color
        case historyDays = "history-days"
        case mcpContextWarn = "mcp-context-warn"
        case mcpResultLimit = "mcp-result-limit"
        case backupInclude = "backup-include"
        case backupExclude = "backup-exclude"
        case alert
        case alertEmail = "alert-email"
        case smtpHost = "smtp-host"
        case smtpPort = "smtp-port"
        case smtpStartTLS = "smtp-starttls"
        case smtpFrom = "smtp-from"
        case smtpUser = "smtp-user"
        case smtpPassword = "smtp-password"

        var summary: String {
            switch self {
            case .home: return "the claudesh home (history, rc file, logs); fixed at start"
            case .composeFile: return "the compose file of containerised servers"
            case .backupDir: return "the folder that holds encrypted backups"
            case .gpgID: return "the GnuPG key that backups and secrets are encrypted to"
            case .mcpConfig: return "the client config that mcp commands use: desktop, user, project or a file"
            case .output: return "how commands report data: table or json"
            case .color: return "colour in output: auto (on a terminal, unless NO_COLOR), always or never"
            case .historyDays: return "days of health history kept (older probes are deleted as new ones are recorded)"
            case .mcpContextWarn: return "tokens of tool descriptions a server may put in a model's context before mcp check and health warn"
            case .mcpResultLimit: return "MiB of one answer mcp call, read, prompt and their kin read from a server; a longer one is refused"
            case .backupInclude: return "more files and folders for backups, comma-separated (backup create --dry-run lists the set)"
            case .backupExclude: return "files and folders left out of backups, comma-separated"
            case .alert: return "a command a failed scheduled job is reported to, the report on stdin (run by /bin/sh)"
            case .alertEmail: return "the address a failed scheduled job is emailed to (over smtp-host)"
            case .smtpHost: return "the SMTP server alerts are sent through"
            case .smtpPort: return "its port (587: submission)"
            case .smtpStartTLS: return "yes: STARTTLS before anything is sent; no: plain SMTP (a relay on this machine)"
            case .smtpFrom: return "the sender of alert emails (default: alert-email)"
            case .smtpUser: return "the SMTP login, if the server wants one"
            case .smtpPassword: return "the pass entry that holds the SMTP password, decrypted when an alert is sent"
            }
        }

        /// The setting that `name` is a typo of, if it is near one without being one: such a
        /// name must not become a variable, or `set colr never` would quietly change nothing.
        package static func mistyped(_ name: String) -> Key? {
            guard Key(rawValue: name) == nil else { return nil }
            return Suggestions.closest(to: name, among: allCases.map { $0.rawValue }).flatMap(Key.init(rawValue:))
        }

        /// What a value of this key is, for validation and completion.
        package var kind: Kind {
            switch self {
            case .home, .composeFile: return .file
            case .backupDir: return .directory
            case .gpgID: return .text
            case .mcpConfig: return .choiceOrFile(MCPConfigTarget.names)
            case .output: return .choice(OutputFormat.allCases.map({ $0.rawValue }))
            case .color: return .choice(ColorMode.allCases.map({ $0.rawValue }))
            case .historyDays, .mcpContextWarn, .mcpResultLimit: return .text
            case .backupInclude, .backupExclude: return .file
            case .smtpStartTLS: return .choice(["yes", "no"])
            case .alert, .alertEmail, .smtpHost, .smtpPort, .smtpFrom, .smtpUser, .smtpPassword: return .text
            }
        }
    }

    package enum Kind: Sendable, Equatable {
        case file, directory, text
        case choice([String])
        case choiceOrFile([String])
    }

    package enum Error: Swift.Error, CustomStringConvertible, Sendable, Equatable {
        case unknownKey(String)
        case fixedAtStart(Key)
        case invalid(Key, String, reason: String)

        package var description: String {
            switch self {
            case .unknownKey(let key):
                return "unknown setting '\(key)' (settings: \(Key.allCases.map { $0.rawValue }.joined(separator: ", ")))"
            case .fixedAtStart(let key):
                return "\(key.rawValue) is fixed when claudesh starts: use 'claudesh --home DIR' or CLAUDESH_HOME"
            case .invalid(let key, let value, let reason):
                let shown = value.count > 60 ? String(value.prefix(60)) + "…" : value
                return "\(key.rawValue): '\(shown)' \(reason)"
            }
        }
    }

    private(set) var home: String
    package var composeFile: String
    package var backupDir: String
    package var gpgID: String?
    package var mcpConfig: MCPConfigTarget
    package var output: OutputFormat
    package var color: ColorMode
    var historyDays: Int
    /// Context weight (tokens of a server's tools) over which a check warns.
    package var mcpContextWarn: Int
    /// The longest answer a client command reads from a server, in MiB.
    package var mcpResultLimit: Int
    /// Paths added to the backup set, absolute.
    package var backupInclude: [String]
    /// Paths left out of the backup set, absolute.
    package var backupExclude: [String]
    var alert = AlertSettings()

    /// The defaults for a home folder and environment.
    init(home: String, environment: Environment) {
        self.home = home
        composeFile = Path.join(home, "docker/docker-compose.yml")
        backupDir = Path.join(environment.userHome, "backups/claude")
        gpgID = nil
        mcpConfig = .desktop
        output = .table
        color = .auto
        historyDays = 30
        mcpContextWarn = 10_000
        mcpResultLimit = 16
        backupInclude = []
        backupExclude = []
    }

    /// The value as `context` shows it and `set` accepts it back.
    package func value(of key: Key) -> String {
        switch key {
        case .home: return home
        case .composeFile: return composeFile
        case .backupDir: return backupDir
        case .gpgID: return gpgID ?? ""
        case .mcpConfig: return mcpConfig.description
        case .output: return output.rawValue
        case .color: return color.rawValue
        case .historyDays: return String(historyDays)
        case .mcpContextWarn: return String(mcpContextWarn)
        case .mcpResultLimit: return String(mcpResultLimit)
        case .backupInclude: return backupInclude.joined(separator: ",")
        case .backupExclude: return backupExclude.joined(separator: ",")
        case .alert, .alertEmail, .smtpHost, .smtpPort, .smtpStartTLS, .smtpFrom, .smtpUser, .smtpPassword: return alert.value(of: key)
        }
    }

    /// Sets `key` from text, validated; paths are expanded against `environment`.
    package mutating func set(_ key: Key, to raw: String, environment: Environment) throws(Error) {
        switch key {
        case .home:
            throw .fixedAtStart(.home)
        case .composeFile:
            composeFile = try Self.path(key, raw, environment: environment, mustNotBe: .directory, "is a folder: give the compose file's path")
        case .backupDir:
            backupDir = try Self.path(key, raw, environment: environment, mustNotBe: .file, "is a file: give a folder")
        case .gpgID:
            let trimmed = raw.trimmingWhitespace
            guard !trimmed.isEmpty else { throw .invalid(key, raw, reason: "is empty: give a key id, fingerprint or email (or 'unset gpg-id')") }
            guard !trimmed.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                throw .invalid(key, raw, reason: "contains control characters")
            }
            gpgID = trimmed
        case .mcpConfig:
            if let target = MCPConfigTarget(name: raw) {
                mcpConfig = target
            } else {
                mcpConfig = .file(try Self.path(key, raw, environment: environment, mustNotBe: .directory, "is a folder: give desktop, user, project or a JSON file"))
            }
        case .output:
            guard let format = OutputFormat(rawValue: raw) else { throw .invalid(key, raw, reason: "is not table or json") }
            output = format
        case .color:
            guard let mode = ColorMode(rawValue: raw) else { throw .invalid(key, raw, reason: "is not auto, always or never") }
            color = mode
        case .historyDays:
            guard let days = Int(raw.trimmingWhitespace), (1...3650).contains(days) else { throw .invalid(key, raw, reason: "is not a number of days from 1 to 3650") }
            historyDays = days
        case .mcpContextWarn:
            guard let tokens = Int(raw.trimmingWhitespace), (1...100_000_000).contains(tokens) else { throw .invalid(key, raw, reason: "is not a number of tokens from 1 to 100000000") }
            mcpContextWarn = tokens
        case .mcpResultLimit:
            guard let mebibytes = Int(raw.trimmingWhitespace), (1...1024).contains(mebibytes) else { throw .invalid(key, raw, reason: "is not a number of MiB from 1 to 1024") }
            mcpResultLimit = mebibytes
        case .backupInclude:
            backupInclude = try Self.paths(key, raw, environment: environment)
        case .backupExclude:
            backupExclude = try Self.paths(key, raw, environment: environment)
        case .alert, .alertEmail, .smtpHost, .smtpPort, .smtpStartTLS, .smtpFrom, .smtpUser, .smtpPassword:
            try alert.set(key, to: raw)
        }
    }

    /// Puts `key` back to its default.
    package mutating func reset(_ key: Key, environment: Environment) throws(Error) {
        guard key != .home else { throw .fixedAtStart(.home) }
        let defaults = Settings(home: home, environment: environment)
        switch key {
        case .home: break
        case .composeFile: composeFile = defaults.composeFile
        case .backupDir: backupDir = defaults.backupDir
        case .gpgID: gpgID = nil
        case .mcpConfig: mcpConfig = defaults.mcpConfig
        case .output: output = defaults.output
        case .color: color = defaults.color
        case .historyDays: historyDays = defaults.historyDays
        case .mcpContextWarn: mcpContextWarn = defaults.mcpContextWarn
        case .mcpResultLimit: mcpResultLimit = defaults.mcpResultLimit
        case .backupInclude: backupInclude = defaults.backupInclude
        case .backupExclude: backupExclude = defaults.backupExclude
        case .alert, .alertEmail, .smtpHost, .smtpPort, .smtpStartTLS, .smtpFrom, .smtpUser, .smtpPassword: alert.reset(key)
        }
    }

    /// Comma-separated paths, each expanded and made absolute; `/` and the home itself refused
    /// (all of it is never a backup's business).
    private static func paths(_ key: Key, _ raw: String, environment: Environment) throws(Error) -> [String] {
        var result: [String] = []
        for part in raw.split(separator: ",", omittingEmptySubsequences: false).map({ String($0).trimmingWhitespace }) {
            guard !part.isEmpty else { throw .invalid(key, raw, reason: "has an empty path: give paths separated by commas (or 'unset \(key.rawValue)')") }
            guard !part.contains("\0") else { throw .invalid(key, raw, reason: "contains a NUL byte") }
            let path = environment.absolutePath(part)
            guard path != "/", path != environment.userHome else { throw .invalid(key, raw, reason: "names \(path): give the files or folders themselves") }
            if !result.contains(path) { result.append(path) }
        }
        return result
    }

    private static func path(_ key: Key, _ raw: String, environment: Environment, mustNotBe wrong: Path.Kind, _ reason: String) throws(Error) -> String {
        guard !raw.trimmingWhitespace.isEmpty else { throw .invalid(key, raw, reason: "is empty: give a path") }
        guard !raw.contains("\0") else { throw .invalid(key, raw, reason: "contains a NUL byte") }
        let path = environment.absolutePath(raw)
        if Path.kind(of: path) == wrong { throw .invalid(key, raw, reason: reason) }
        return path
    }
}

/// Which client config file the mcp commands read and write.
package enum MCPConfigTarget: Sendable, Equatable, CustomStringConvertible {
    case desktop, user, project
    /// Claude Code's local scope: a project's servers in `~/.claude.json`, the current
    /// folder's when nil (`local`), else the one named (`local:/abs/path`).
    case local(String?)
    case file(String)

    package static let names = ["desktop", "user", "project", "local"]

    init?(name: String) {
        switch name {
        case "desktop": self = .desktop
        case "user": self = .user
        case "project": self = .project
        case "local": self = .local(nil)
        default:
            guard name.hasPrefix("local:"), name.count > 6 else { return nil }
            self = .local(String(name.dropFirst(6)))
        }
    }

    package var description: String {
        switch self {
        case .desktop: return "desktop"
        case .user: return "user"
        case .project: return "project"
        case .local(let project): return project.map { "local:\($0)" } ?? "local"
        case .file(let path): return path
        }
    }

    /// The file this target means in `environment`.
    package func path(in environment: Environment) -> String { location(in: environment).path }

    /// Where this target's servers are in `environment`.
    package func location(in environment: Environment) -> ConfigLocation {
        switch self {
        case .desktop: return ConfigLocation(path: environment.desktopConfigPath)
        case .user: return ConfigLocation(path: environment.userConfigPath)
        case .project: return ConfigLocation(path: environment.projectConfigPath)
        case .local(let project):
            // Claude Code keys a project by its absolute path, as the folder it was started in.
            return ConfigLocation(path: environment.userConfigPath, project: environment.absolutePath(project ?? environment.currentDirectory))
        case .file(let path): return ConfigLocation(path: path)
        }
    }
}

package enum OutputFormat: String, CaseIterable, Sendable { case table, json }

package enum ColorMode: String, CaseIterable, Sendable { case auto, always, never }

extension String {
    /// The text cut to `limit` characters for quoting in a message (a 1 MB word stays readable).
    package func clipped(_ limit: Int = 60) -> String {
        count <= limit ? self : String(prefix(limit)) + "…"
    }

    /// Without leading and trailing spaces, tabs and newlines.
    package var trimmingWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }

    /// The first line that is not blank, trimmed.
    package var firstLine: String {
        split(whereSeparator: \.isNewline).lazy.map { String($0).trimmingWhitespace }.first { !$0.isEmpty } ?? ""
    }
}
