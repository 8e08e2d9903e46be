import Foundation

/// A compose project for one test on the private engine `scripts/test` starts
/// (CLAUDESH_TEST_DOCKER_HOST): its own folder, so its own project name, and services from the
/// offline test image with no network. `stop` takes its containers down.
final class ComposeFixture {
    static let image = "claudesh-test/busybox:1"

    let home: String
    let project: String
    var file: String { home + "/\(project)/docker-compose.yml" }

    /// The private engine; a run without one fails here, it never skips.
    static func engine() throws -> String {
        guard let host = ProcessInfo.processInfo.environment["CLAUDESH_TEST_DOCKER_HOST"], !host.isEmpty else {
            throw FixtureError(message: "CLAUDESH_TEST_DOCKER_HOST is not set: run the suite with scripts/test, which starts a private Docker engine")
        }
        return host
    }

    init(_ services: String, home: String? = nil) throws {
        self.home = home ?? Claudesh.temporaryFolder("claudesh-compose")
        project = "cs" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: self.home + "/" + project, withIntermediateDirectories: true)
        try ("services:\n" + services).write(toFile: file, atomically: true, encoding: .utf8)
    }

    /// One service from the test image: `command` a shell line, with no network.
    static func service(_ name: String, _ command: String, extra: String = "") -> String {
        "  \(name):\n    image: \(image)\n    command: [\"sh\", \"-c\", \"\(command)\"]\n    network_mode: none\n" + extra
    }

    var environment: [String: String] {
        get throws { ["DOCKER_HOST": try Self.engine()] }
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
