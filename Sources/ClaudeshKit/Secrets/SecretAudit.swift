/// A secret found in clear text in a file.
package struct AuditFinding: Sendable, Equatable {
    /// Where in the document it is, when that is somewhere `--fix` can rewrite.
    enum Place: Sendable, Equatable {
        /// `mcpServers.SERVER.env.KEY` of a client config, or of a project's entry in
        /// `~/.claude.json` (`projects.PROJECT.mcpServers.SERVER.env.KEY`).
        case serverEnvironment(server: String, key: String, project: String?)
        case elsewhere
    }

    package var file: String
    package var line: Int
    package var column: Int
    /// The key path (`mcpServers.github.env.GITHUB_TOKEN`) or variable name.
    package var key: String
    /// "GitHub token", "high-entropy value", ...
    package var kind: String
    var value: String
    var place: Place

    /// The value as it may be shown: a few characters of each end of the token in it.
    package var masked: String {
        let bytes = Array(value.utf8)
        if let match = TokenShapes.find(in: value).first, match.range != 0..<bytes.count {
            let before = String(decoding: bytes[..<match.range.lowerBound], as: UTF8.self)
            return before + ServerEntry.masked(String(decoding: bytes[match.range], as: UTF8.self))
        }
        // "Bearer TOKEN": the scheme stays readable.
        if let space = value.lastIndex(of: " "), value.distance(from: value.startIndex, to: space) < 16 {
            return String(value[...space]) + ServerEntry.masked(String(value[value.index(after: space)...]))
        }
        return ServerEntry.masked(value)
    }
}

