import Foundation

/// The MCP servers the tests probe: the sh fixture, mcp-server-time and the Python SDK's HTTP
/// servers from the venv `scripts/test` builds (CLAUDESH_TEST_VENV).
enum MCPFixtures {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let stdioScript = repository + "/Tests/Fixtures/mcp_stdio_fixture.sh"
    static let httpScript = repository + "/Tests/Fixtures/mcp_http_server.py"
    static let misbehavingScript = repository + "/Tests/Fixtures/http_misbehaving.py"
    static let eraScript = repository + "/Tests/Fixtures/mcp_era_server.py"
    static let legacyScript = repository + "/Tests/Fixtures/mcp_legacy_server.py"
    static let fullScript = repository + "/Tests/Fixtures/mcp_full_server.py"

    /// The venv with mcp-server-time and the `mcp` SDK; a missing one fails the test, never skips it.
    static var venv: String {
        ProcessInfo.processInfo.environment["CLAUDESH_TEST_VENV"] ?? repository + "/.build/test-venv"
    }

    static var timeServer: String { venv + "/bin/mcp-server-time" }

    /// The venv of the handshake era: `mcp` before 2.0 and mcp-server-time's release built on it.
    static var legacyVenv: String {
        ProcessInfo.processInfo.environment["CLAUDESH_LEGACY_VENV"] ?? repository + "/.build/legacy-venv"
    }

    static var legacyTimeServer: String { legacyVenv + "/bin/mcp-server-time" }

    /// A stdio entry running `script MODE` with `python`.
    static func python(_ script: String, _ arguments: [String], python: String = venv + "/bin/python") -> String {
        "{\"command\": \"\(python)\", \"args\": [" + ([script] + arguments).map { "\"\($0)\"" }.joined(separator: ", ") + "]}"
    }

    /// A git repository at `path` for mcp-server-git: `notes.txt` committed ("First notes"),
    /// `draft.txt` not added.
    static func gitRepository(at path: String) throws -> String {
        let environment = ProcessInfo.processInfo.environment.merging(["GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.com",
                                                                       "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.com"]) { $1 }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        _ = try Claudesh.runProgram("/usr/bin/git", ["init", "-q", path], environment: environment)
        try "one\n".write(toFile: path + "/notes.txt", atomically: true, encoding: .utf8)
        _ = try Claudesh.runProgram("/usr/bin/git", ["-C", path, "add", "notes.txt"], environment: environment)
        _ = try Claudesh.runProgram("/usr/bin/git", ["-C", path, "commit", "-q", "-m", "First notes"], environment: environment)
        try "two\n".write(toFile: path + "/draft.txt", atomically: true, encoding: .utf8)
        return path
    }

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

    /// The live processes with `word` among their arguments and, when given, `variable` (`NAME=value`)
    /// in their environment: how a test tells its own servers from those of a suite running beside it.
    static func processes(withArgument word: String, environment variable: String? = nil) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let status = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            guard data.split(separator: 0).contains(where: { String(decoding: $0, as: UTF8.self) == word }), !status.contains(") Z ") else { return false }
            guard let variable else { return true }
            let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ") ?? Data()
            return environment.split(separator: 0).contains { String(decoding: $0, as: UTF8.self) == variable }
        }
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
    /// Where the server logs every request it gets (`--log`), when asked to.
    let log: String?

    /// `mode`: streamable-http, json or sse; `tls`: the certificate and key files for https.
    /// `redirects`: (status, path, Location) answered instead of the app; `log`: a file for the
    /// requests; `server`: uvicorn or hypercorn (HTTP/2 with TLS).
    /// `script` is another fixture speaking the same PORT line (`http_misbehaving.py`,
    /// `mcp_era_server.py`, `mcp_legacy_server.py` with `python` the legacy venv's), given `more`.
    init(_ mode: String, token: String? = nil, tls: (certificate: String, key: String)? = nil, redirects: [(Int, String, String)] = [],
         log: String? = nil, server: String = "uvicorn", script: String = MCPFixtures.httpScript,
         python: String = MCPFixtures.venv + "/bin/python", more: [String] = []) throws {
        self.log = log
        process.executableURL = URL(fileURLWithPath: python)
        var arguments = [script, mode] + more
        if let token { arguments += ["--token", token] }
        if let tls { arguments += ["--tls", tls.certificate, tls.key] }
        for (status, path, location) in redirects { arguments += ["--redirect", String(status), path, location] }
        if let log { arguments += ["--log", log] }
        if server != "uvicorn" { arguments += ["--server", server] }
        process.arguments = arguments
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

    /// One request the server logged.
    struct Request {
        var method: String
        var path: String
        var httpVersion: String
        /// The client's port: one per TCP connection.
        var clientPort: Int
        /// Names in lower case.
        var headers: [String: String]
    }

    /// The requests the server got so far, in order (none without a log file).
    func requests() -> [Request] {
        guard let log, let text = try? String(contentsOfFile: log, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            let client = object["client"] as? [Any] ?? []
            return Request(method: object["method"] as? String ?? "", path: object["path"] as? String ?? "",
                           httpVersion: object["http_version"] as? String ?? "", clientPort: client.last as? Int ?? 0,
                           headers: object["headers"] as? [String: String] ?? [:])
        }
    }

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

/// Debian's tinyproxy on 127.0.0.1, on a free port, with its own config and log in `folder`;
/// stopped by `stop`.
final class ProxyFixture {
    let process = Process()
    let port: Int
    let logFile: String

    init(in folder: String) throws {
        port = try freePort()
        logFile = folder + "/tinyproxy.log"
        let config = folder + "/tinyproxy.conf"
        // No ConnectPort line: CONNECT to any port (the test servers' are not 443).
        let text = "Port \(port)\nListen 127.0.0.1\nTimeout 30\nLogFile \"\(logFile)\"\nLogLevel Info\nMaxClients 20\n"
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tinyproxy", "-d", "-c", config]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        if waitUntilListening(port, process, tries: 200) { return }
        stop()
        throw FixtureError(message: "tinyproxy did not start on port \(port): \((try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "no log")")
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// The requests tinyproxy logged: "GET http://host:port/path HTTP/1.1", "CONNECT host:port HTTP/1.1".
    func requests() -> [String] {
        let text = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let start = line.range(of: "]: Request (") else { return nil }
            let rest = line[start.upperBound...]
            guard let colon = rest.range(of: "): ") else { return nil }
            return String(rest[colon.upperBound...])
        }
    }

    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on (free a moment ago).
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw FixtureError(message: "no socket") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw FixtureError(message: "cannot bind 127.0.0.1") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Whether `process` came to accept connections on 127.0.0.1:`port`, tried every 25 ms; false
/// when it exited first or `tries` ran out.
func waitUntilListening(_ port: Int, _ process: Process, tries: Int) -> Bool {
    for _ in 0..<tries {
        if canConnect(port) { return true }
        guard process.isRunning else { return false }
        usleep(25_000)
    }
    return false
}

/// Whether something accepts connections on 127.0.0.1:`port`.
func canConnect(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}
