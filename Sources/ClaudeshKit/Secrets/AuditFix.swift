/// `secrets audit --fix`: each clear-text value in a stdio server's env moves into the store,
/// and the entry starts the server through `claudesh exec --secret` instead.
package struct AuditFix: Sendable {
    package struct Move: Sendable, Equatable {
        package var file: String
        /// The project of a local-scope server (its entry in `~/.claude.json`).
        package var project: String?
        package var server: String
        package var variable: String
        var value: String
        /// The store name it goes to: `claude/SERVER/VARIABLE`.
        package var secret: String
    }

    package var moves: [Move]
    /// What cannot be rewritten automatically (headers, args, rc files...): fixed by hand.
    package var manual: [AuditFinding]

    /// Splits findings into moves and the rest. Only files that are client configs hold moves.
    package init(findings: [AuditFinding], clientConfigs: Set<String>) {
        moves = []
        manual = []
        for finding in findings {
            if case .serverEnvironment(let server, let key, let project) = finding.place, clientConfigs.contains(finding.file) {
                moves.append(Move(file: finding.file, project: project, server: server, variable: key, value: finding.value, secret: Self.secretName(server: server, variable: key)))
            } else {
                manual.append(finding)
            }
        }
    }

    /// A store name for a server's variable, made of the characters pass names may hold.
    static func secretName(server: String, variable: String) -> String {
        func clean(_ text: String) -> String {
            let kept = text.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" }
            let trimmed = String(kept).drop { $0 == "-" || $0 == "." }
            return trimmed.isEmpty ? "server" : String(trimmed)
        }
        return "claude/\(clean(server))/\(clean(variable))"
    }

    /// Inserts the values, then rewrites each file once, atomically. A value already in the
    /// store under its name is reused; a different one there gets a new name (`-2`...).
    /// Returns the files written.
    func apply(store: PasswordStore, executable: String, pinned: [(String, String)]) async throws -> [String] {
        var named: [Move] = []
        for var move in moves {
            var suffix = 1
            while store.contains(move.secret) {
                if try await store.value(of: move.secret) == move.value { break }
                suffix += 1
                move.secret = Self.secretName(server: move.server, variable: move.variable) + "-\(suffix)"
            }
            if !store.contains(move.secret) {
                try await store.insert(move.secret, value: Array(move.value.utf8), force: false)
            }
            named.append(move)
        }
        var written: [String] = []
        for location in Set(named.map { ConfigLocation(path: $0.file, project: $0.project) }).sorted(by: { $0.key < $1.key }) {
            let file = location.path
            let movesHere = named.filter { $0.file == file && $0.project == location.project }
            let edit = try ClientConfig.edit(location, writing: true) { config in
                for server in Set(movesHere.map { $0.server }).sorted() {
                    guard let entry = config.entry(named: server) else { continue }
                    let references = movesHere.filter { $0.server == server }.map { SecretReference(variable: $0.variable, name: $0.secret) }
                    config.setEntry(server, try SecretWrapper.wrap(entry, secrets: references, executable: executable, pinned: pinned))
                }
            }
            if edit.written && !written.contains(file) { written.append(file) }
        }
        return written
    }
}
