import Foundation

/// A real SMTP server on 127.0.0.1 (aiosmtpd from the test venv, Tests/Fixtures/smtp_server.py)
/// that keeps every message it takes in a maildir; with a login, AUTH is required.
final class SMTPFixture {
    let process = Process()
    let port: Int
    let maildir: String

    init(in folder: String, login: (user: String, password: String)? = nil) throws {
        port = try freePort()
        maildir = folder + "/maildir"
        process.executableURL = URL(fileURLWithPath: MCPFixtures.venv + "/bin/python")
        process.arguments = [MCPFixtures.repository + "/Tests/Fixtures/smtp_server.py", String(port), maildir] + (login.map { [$0.user] } ?? [])
        process.environment = ["SMTP_PASSWORD": login?.password ?? "", "PATH": "/usr/bin:/bin"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        if waitUntilListening(port, process, tries: 400) { return }
        stop()
        throw FixtureError(message: "aiosmtpd did not start on port \(port) (is it in \(MCPFixtures.venv)? scripts/test installs it)")
    }

    /// The messages received, oldest first.
    func messages() -> [String] {
        let folder = maildir + "/new"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        let paths = names.map { folder + "/" + $0 }
        let dated = paths.map { path in ((try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? Date.distantPast, path) }
        return dated.sorted { $0.0 < $1.0 }.compactMap { try? String(contentsOfFile: $0.1, encoding: .utf8) }
    }

    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
