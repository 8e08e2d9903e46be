/// The docker CLI and Compose, v2 (`docker compose`) or v1 (`docker-compose`). `DOCKER_HOST`
/// and docker contexts (`DOCKER_CONTEXT`, `docker context use`) are the CLI's own, so the same
/// commands drive a local or a remote engine.
package struct DockerEngine: Sendable {
    var environment: [String: String]

    init(environment: [String: String]) {
        self.environment = environment
    }

    enum Compose: String, Sendable, Equatable {
        case v2, v1

        /// The program and the words before compose's own arguments.
        var command: [String] { self == .v2 ? ["docker", "compose"] : ["docker-compose"] }
        var name: String { self == .v2 ? "docker compose" : "docker-compose" }
    }

    /// Where the engine is, for messages.
    var host: String {
        if let host = environment["DOCKER_HOST"], !host.isEmpty { return host }
        if let context = environment["DOCKER_CONTEXT"], !context.isEmpty { return "context \(context)" }
        return "the default socket"
    }

    /// Runs a docker or compose command line; a missing program is a DockerError.
    func run(_ words: [String], input: [UInt8]? = nil, extra: [String: String] = [:], timeout: Duration? = .seconds(120)) async throws -> ProcessRunner.Result {
        var variables = environment
        variables.merge(extra) { $1 }
        let spec = ProcessSpec(words[0], Array(words.dropFirst()), environment: variables)
        do {
            return try await ProcessRunner.run(spec, input: input, timeout: timeout)
        } catch ProcessError.commandNotFound(let name, _) {
            throw DockerError.notInstalled(name)
        }
    }

    /// Compose v2 when the docker CLI has it, else v1.
    func compose() async throws -> Compose {
        var dockerMissing = false
        do {
            if try await run(["docker", "compose", "version"], timeout: .seconds(20)).termination.isSuccess { return .v2 }
        } catch DockerError.notInstalled {
            dockerMissing = true
        }
        if let result = try? await run(["docker-compose", "version"], timeout: .seconds(20)), result.termination.isSuccess { return .v1 }
        throw dockerMissing ? DockerError.notInstalled("docker") : DockerError.noCompose
    }

    /// The engine's version; throws the one-line reason when there is no engine to talk to.
    func serverVersion() async throws -> String {
        let result = try await run(["docker", "version", "--format", "{{.Server.Version}}"], timeout: .seconds(20))
        let version = result.outputText.trimmingWhitespace
        guard result.termination.isSuccess, !version.isEmpty else { throw problem(result) }
        return version
    }

    /// The one-line reason a docker command failed, from its standard error. `engineAnswered`:
    /// the engine was reached just before, so a "connection refused" is about something else (a
    /// registry), never the engine.
    func problem(_ result: ProcessRunner.Result, engineAnswered: Bool = false) -> DockerError {
        let text = result.errorText
        if !engineAnswered {
            if text.contains("permission denied") && text.contains("socket") { return .permissionDenied(host) }
            // The CLI and v2 say "Cannot connect to the Docker daemon"; v1 "Couldn't connect to
            // Docker daemon" or, with no socket at all, "Error while fetching server API version".
            if text.contains("Cannot connect to the Docker daemon") || text.contains("connect to Docker daemon")
                || text.contains("Is the docker daemon running") || text.contains("Error while fetching server API version") {
                return .notRunning(host)
            }
        }
        if result.timedOut { return .failed("the docker engine at \(host) did not answer in time") }
        let last = Self.withoutTraceback(text).split(separator: "\n").map { String($0).trimmingWhitespace }.last { !$0.isEmpty }
        return .failed(last ?? result.termination.description)
    }

    /// Compose v1's output without its Python tracebacks: the frames and source lines go, the
    /// exception line that ends each stays.
    static func withoutTraceback(_ text: String) -> String {
        guard text.contains("Traceback (most recent call last):") else { return text }
        var kept: [Substring] = []
        var inTraceback = false
        // The exception line that ended the last traceback: a chained one replaces it.
        var endOfTraceback: Int?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("Traceback (most recent call last):") {
                if let end = endOfTraceback { kept.removeSubrange(end...) }
                inTraceback = true
                continue
            }
            if line.hasPrefix("During handling of the above exception") || line.hasPrefix("The above exception was the direct cause") { continue }
            if inTraceback {
                if line.hasPrefix(" ") || line.isEmpty { continue }
                inTraceback = false
                endOfTraceback = kept.count
                kept.append(line)
                continue
            }
            if !line.isEmpty { endOfTraceback = nil }
            kept.append(line)
        }
        return kept.joined(separator: "\n")
    }

    /// A line of compose's output without the erase-line sequence (ESC [2K) Compose v2 puts
    /// before every line of `logs`, even with --no-color and when its output is not a terminal:
    /// it is no part of what the container printed, and a file or a pipe would keep it.
    static func withoutLineErase(_ line: Substring) -> Substring {
        var rest = line
        while rest.hasPrefix("\u{1B}[2K") { rest = rest.dropFirst(4) }
        return rest
    }

    /// `text` with the erase-line sequence taken from the start of each line.
    static func withoutLineErase(_ text: String) -> String {
        guard text.contains("\u{1B}[2K") else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map(withoutLineErase).joined(separator: "\n")
    }

    /// The environment for `compose`: v1 does not follow docker contexts, so the current one's
    /// endpoint (`DOCKER_CONTEXT` or `docker context use`) is handed to it as DOCKER_HOST.
    func environment(for compose: Compose) async -> [String: String] {
        guard compose == .v1, (environment["DOCKER_HOST"] ?? "").isEmpty,
              let result = try? await run(["docker", "context", "inspect", "--format", "{{.Endpoints.docker.Host}}"], timeout: .seconds(20)),
              result.termination.isSuccess else { return environment }
        let host = result.outputText.trimmingWhitespace
        var variables = environment
        if !host.isEmpty { variables["DOCKER_HOST"] = host }
        return variables
    }

    // MARK: Containers

    /// One container of a compose project, as `docker inspect` tells.
    package struct Container: Sendable, Equatable {
        package var id: String
        package var name: String
        package var service: String
        /// created, running, restarting, exited, paused, dead
        package var state: String
        /// healthy, unhealthy, starting; nil without a HEALTHCHECK
        package var health: String?
        package var restartCount: Int
        package var startedAt: Int?
        package var exitCode: Int
        /// Bytes; nil without a limit.
        package var memoryLimit: Int64?
        package var memoryUsage: Int64?
        /// What its main process runs (entrypoint and command as the engine started them).
        package var command: [String] = []
    }

    /// The project's containers, by the compose labels both versions set.
    func containers(project: String) async throws -> [Container] {
        // One-off containers (`compose run`) carry the project's label too; they are not services.
        let listed = try await run(["docker", "ps", "--all", "--quiet", "--no-trunc", "--filter", "label=com.docker.compose.project=\(project)",
                                    "--filter", "label=com.docker.compose.oneoff=False"])
        guard listed.termination.isSuccess else { throw problem(listed) }
        let ids = listed.outputText.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        guard !ids.isEmpty else { return [] }
        let inspected = try await run(["docker", "inspect"] + ids)
        guard inspected.termination.isSuccess else { throw problem(inspected) }
        return try Self.parseInspect(inspected.output)
    }

    /// The containers in `docker inspect`'s JSON.
    static func parseInspect(_ bytes: [UInt8]) throws -> [Container] {
        let document: JSONValue
        do { document = try JSONParser.parse(bytes) } catch { throw DockerError.failed("docker inspect printed what is not JSON: \(error)") }
        guard case .array(let items) = document else { return [] }
        return items.map { item in
            let state = item["State"]
            let labels = item["Config"]?["Labels"]
            let memory = item["HostConfig"]?["Memory"]?.integerValue ?? 0
            return Container(
                id: String((item["Id"]?.stringValue ?? "").prefix(12)),
                name: String((item["Name"]?.stringValue ?? "").drop { $0 == "/" }),
                service: labels?["com.docker.compose.service"]?.stringValue ?? "?",
                state: state?["Status"]?.stringValue ?? "unknown",
                health: state?["Health"]?["Status"]?.stringValue,
                restartCount: Int(item["RestartCount"]?.integerValue ?? 0),
                startedAt: state?["StartedAt"]?.stringValue.flatMap(Timestamp.seconds(rfc3339:)),
                exitCode: Int(state?["ExitCode"]?.integerValue ?? 0),
                memoryLimit: memory > 0 ? memory : nil,
                memoryUsage: nil,
                command: ([item["Path"]] + (item["Args"]?.arrayValue ?? [])).compactMap { $0?.stringValue }
            )
        }
    }

    /// Memory in use per container id (12 characters), from one `docker stats` sample.
    func memoryUsage(of ids: [String]) async -> [String: Int64] {
        guard !ids.isEmpty, let result = try? await run(["docker", "stats", "--no-stream", "--format", "{{.ID}}\t{{.MemUsage}}"] + ids, timeout: .seconds(30)),
              result.termination.isSuccess else { return [:] }
        var usage: [String: Int64] = [:]
        for line in result.outputText.split(separator: "\n") {
            let fields = line.split(separator: "\t")
            guard fields.count == 2, let used = fields[1].split(separator: "/").first, let bytes = Self.bytes(String(used)) else { continue }
            usage[String(fields[0].prefix(12))] = bytes
        }
        return usage
    }

    /// "504KiB", "1.5GiB", "12MB" in bytes.
    static func bytes(_ text: String) -> Int64? {
        let trimmed = text.trimmingWhitespace
        let number = trimmed.prefix { $0.isNumber || $0 == "." }
        guard let value = Double(number) else { return nil }
        let units: [String: Double] = [
            "B": 1, "KiB": 1024, "MiB": 1_048_576, "GiB": 1_073_741_824, "TiB": 1_099_511_627_776,
            "kB": 1000, "KB": 1000, "MB": 1e6, "GB": 1e9, "TB": 1e12,
        ]
        guard let unit = units[String(trimmed.dropFirst(number.count)).trimmingWhitespace] else { return nil }
        return Int64(value * unit)
    }
}

/// Why docker could not do what was asked, in one line with the fix.
enum DockerError: Error, CustomStringConvertible, Sendable, Equatable {
    case notInstalled(String)
    case noCompose
    case notRunning(String)
    case permissionDenied(String)
    case failed(String)

    var description: String {
        switch self {
        case .notInstalled(let name):
            return "\(name) is not installed: install Docker (Debian: apt-get install docker.io docker-compose; macOS: Docker Desktop)"
        case .noCompose:
            return "no Compose: install the compose plugin (docker compose) or docker-compose (Debian: apt-get install docker-compose)"
        case .notRunning(let host):
            return "the Docker engine is not running at \(host): start it (sudo systemctl start docker, or open Docker Desktop), or point DOCKER_HOST at one"
        case .permissionDenied(let host):
            return "permission denied on the Docker socket (\(host)): add yourself to the docker group (sudo usermod -aG docker $USER) and log in again"
        case .failed(let message):
            return message
        }
    }
}

extension JSONValue {
    /// An integer member, whether the JSON wrote it as an int or a float.
    var integerValue: Int64? {
        switch self {
        case .int(let value): return Int64(value)
        case .double(let value): return Int64(value)
        default: return nil
        }
    }
}
