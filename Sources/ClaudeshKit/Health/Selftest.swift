/// `selftest`: the integration checks of the classic setup, one line each.
package struct SelftestCheck: Sendable, Equatable {
    package var name: String
    /// nil: nothing to check here (no compose file, no servers).
    package var passed: Bool?
    package var detail: String
}

extension Workspace {
    /// Servers connect, the store decrypts, containers run, a backup is made and verifies. The
    /// backup is made of the real backup set into a private temporary folder, verified there,
    /// and removed: the backup folder is not touched.
    package func selftest() async -> [SelftestCheck] {
        async let servers = serversConnect()
        async let store = storeDecrypts()
        async let containers = containersRun()
        return [await servers, await store, await containers, await backupVerifies()]
    }

    func serversConnect() async -> SelftestCheck {
        let name = "MCP servers connect"
        do {
            let config = try config()
            // No servers is nothing to check, as no compose file is.
            guard let results = await probeAll(of: config, options: ProbeOptions()) else {
                return SelftestCheck(name: name, passed: nil, detail: "no servers in \(config.path): mcp add NAME -- COMMAND")
            }
            let failed = results.filter { $0.isDown }
            guard failed.isEmpty else { return SelftestCheck(name: name, passed: false, detail: failed.map { "\($0.server): \($0.reason ?? "failed")" }.joined(separator: "; ")) }
            return SelftestCheck(name: name, passed: true, detail: "\(results.count) of \(results.count) passed the handshake")
        } catch {
            return SelftestCheck(name: name, passed: false, detail: "\(error)")
        }
    }

    func storeDecrypts() async -> SelftestCheck {
        let name = "pass store readable"
        let store = self.store
        do {
            try store.requireInitialized()
            let names = store.names()
            guard let first = names.first(where: { $0.hasPrefix("claude/") }) ?? names.first else {
                return SelftestCheck(name: name, passed: true, detail: "initialised, no secrets yet to decrypt")
            }
            _ = try await store.value(of: first)
            return SelftestCheck(name: name, passed: true, detail: "\(names.count) secret\(names.count == 1 ? "" : "s"); \(first) decrypts")
        } catch {
            return SelftestCheck(name: name, passed: false, detail: "\(error)")
        }
    }

    func containersRun() async -> SelftestCheck {
        let checks = await containerChecks()
        let name = "containers running"
        if checks.allSatisfy({ $0.state == .off }) { return SelftestCheck(name: name, passed: nil, detail: checks.first?.detail ?? "no compose file") }
        let failed = checks.filter { $0.state == .failed }
        guard failed.isEmpty else { return SelftestCheck(name: name, passed: false, detail: failed.map { "\($0.name): \($0.detail)" }.joined(separator: "; ")) }
        return SelftestCheck(name: name, passed: true, detail: "\(checks.count) service\(checks.count == 1 ? "" : "s") up")
    }

    func backupVerifies() async -> SelftestCheck {
        let name = "backup made and verified"
        do {
            let scratch = try PrivateFolder(prefix: "claudesh-selftest.")
            defer { scratch.remove() }
            let created = try await createBackup(into: scratch.path, recipients: { try backupRecipients() })
            let verified = try await BackupArchive.verify(created.path, environment: toolEnvironment.variables)
            guard verified.isWhole else { return SelftestCheck(name: name, passed: false, detail: verified.problems.prefix(3).joined(separator: "; ")) }
            return SelftestCheck(name: name, passed: true, detail: "\(created.members) members, \(Units.size(created.bytes)), whole")
        } catch {
            return SelftestCheck(name: name, passed: false, detail: "\(error)")
        }
    }
}
