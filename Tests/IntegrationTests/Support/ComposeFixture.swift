import Foundation
import Testing

/// The Compose a test runs against. claudesh takes v2 when `docker compose version` succeeds,
/// else v1 (`docker-compose`, Debian's package): the docker CLI finds the v2 plugin in
/// DOCKER_CONFIG's cli-plugins/, so a DOCKER_CONFIG with it means v2 and one without it v1.
/// The plugin is Debian 13's, which `scripts/test` puts in CLAUDESH_TEST_COMPOSE_V2_CONFIG.
enum ComposeVersion: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case v1, v2

    var testDescription: String { "Compose \(rawValue)" }

    /// How claudesh names it, and the words it runs it with: "docker compose" or "docker-compose".
    var name: String { self == .v2 ? "docker compose" : "docker-compose" }

    /// The DOCKER_CONFIG folder that holds the v2 plugin; a run without it fails, it never skips.
    static func v2Config() throws -> String {
        let folder = ProcessInfo.processInfo.environment["CLAUDESH_TEST_COMPOSE_V2_CONFIG"] ?? MCPFixtures.repository + "/.build/compose-v2/docker-config"
        guard FileManager.default.isExecutableFile(atPath: folder + "/cli-plugins/docker-compose") else {
            throw FixtureError(message: "no Compose v2 plugin in \(folder)/cli-plugins: run the suite with scripts/test, which fetches it")
        }
        return folder
    }

    /// A DOCKER_CONFIG folder of its own in `home` (docker contexts a test makes stay there):
    /// with cli-plugins/ linked to the v2 plugin's folder for v2, with no plugins for v1.
    func dockerConfig(in home: String) throws -> String {
        let folder = home + "/.docker"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let plugins = folder + "/cli-plugins"
        if self == .v2, (try? FileManager.default.destinationOfSymbolicLink(atPath: plugins)) == nil {
            try FileManager.default.createSymbolicLink(atPath: plugins, withDestinationPath: try Self.v2Config() + "/cli-plugins")
        }
        return folder
    }

    /// The private engine and this Compose, for claudesh and the docker CLI in `home`.
    func environment(home: String) throws -> [String: String] {
        ["DOCKER_HOST": try ComposeFixture.engine(), "DOCKER_CONFIG": try dockerConfig(in: home)]
    }
}

/// A compose project for one test on the private engine `scripts/test` starts
/// (CLAUDESH_TEST_DOCKER_HOST), with Compose v1 or v2: its own folder, so its own project name,
/// and services from the offline test image with no network. `stop` takes its containers down.
final class ComposeFixture {
    static let image = "claudesh-test/busybox:1"

    let home: String
    let project: String
    let compose: ComposeVersion
    var file: String { home + "/\(project)/docker-compose.yml" }

    /// The private engine; a run without one fails here, it never skips.
    static func engine() throws -> String {
        guard let host = ProcessInfo.processInfo.environment["CLAUDESH_TEST_DOCKER_HOST"], !host.isEmpty else {
            throw FixtureError(message: "CLAUDESH_TEST_DOCKER_HOST is not set: run the suite with scripts/test, which starts a private Docker engine")
        }
        return host
    }

    /// Fails unless claudesh, in this environment, would run the Compose asked for.
    init(_ services: String, compose: ComposeVersion, home: String? = nil) throws {
        self.home = home ?? Claudesh.temporaryFolder("claudesh-compose")
        self.compose = compose
        project = "cs" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: self.home + "/" + project, withIntermediateDirectories: true)
        try ("services:\n" + services).write(toFile: file, atomically: true, encoding: .utf8)
        let chosen = try composeInUse()
        guard chosen == compose.name else {
            throw FixtureError(message: "claudesh would run \(chosen), not \(compose.name), in \(try environment)")
        }
    }

    /// The Compose claudesh runs here, from what a dry run of `compose up` says it would run.
    func composeInUse() throws -> String {
        let said = try Claudesh.run(["--dry-run", "-c", "set compose-file \(file)", "-c", "compose up"], home: home, extra: try environment).stdout
        guard let words = said.split(separator: "\n").first(where: { $0.hasPrefix("would run: ") })?.dropFirst("would run: ".count),
              let end = words.range(of: " --file ") else { throw FixtureError(message: "compose up under --dry-run said: \(said)") }
        return String(words[..<end.lowerBound])
    }

    /// The name compose gives the first container of `service`: v1 joins with `_`, v2 with `-`.
    func containerName(_ service: String) -> String {
        compose == .v2 ? "\(project)-\(service)-1" : "\(project)_\(service)_1"
    }

    /// One service from the test image: `command` a shell line, with no network.
    static func service(_ name: String, _ command: String, extra: String = "") -> String {
        "  \(name):\n    image: \(image)\n    command: [\"sh\", \"-c\", \"\(command)\"]\n    network_mode: none\n" + extra
    }

    var environment: [String: String] {
        get throws { try compose.environment(home: home) }
    }

    /// claudesh with the session's compose file set to this project's.
    @discardableResult
    func run(_ commands: [String], extra: [String: String] = [:], input: String? = nil) throws -> Claudesh.Result {
        let arguments = ["-c", "set compose-file \(file)"] + commands.flatMap { ["-c", $0] }
        return try Claudesh.run(arguments, home: home, input: input, extra: try environment.merging(extra) { $1 })
    }

    /// The docker CLI on the private engine.
    func docker(_ arguments: [String]) throws -> Claudesh.Result {
        try Claudesh.runProgram("/usr/bin/env", ["docker"] + arguments, environment: Claudesh.environment(home: home, extra: try environment))
    }

    /// `compose ps --json` (service → its container) until `done` says so, or 60 s: waits for a
    /// state, never for a fixed time.
    func waitFor(_ done: ([String: [String: Any]]) -> Bool) throws -> [String: [String: Any]] {
        let deadline = Date().addingTimeInterval(60)
        var last: [String: [String: Any]] = [:]
        while Date() < deadline {
            let result = try run(["compose ps --json"])
            if let containers = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] {
                last = Dictionary(containers.map { ($0["service"] as! String, $0) }, uniquingKeysWith: { first, _ in first })
                if done(last) { return last }
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
        throw FixtureError(message: "the services did not reach the expected state in 60 s: \(last)")
    }

    /// The state and health of `service`'s container.
    static func state(_ containers: [String: [String: Any]], _ service: String) -> (String?, String?) {
        (containers[service]?["state"] as? String, containers[service]?["health"] as? String)
    }

    func stop() {
        _ = try? run(["compose down"])
        Claudesh.cleanUp(home)
    }
}