/// Scans the places clear-text secrets end up: the client configs, the last-known-good copy,
/// the compose file, `.env` files under the home and the shell rc files.
package enum SecretAudit {
    package enum Format: Sendable, Equatable { case json, text }

    package struct Target: Sendable, Equatable {
        package var path: String
        package var format: Format
        /// A client config `--fix` may rewrite; the others (copies, read-only sources) are
        /// reported only.
        package var isClientConfig = false
    }

    /// The files to scan that exist.
    static func targets(context: SessionContext) -> [Target] {
        let environment = context.environment
        let home = environment.userHome
        var targets: [Target] = []
        var seen = Set<String>()
        func add(_ path: String, _ format: Format, clientConfig: Bool = false) {
            guard Path.kind(of: path) == .file, seen.insert(path).inserted else { return }
            targets.append(Target(path: path, format: format, isClientConfig: clientConfig))
        }
        // Every file of the inventory: the writable configs (each project's .mcp.json too),
        // then the read-only ones (managed, plugins, extensions' settings, which hold their
        // values in clear when the keychain was not used).
        let inventory = Workspace(context).inventory()
        var configs = [environment.desktopConfigPath, environment.userConfigPath, environment.projectConfigPath, context.settings.mcpConfig.path(in: environment)]
        configs += Workspace(context).codeProjects().map { Path.join($0, ".mcp.json") }
        for path in configs { add(path, .json, clientConfig: true) }
        for entry in inventory.entries where entry.isReadOnly { add(entry.file, .json) }
        let extensionSettings = Path.join(Path.directory(of: environment.desktopConfigPath), "Claude Extensions Settings")
        for entry in Directory.entries(of: extensionSettings) where entry.name.hasSuffix(".json") { add(Path.join(extensionSettings, entry.name), .json) }
        // The copies claudesh keeps of a config hold what the config held.
        for path in configs.flatMap(LastKnownGood.keptCopies(of:)) + [LastKnownGood(home: context.home).path, Workspace(context).parkedServers.path] {
            add(path, .json)
        }
        add(context.settings.composeFile, .text)
        for name in [".bashrc", ".bash_profile", ".profile", ".zshrc", ".zprofile", ".zshenv", ".config/fish/config.fish"] {
            add(Path.join(home, name), .text)
        }
        for path in dotEnvFiles(under: home) { add(path, .text) }
        return targets
    }

    /// `.env` and `.env.*` files under `root`, a few levels deep, skipping folders of tools
    /// (dependencies, caches, git data) where a user's own settings do not live.
    static func dotEnvFiles(under root: String, maxDepth: Int = 5, maxEntries: Int = 200_000) -> [String] {
        let skipped: Set<String> = ["node_modules", ".git", ".cache", ".npm", ".cargo", ".rustup", ".build", "Library", ".local", ".venv", "venv", "__pycache__", ".password-store", ".gnupg"]
        var found: [String] = []
        var visited = 0
        func walk(_ folder: String, depth: Int) {
            guard depth <= maxDepth else { return }
            for entry in Directory.entries(of: folder) {
                visited += 1
                guard visited < maxEntries else { return }
                if entry.isDirectory {
                    if !skipped.contains(entry.name) { walk(Path.join(folder, entry.name), depth: depth + 1) }
                } else if entry.name == ".env" || entry.name.hasPrefix(".env.") {
                    found.append(Path.join(folder, entry.name))
                }
            }
        }
        walk(root, depth: 0)
        return found.sorted()
    }

    /// The findings of one file; a file that cannot be read has none.
    package static func scan(_ target: Target) -> [AuditFinding] {
        guard let bytes = try? FileIO.read(target.path) else { return [] }
        if target.format == .json, let document = try? JSONParser.parse(bytes) {
            var findings = scanJSON(document, file: target.path, bytes: bytes)
            // `mcp disable` keeps the file it took an entry from, encoded: what it held is read too.
            if case .object(let configs) = document {
                for (_, servers) in configs {
                    guard case .object(let parked) = servers else { continue }
                    for (_, entry) in parked {
                        guard let copy = entry["file_before_base64"]?.stringValue.flatMap({ Base64.decode($0) }), let value = try? JSONParser.parse(copy) else { continue }
                        findings += scanJSON(value, file: target.path + " (a copy of a config kept by mcp disable)", bytes: copy)
                    }
                }
            }
            return findings
        }
        // Text, or JSON too broken to parse: a token in it is still a token.
        return scanText(String(decoding: bytes, as: UTF8.self), file: target.path)
    }

    // MARK: JSON

    static func scanJSON(_ document: JSONValue, file: String, bytes: [UInt8]) -> [AuditFinding] {
        var findings: [AuditFinding] = []
        func report(_ text: String, _ kind: String, _ path: [String]) {
            let (line, column) = position(of: text, key: path.last, in: bytes)
            var place = AuditFinding.Place.elsewhere
            if path.count == 4, path[0] == "mcpServers", path[2] == "env" { place = .serverEnvironment(server: path[1], key: path[3], project: nil) }
            if path.count == 6, path[0] == "projects", path[2] == "mcpServers", path[4] == "env" { place = .serverEnvironment(server: path[3], key: path[5], project: path[1]) }
            findings.append(AuditFinding(file: file, line: line, column: column, key: path.joined(separator: "."), kind: kind, value: text, place: place))
        }
        func visit(_ value: JSONValue, _ path: [String], place: SecretDetector.Place) {
            switch value {
            case .string(let text):
                if let kind = SecretDetector.classify(text, place: place) { report(text, kind, path) }
            case .array(let items):
                for (index, item) in items.enumerated() {
                    guard let text = item.stringValue else { visit(item, path + ["\(index)"], place: .other); continue }
                    // In args, `--api-key VALUE` and `--api-key=VALUE` name their value. (The args
                    // of a `claudesh exec` entry name secrets; `place` is .other for them.)
                    let previous = index > 0 ? items[index - 1].stringValue ?? "" : ""
                    var itemPlace = SecretDetector.Place.other
                    if place != .other, previous.hasPrefix("-"), SecretDetector.isTokenLikeKey(previous) { itemPlace = .tokenName }
                    if place != .other, text.hasPrefix("-"), let equals = text.firstIndex(of: "="), SecretDetector.isTokenLikeKey(String(text[..<equals])) {
                        let flagValue = String(text[text.index(after: equals)...])
                        if let kind = SecretDetector.classify(flagValue, place: .tokenName) { report(text, kind, path + ["\(index)"]) }
                        continue
                    }
                    visit(item, path + ["\(index)"], place: itemPlace)
                }
            case .object(let members):
                let holdsSettings = ["env", "headers", "environment"].contains(path.last ?? "")
                let wrapper = value["command"]?.stringValue.map { Path.lastComponent(of: $0) == "claudesh" } ?? false
                for (key, member) in members {
                    let memberPlace: SecretDetector.Place
                    if key == "args" {
                        memberPlace = wrapper ? .other : .setting
                    } else if SecretDetector.isTokenLikeKey(key) {
                        memberPlace = .tokenName
                    } else {
                        memberPlace = holdsSettings ? .setting : .other
                    }
                    visit(member, path + [key], place: memberPlace)
                }
            default:
                return
            }
        }
        visit(document, [], place: .other)
        return findings
    }

    /// The 1-based line and column of `value` as a JSON string in `bytes`: the occurrence that
    /// follows `"key":` when there is one (the same value may stand elsewhere), else the first.
    static func position(of value: String, key: String?, in bytes: [UInt8]) -> (Int, Int) {
        let pattern = Array(JSONValue.string(value).serialized().utf8)
        let keyPattern = key.map { Array(JSONValue.string($0).serialized().utf8) }
        var first: Int?
        for start in occurrences(of: pattern, in: bytes) {
            if first == nil { first = start }
            guard let keyPattern else { break }
            // Back over blanks, a colon, blanks: the key's closing quote must end there.
            var index = start - 1
            while index >= 0, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index -= 1 }
            guard index >= 0, bytes[index] == UInt8(ascii: ":") else { continue }
            index -= 1
            while index >= 0, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index -= 1 }
            let keyStart = index - keyPattern.count + 1
            if keyStart >= 0, bytes[keyStart...index].elementsEqual(keyPattern) { return lineAndColumn(start, in: bytes) }
        }
        return first.map { lineAndColumn($0, in: bytes) } ?? (1, 1)
    }

    static func occurrences(of pattern: [UInt8], in bytes: [UInt8]) -> [Int] {
        guard !pattern.isEmpty, bytes.count >= pattern.count else { return [] }
        return (0...(bytes.count - pattern.count)).filter { start in
            bytes[start] == pattern[0] && bytes[start..<(start + pattern.count)].elementsEqual(pattern)
        }
    }

    static func lineAndColumn(_ offset: Int, in bytes: [UInt8]) -> (Int, Int) {
        var line = 1
        var lineStart = 0
        for index in 0..<offset where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        return (line, offset - lineStart + 1)
    }

    // MARK: Text

    /// Shell rc files, `.env` files and YAML: token shapes anywhere, and random-looking values
    /// assigned to token-like names (`export API_KEY=...`, `API_KEY: ...`, `- API_KEY=...`).
    static func scanText(_ text: String, file: String) -> [AuditFinding] {
        var findings: [AuditFinding] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(rawLine)
            let assignment = Assignment(line)
            let matches = TokenShapes.find(in: line)
            let bytes = Array(line.utf8)
            for match in matches {
                let value = String(decoding: bytes[match.range], as: UTF8.self)
                findings.append(AuditFinding(file: file, line: index + 1, column: match.range.lowerBound + 1, key: assignment?.key ?? "line \(index + 1)", kind: match.kind, value: value, place: .elsewhere))
            }
            if matches.isEmpty, let assignment,
               SecretDetector.isTokenLikeKey(assignment.key) || SecretDetector.hasURLPassword(assignment.value),
               SecretDetector.classify(assignment.value, place: .tokenName) != nil {
                let column = (occurrences(of: Array(assignment.value.utf8), in: bytes).first ?? 0) + 1
                let kind = SecretDetector.classify(assignment.value, place: .tokenName) ?? "high-entropy value"
                findings.append(AuditFinding(file: file, line: index + 1, column: column, key: assignment.key, kind: kind, value: assignment.value, place: .elsewhere))
            }
        }
        return findings
    }

    /// `KEY=VALUE`, `export KEY=VALUE`, `KEY: VALUE`, `- KEY=VALUE`, `set -gx KEY VALUE`.
    struct Assignment {
        var key: String
        var value: String

        init?(_ line: String) {
            var rest = Substring(line.trimmingWhitespace)
            guard !rest.hasPrefix("#") else { return nil }
            for prefix in ["export ", "- ", "set -gx ", "set -x ", "setenv "] where rest.hasPrefix(prefix) {
                rest = rest.dropFirst(prefix.count).drop { $0 == " " }
            }
            guard let end = rest.firstIndex(where: { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") }), end != rest.startIndex else { return nil }
            key = String(rest[..<end])
            // `KEY=V`, `KEY = V`, `KEY: V`, and fish's `KEY V`.
            var value = rest[end...].drop { $0 == " " }
            if value.hasPrefix("=") || value.hasPrefix(":") {
                value = value.dropFirst().drop { $0 == " " }
            } else if rest[end...].first != " " {
                return nil
            }
            var text = String(value).trimmingWhitespace
            if let quote = text.first, quote == "\"" || quote == "'", text.count >= 2, let close = text.dropFirst().firstIndex(of: quote) {
                text = String(text[text.index(after: text.startIndex)..<close])
            } else if let comment = text.firstRange(of: " #") {
                text = String(text[..<comment.lowerBound])
            }
            self.value = text
        }
    }
}
