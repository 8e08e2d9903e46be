/// The checks of each section of the health report, from what the other parts of the kit find.
package enum HealthChecks {
    typealias Check = HealthReport.Check

    /// One check per probed server: its latency, tools and their context weight, or why it
    /// failed; a warning when its tools changed since pinned or weigh too much.
    static func servers(_ results: [ProbeResult]) -> [Check] {
        results.map { result in
            if result.needsAuthorization { return Check(.servers, result.server, .warning, result.reason ?? "needs authorization", latency: result.latencyMilliseconds) }
            guard result.passed else { return Check(.servers, result.server, .failed, result.reason ?? "failed", latency: result.latencyMilliseconds) }
            let tools = result.toolCount.map { "\($0) tool\($0 == 1 ? "" : "s")" + (result.surface.map { " (~\($0.contextTokens) tokens)" } ?? "") }
            let era = result.era.map { era in [era.rawValue, result.protocolVersion].compactMap { $0 }.joined(separator: " ") }
            // A warning first: the box clips what does not fit.
            let detail = (result.warnings + [Self.milliseconds(result.latencyMilliseconds), tools, era].compactMap { $0 }).joined(separator: ", ")
            return Check(.servers, result.server, result.warnings.isEmpty ? .ok : .warning, detail, latency: result.latencyMilliseconds)
        }
    }

    /// One check per server whose canary ran: the tool, its latency, or why it failed.
    static func canaries(_ results: [ProbeResult]) -> [Check] {
        results.compactMap { result in
            guard let canary = result.canary else { return nil }
            guard canary.passed else {
                return Check(.canaries, result.server, .failed, "\(canary.tool) failed: \(canary.reason ?? "")", latency: canary.latencyMilliseconds)
            }
            return Check(.canaries, result.server, .ok, "\(canary.tool) ok, \(Self.milliseconds(canary.latencyMilliseconds))", latency: canary.latencyMilliseconds)
        }
    }

    /// One check per service of the compose file.
    static func containers(_ services: [ServiceHealth]) -> [Check] {
        services.map { entry in
            if let problem = entry.problem { return Check(.containers, entry.service, .failed, problem) }
            let states = entry.containers.map { container in container.health.map { "running, \($0)" } ?? "running" }
            return Check(.containers, entry.service, .ok, Array(Set(states)).sorted().joined(separator: "; "))
        }
    }

    /// The store: initialised, how many secrets, and its git state. No store is a failure only
    /// when `serversWithSecrets` start with secrets from it; else it is a part not set up.
    static func store(_ store: PasswordStore, serversWithSecrets: [String]) async -> [Check] {
        let name = "store"
        guard store.exists else {
            guard serversWithSecrets.isEmpty else {
                return [Check(.store, name, .failed, "no store at \(store.directory), and \(serversWithSecrets.joined(separator: ", ")) take secrets from it: secrets init KEY makes one")]
            }
            return [Check(.store, name, .off, "not set up (no server takes secrets from it): secrets init KEY makes one at \(store.directory)")]
        }
        guard store.isInitialized else { return [Check(.store, name, .failed, "no .gpg-id in \(store.directory): secrets init KEY")] }
        let count = store.names().count
        let secrets = "\(count) secret\(count == 1 ? "" : "s") in \(store.directory)"
        guard store.hasGit else { return [Check(.store, name, .warning, "\(secrets); no git history: secrets init KEY adds it")] }
        guard let result = try? await store.git(["status", "--porcelain", "--branch"]), result.termination.isSuccess else {
            return [Check(.store, name, .warning, "\(secrets); git status failed: see secrets git status")]
        }
        let git = StoreGitState(porcelain: String(decoding: result.output, as: UTF8.self))
        return [Check(.store, name, git.isClean ? .ok : .warning, "\(secrets); git: \(git.summary)")]
    }

    /// A usable secret key (and how long it lasts), and whether the agent answers. No key (or
    /// no gpg) is a failure only when something needs one (`neededBy` says what); else GnuPG is
    /// a part not set up, and its agent is of no concern.
    static func gnupg(_ gnupg: GnuPG, now: Int, neededBy: String?) async -> [Check] {
        async let agent = gnupg.agentIsRunning()
        let key: Check
        do {
            let keys = try await gnupg.secretKeys().filter { $0.isUsable }
            if let newest = keys.max(by: { ($0.expires ?? Int.max) < ($1.expires ?? Int.max) }) {
                let described = "\(newest.keyID.isEmpty ? newest.fingerprint : newest.keyID) \(newest.primaryUserID)"
                if let expires = newest.expires, expires - now < 30 * 86_400 {
                    key = Check(.gnupg, "key", .warning, "\(described); expires in \(Timestamp.age(seconds: max(expires - now, 0))): gpg --quick-set-expire")
                } else {
                    key = Check(.gnupg, "key", .ok, described + (newest.expires == nil ? "; never expires" : ""))
                }
            } else if let neededBy {
                key = Check(.gnupg, "key", .failed, "no usable secret key, and \(neededBy): gpg keygen NAME EMAIL")
            } else {
                return await notSetUp("no secret key, and nothing here needs one yet: gpg keygen NAME EMAIL", agent: agent)
            }
        } catch {
            guard neededBy != nil else { return await notSetUp("\(error)", agent: agent) }
            key = Check(.gnupg, "key", .failed, "\(error)")
        }
        return [key, await agent ? Check(.gnupg, "agent", .ok, "running") : Check(.gnupg, "agent", .warning, "not running: gpg starts it when a key is needed")]
    }

    /// GnuPG as a part not set up: shown, failing nothing; `agent` is awaited, not reported.
    private static func notSetUp(_ why: String, agent: Bool) -> [Check] {
        [Check(.gnupg, "key", .off, "not set up: " + why), Check(.gnupg, "agent", .off, "not needed without a key")]
    }

    /// The newest backup: its age and its last verify. None, or one older than two days, is a
    /// warning; one whose last verify found it damaged is a failure.
    static func backups(folder: String, now: Int) -> [Check] {
        guard let newest = BackupArchive.names(in: folder).last else {
            return [Check(.backups, "newest", .warning, "no backups in \(folder): backup create")]
        }
        let age = BackupArchive.time(of: newest).map { now - $0 }
        let ageText = age.map { "\(Timestamp.age(seconds: max($0, 0))) old" } ?? "age unknown"
        let record = BackupIndex(folder: folder)[newest]
        let verified: String
        var state = HealthReport.State.ok
        switch record?.verifiedWhole {
        case true?: verified = "verified whole \(Timestamp.age(seconds: max(now - (record?.verifiedAt ?? now), 0))) ago"
        case false?:
            verified = "DAMAGED at its last verify: backup create, then backup verify"
            state = .failed
        case nil: verified = "not verified yet: backup verify"
        }
        if state == .ok, let age, age > 2 * 86_400 { state = .warning }
        return [Check(.backups, "newest", state, "\(newest), \(ageText), \(verified)")]
    }

    /// "4.2 ms", "130 ms".
    package static func milliseconds(_ value: Double) -> String {
        value < 10 ? "\((value * 10).rounded() / 10) ms" : "\(Int(value.rounded())) ms"
    }
}

