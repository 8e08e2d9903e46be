import Foundation

/// The MCP servers the tests probe: the sh fixture, mcp-server-time and the Python SDK's HTTP
/// servers from the venv `scripts/test` builds (CLAUDESH_TEST_VENV).
enum MCPFixtures {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let stdioScript = repository + "/Tests/Fixtures/mcp_stdio_fixture.sh"
    static let httpScript = repository + "/Tests/Fixtures/mcp_http_server.py"
    static let misbehavingScript = repository + "/Tests/Fixtures/http_misbehaving.py"

    /// The venv with mcp-server-time and the `mcp` SDK; a missing one fails the test, never skips it.
    static var venv: String {
        ProcessInfo.processInfo.environment["CLAUDESH_TEST_VENV"] ?? repository + "/.build/test-venv"
    }

    static var timeServer: String { venv + "/bin/mcp-server-time" }

    /// A config file holding `servers` (name → entry JSON text).
    static func writeConfig(_ path: String, _ servers: [(String, String)], extra: String = "") {
        let body = servers.map { "    \"\($0.0)\": \($0.1)" }.joined(separator: ",\n")
        let text = "{\(extra)\n  \"mcpServers\": {\n\(body)\n  }\n}\n"
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    }

    static func stdio(_ mode: String, _ more: [String] = [], env: [String: String] = [:]) -> String {
        let args = ([mode] + more).map { "\"\($0)\"" }.joined(separator: ", ")
        let environment = env.isEmpty ? "" : ", \"env\": {" + env.map { "\"\($0.key)\": \"\($0.value)\"" }.joined(separator: ", ") + "}"
        return "{\"command\": \"\(stdioScript)\", \"args\": [\(args)]\(environment)}"
    }

    /// A remote entry: `type` http or sse, with headers.
    static func remote(_ url: String, type: String = "http", headers: [String: String] = [:]) -> String {
        let extra = headers.isEmpty ? "" : ", \"headers\": {" + headers.map { "\"\($0.key)\": \"\($0.value)\"" }.joined(separator: ", ") + "}"
        return "{\"type\": \"\(type)\", \"url\": \"\(url)\"\(extra)}"
    }

    /// The parsed `--json` output of a probe.
    static func servers(_ json: String) throws -> [String: [String: Any]] {
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        var byName: [String: [String: Any]] = [:]
        for server in object["servers"] as! [[String: Any]] { byName[server["name"] as! String] = server }
        return byName
    }

    /// Processes whose environment holds `marker`: what a probe must not leave behind.
    static func processes(marked marker: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
            guard String(decoding: data, as: UTF8.self).contains(marker) else { return false }
            // A zombie still lists its environment; it is gone once reaped, which is what counts.
            let status = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            return !status.contains(") Z ")
        }
    }
}

/// One of the Python SDK's HTTP servers on 127.0.0.1, stopped by `stop`.
final class HTTPFixture {
    let process = Process()
    let port: Int

    /// `mode`: streamable-http, json or sse; `tls`: the certificate and key files for https.
    /// `script` is another fixture speaking the same PORT line (`http_misbehaving.py`).
    init(_ mode: String, token: String? = nil, tls: (certificate: String, key: String)? = nil, script: String = MCPFixtures.httpScript) throws {
        process.executableURL = URL(fileURLWithPath: MCPFixtures.venv + "/bin/python")
        process.arguments = [script, mode] + (token.map { ["--token", $0] } ?? []) + (tls.map { ["--tls", $0.certificate, $0.key] } ?? [])
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        while !text.contains("\n") {
            let data = output.fileHandleForReading.availableData
            guard !data.isEmpty else { break }
            text += String(decoding: data, as: UTF8.self)
        }
        guard let line = text.split(separator: "\n").first, line.hasPrefix("PORT "), let port = Int(line.dropFirst(5)) else {
            process.terminate()
            throw FixtureError(message: "the \(mode) fixture did not start: \(text)")
        }
        self.port = port
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// A self-signed certificate for `names` (DNS names and IP addresses), made by the openssl CLI.
    static func certificate(in folder: String, names: [String]) throws -> (certificate: String, key: String) {
        let certificate = folder + "/cert.pem", key = folder + "/key.pem"
        let alternatives = names.map { $0.first!.isNumber ? "IP:\($0)" : "DNS:\($0)" }.joined(separator: ",")
        let result = try Claudesh.runProgram("/usr/bin/env", [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-keyout", key, "-out", certificate,
            "-subj", "/CN=\(names[0])", "-addext", "subjectAltName=\(alternatives)",
        ], environment: ProcessInfo.processInfo.environment)
        guard result.status == 0 else { throw FixtureError(message: "openssl req failed: \(result.stderr)") }
        return (certificate, key)
    }

    /// SIGKILL: uvicorn's graceful shutdown waits for open event streams without end.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