/// What `git status --porcelain --branch` says of the store: changes not committed, commits not
/// pushed or not pulled.
struct StoreGitState: Sendable, Equatable {
    var changes = 0
    var ahead = 0
    var behind = 0
    var hasUpstream = false

    init(porcelain text: String) {
        for line in text.split(separator: "\n") {
            guard line.hasPrefix("## ") else {
                changes += 1
                continue
            }
            hasUpstream = line.contains("...")
            if let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]"), open < close {
                for part in line[line.index(after: open)..<close].split(separator: ",") {
                    let words = part.split(separator: " ")
                    guard words.count == 2, let count = Int(words[1]) else { continue }
                    if words[0] == "ahead" { ahead = count } else if words[0] == "behind" { behind = count }
                }
            }
        }
    }

    var isClean: Bool { changes == 0 && ahead == 0 && behind == 0 }

    var summary: String {
        var parts: [String] = []
        if changes > 0 { parts.append("\(changes) change\(changes == 1 ? "" : "s") not committed") }
        if ahead > 0 { parts.append("\(ahead) commit\(ahead == 1 ? "" : "s") not pushed: secrets git push") }
        if behind > 0 { parts.append("\(behind) commit\(behind == 1 ? "" : "s") not pulled: secrets git pull") }
        if parts.isEmpty { parts.append(hasUpstream ? "clean, in step with its remote" : "clean (no remote)") }
        return parts.joined(separator: "; ")
    }
}
