import Foundation
import Testing

/// The compose commands on a real Docker engine (the private one `scripts/test` starts), each
/// with Compose v1 and with v2: services from an offline image, no network.
@Suite
struct ComposeTests {
    static let healthy = ComposeFixture.service("web", "echo web is up; sleep 600", extra: """
        healthcheck:
          test: ["CMD", "true"]
          interval: 1s
          retries: 3

    """)
    static let plain = ComposeFixture.service("worker", "echo worker is up; sleep 600")

    @Test(arguments: ComposeVersion.allCases) func upPsHealthAndDownOfATwoServiceFile(_ compose: ComposeVersion) throws {
        let fixture = try ComposeFixture(Self.healthy + Self.plain, compose: compose)
        defer { fixture.stop() }
        let up = try fixture.run(["compose up"])
        #expect(up.status == 0, "\(up.stdout)\(up.stderr)")
        _ = try fixture.waitFor { ComposeFixture.state($0, "web").1 == "healthy" && ComposeFixture.state($0, "worker").0 == "running" }
        let health = try fixture.run(["compose health"])
        #expect(health.status == 0, "\(health.stdout)")
        #expect(health.stdout.contains("web") && health.stdout.contains("healthy") && health.stdout.contains("worker"))
        let ps = try fixture.run(["compose ps"])
        #expect(ps.stdout.contains("\(fixture.project)_web_1") || ps.stdout.contains("\(fixture.project)-web-1"))
        // The containers are the ones this Compose made: v1 names them with `_`, v2 with `-`.
        #expect(ps.stdout.contains(fixture.containerName("web")) && ps.stdout.contains(fixture.containerName("worker")), "\(ps.stdout)")
        #expect(ps.stdout.contains("running"))
        // Down: nothing left, and health says so with exit 1.
        #expect(try fixture.run(["compose down"]).status == 0)
        let after = try fixture.run(["compose health"])
        #expect(after.status == 1)
        #expect(after.stdout.contains("not created"))
        #expect(try fixture.docker(["ps", "-aq", "--filter", "label=com.docker.compose.project=\(fixture.project)"]).stdout.isEmpty)
    }

    /// The services claudesh expects are compose's own reading of the file: an `include:`d
    /// file's (v2; v1 has no include), and a profile's only when COMPOSE_PROFILES names it.
    @Test func servicesAreTheOnesComposeReadsIncludesAndActiveProfiles() throws {
        let debug = ComposeFixture.service("debug", "sleep 600", extra: "    profiles: [debug]\n")
        let fixture = try ComposeFixture(Self.plain + debug + "include:\n  - extra.yml\n", compose: .v2)
        defer { fixture.stop() }
        let folder = (fixture.file as NSString).deletingLastPathComponent
        try ("services:\n" + ComposeFixture.service("extra", "sleep 600")).write(toFile: folder + "/extra.yml", atomically: true, encoding: .utf8)
        #expect(try fixture.run(["compose up"]).status == 0)
        _ = try fixture.waitFor { ComposeFixture.state($0, "worker").0 == "running" && ComposeFixture.state($0, "extra").0 == "running" }
        let health = try fixture.run(["compose health --json"])
        #expect(health.status == 0, "\(health.stdout)")
        let services = try #require(try JSONSerialization.jsonObject(with: Data(health.stdout.utf8)) as? [String: Any])["services"] as? [[String: Any]]
        #expect(services?.map { $0["service"] as? String } == ["worker", "extra"], "the included service is expected, the inactive profile's is not: \(health.stdout)")
        // With the profile named in the .env next to the file, compose starts it and claudesh expects it.
        try "COMPOSE_PROFILES=debug\n".write(toFile: folder + "/.env", atomically: true, encoding: .utf8)
        let before = try fixture.run(["compose health"])
        #expect(before.status == 1 && before.stdout.contains("debug"), "debug is expected and not created yet: \(before.stdout)")
        #expect(try fixture.run(["compose up"]).status == 0)
        _ = try fixture.waitFor { ComposeFixture.state($0, "debug").0 == "running" }
        let after = try fixture.run(["compose health"])
        #expect(after.status == 0 && after.stdout.contains("debug") && after.stdout.contains("extra"), "\(after.stdout)")
        // compose logs knows the included service too.
        #expect(try fixture.run(["compose logs extra --tail 1"]).status == 0)
    }

    @Test(arguments: ComposeVersion.allCases) func aContainerKilledFromOutsideIsSeenDownAndRestartBringsItBack(_ compose: ComposeVersion) throws {
        let fixture = try ComposeFixture(Self.plain, compose: compose)
        defer { fixture.stop() }
        #expect(try fixture.run(["compose up"]).status == 0)
        _ = try fixture.waitFor { ComposeFixture.state($0, "worker").0 == "running" }
        let id = try fixture.docker(["ps", "-q", "--filter", "label=com.docker.compose.project=\(fixture.project)"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!id.isEmpty)
        #expect(try fixture.docker(["kill", id]).status == 0)
        _ = try fixture.waitFor { ComposeFixture.state($0, "worker").0 == "exited" }
        let health = try fixture.run(["compose health"])
        #expect(health.status == 1)
        #expect(health.stdout.contains("worker: ") && health.stdout.contains("exited"), "\(health.stdout)")
        // The dashboard sees it too, from the same engine.
        let dashboard = try fixture.run(["health --json"])
        #expect(dashboard.stdout.contains("\"name\" : \"worker\"") || dashboard.stdout.contains("\"name\": \"worker\""), "\(dashboard.stdout)")
        #expect(dashboard.stdout.contains("is exited"), "\(dashboard.stdout)")
        let restarted = try fixture.run(["compose restart worker"])
        #expect(restarted.status == 0, "\(restarted.stdout)\(restarted.stderr)")
        _ = try fixture.waitFor { ComposeFixture.state($0, "worker").0 == "running" }
        #expect(try fixture.run(["compose health"]).status == 0)
        let again = try fixture.run(["health --json"])
        #expect(again.stdout.contains("\"detail\": \"running\"") || again.stdout.contains("\"detail\" : \"running\""), "\(again.stdout)")
    }

    @Test(arguments: ComposeVersion.allCases) func aFailingHealthcheckIsReportedUnhealthy(_ compose: ComposeVersion) throws {
        let fixture = try ComposeFixture(ComposeFixture.service("sick", "sleep 600", extra: """
            healthcheck:
              test: ["CMD", "false"]
              interval: 1s
              retries: 1

        """), compose: compose)
        defer { fixture.stop() }
        #expect(try fixture.run(["compose up"]).status == 0)
        _ = try fixture.waitFor { ComposeFixture.state($0, "sick").1 == "unhealthy" }
        let health = try fixture.run(["compose health"])
        #expect(health.status == 1)
        #expect(health.stdout.contains("unhealthy") && health.stdout.contains("fails its HEALTHCHECK"), "\(health.stdout)")
    }

    @Test(arguments: ComposeVersion.allCases) func logsShowTheServicesOutputAndFollowStopsOnCtrlC(_ compose: ComposeVersion) throws {
        let fixture = try ComposeFixture(ComposeFixture.service("talker", "echo first line; echo second line; sleep 600"), compose: compose)
        defer { fixture.stop() }
        #expect(try fixture.run(["compose up"]).status == 0)
        var logs = try fixture.run(["compose logs talker"])
        let deadline = Date().addingTimeInterval(30)
        while !logs.stdout.contains("second line") && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2)
            logs = try fixture.run(["compose logs talker"])
        }
        #expect(logs.status == 0)
        #expect(logs.stdout.contains("first line") && logs.stdout.contains("second line"), "\(logs.stdout)")
        // Only what the container printed: no terminal control sequence (v2 writes ESC [2K).
        #expect(!logs.stdout.contains("\u{1B}"), "\(logs.stdout.debugDescription)")
        let tail = try fixture.run(["compose logs talker --tail 1"])
        #expect(tail.stdout.contains("second line") && !tail.stdout.contains("first line"), "\(tail.stdout)")
        #expect(try fixture.run(["compose logs nobody"]).status == 2)
        // --follow runs until Ctrl-C, and the prompt comes back.
        let terminal = try PseudoTerminal([Claudesh.binary], environment: Claudesh.environment(home: fixture.home, extra: try fixture.environment))
        try terminal.expect("claudesh> ")
        terminal.send("set compose-file \(fixture.file)\r")
        try terminal.expect("claudesh (docker-compose.yml)> ")
        terminal.send("compose logs talker --follow\r")
        try terminal.expect("second line")
        terminal.send("\u{3}")
        try terminal.expect("claudesh (docker-compose.yml) [130]> ")
        terminal.send("exit\r")
        #expect(terminal.waitForExit() == 0)
    }

    @Test(arguments: ComposeVersion.allCases) func aSecretFromARealStoreReachesTheContainerAndNoFile(_ compose: ComposeVersion) throws {
        let secrets = SecretsFixture()
        defer { secrets.stop() }
        let value = "value" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try secrets.makeKeyAndStore()
        try secrets.insert("claude/api-token", value)
        let fixture = try ComposeFixture(ComposeFixture.service("holder", "sleep 600", extra: "    environment:\n      - API_TOKEN\n      - OTHER=plain\n"), compose: compose, home: secrets.home)
        defer { fixture.stop() }
        func containerEnvironment() throws -> String {
            let id = try fixture.docker(["ps", "-q", "--filter", "label=com.docker.compose.project=\(fixture.project)"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            return try fixture.docker(["exec", id, "sh", "-c", "echo \"$API_TOKEN\""]).stdout
        }
        // Without the secret, the container has the name with no value.
        let up = try fixture.run(["compose up"], extra: secrets.environment)
        #expect(up.status == 0, "\(up.stdout)\(up.stderr)")
        _ = try fixture.waitFor { ComposeFixture.state($0, "holder").0 == "running" }
        #expect(try containerEnvironment() == "\n")
        // restart --secret ENV=NAME: the container is recreated with it (a restart alone keeps
        // the environment a container was created with).
        let restarted = try fixture.run(["compose restart holder --secret API_TOKEN=claude/api-token"], extra: secrets.environment)
        #expect(restarted.status == 0, "\(restarted.stdout)\(restarted.stderr)")
        _ = try fixture.waitFor { ComposeFixture.state($0, "holder").0 == "running" }
        #expect(try containerEnvironment() == value + "\n")
        #expect(try fixture.run(["compose down"]).status == 0)
        // A loaded secret, under its last name part in capitals: claude/api-token as API_TOKEN.
        let loaded = try fixture.run(["secrets load claude/", "compose up"], extra: secrets.environment)
        #expect(loaded.status == 0, "\(loaded.stdout)\(loaded.stderr)")
        _ = try fixture.waitFor { ComposeFixture.state($0, "holder").0 == "running" }
        #expect(try containerEnvironment() == value + "\n")
        // In no file: the compose file, the home, the history, the logs.
        for (path, data) in SecretsFixture.contents(under: secrets.home) where !path.hasPrefix(secrets.storeDirectory) {
            #expect(data.range(of: Data(value.utf8)) == nil, "\(path) holds the value")
        }
        #expect(!restarted.stdout.contains(value) && !loaded.stdout.contains(value))
    }

    @Test(arguments: ComposeVersion.allCases) func aSecretInComposesOwnErrorIsMaskedAndAWindowsFileIsRead(_ compose: ComposeVersion) throws {
        let secrets = SecretsFixture()
        defer { secrets.stop() }
        try secrets.makeKeyAndStore()
        // Ending in "b": docker-py strips it as a unit (bytes) before quoting the value back, so
        // what compose prints is the secret cut short by one character, which is masked too.
        let value = "plainpassword-zebra-" + UUID().uuidString.prefix(6).lowercased() + "b"
        try secrets.insert("claude/db-pass", value)
        // CRLF line ends, as an editor on Windows saves them; compose then fails on the value.
        let fixture = try ComposeFixture("", compose: compose, home: secrets.home)
        defer { fixture.stop() }
        let text = "services:\r\n  db:\r\n    image: \(ComposeFixture.image)\r\n    network_mode: none\r\n    mem_limit: ${DB_PASS}\r\n"
        try text.write(toFile: fixture.file, atomically: true, encoding: .utf8)
        let loaded = try fixture.run(["compose load \(fixture.file)"], extra: secrets.environment)
        #expect(loaded.stdout.contains("(1 service: db)"), "\(loaded.stdout)\(loaded.stderr)")
        let up = try fixture.run(["compose up --secret DB_PASS=claude/db-pass"], extra: secrets.environment)
        #expect(up.status == 1)
        #expect(!(up.stdout + up.stderr).contains(value.dropLast()), "\(up.stdout)\(up.stderr)")
        #expect(!(up.stdout + up.stderr).contains("Traceback"))
        #expect((up.stdout + up.stderr).contains("‹redacted›"), "\(up.stdout)\(up.stderr)")
    }

    @Test(arguments: ComposeVersion.allCases) func configReportsEachProblemAtItsLineAndColumnAndChangesNothing(_ compose: ComposeVersion) throws {
        let home = Claudesh.temporaryFolder("claudesh-config")
        defer { Claudesh.cleanUp(home) }
        let engine = try compose.environment(home: home)
        let cases: [(String, String)] = [
            ("services:\n  web:\n    image: [unclosed\n", "docker-compose.yml:3:12: '[' is not closed"),
            ("services:\n  web:\n    command: [\"true\"]\n", "docker-compose.yml:2:3: service 'web' has neither image: nor build:"),
            ("services:\n  web:\n    image: x\n    environment:\n      - URL=${NOT_SET_ANYWHERE}\n", "docker-compose.yml:5:9: ${NOT_SET_ANYWHERE} is not set and has no default"),
            ("services:\n  web:\n    image: x\n    restrat: always\n", "docker-compose.yml:4:5: unknown key 'restrat' in service 'web' (did you mean 'restart'?)"),
            ("services:\n  web:\n    image: x\n    environment:\n      GITHUB_TOKEN: ghp_\(String(repeating: "a1B2", count: 9))\n", "docker-compose.yml:5:21: service 'web': GITHUB_TOKEN holds a clear-text secret (GitHub token)"),
        ]
        for (text, expected) in cases {
            let path = home + "/docker-compose.yml"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let result = try Claudesh.run(["-c", "set compose-file \(path)", "-c", "compose config"], home: home, extra: engine)
            #expect(result.status == 1, "\(text)")
            #expect((result.stdout + result.stderr).contains(expected), "\(text): \(result.stdout)\(result.stderr)")
            #expect(!(result.stdout + result.stderr).contains("ghp_a1B2"), "the secret is not shown")
            #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
        }
        // A default and a value from the environment pass, and the engine agrees.
        let path = home + "/docker-compose.yml"
        try "services:\n  web:\n    image: \(ComposeFixture.image)\n    network_mode: none\n    environment:\n      - A=${WITH_DEFAULT:-x}\n      - B=${FROM_ENV}\n      - TOKEN\n".write(toFile: path, atomically: true, encoding: .utf8)
        let good = try Claudesh.run(["-c", "set compose-file \(path)", "-c", "compose config"], home: home, extra: engine.merging(["FROM_ENV": "1"]) { $1 })
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        // TOKEN, listed alone and set nowhere, is a warning: the container will not get it.
        #expect(good.stdout.contains("no problems (1 warning above); \(compose.name) config agrees"), "\(good.stdout)")
        #expect(good.stderr.contains(":8:9: warning: service 'web': TOKEN is passed from the environment, which has none"), "\(good.stderr)")
    }

    @Test(arguments: ComposeVersion.allCases) func initWritesTheClassicFileOnceLeavesOneThatIsThereAndItPassesTheChecks(_ compose: ComposeVersion) throws {
        let home = Claudesh.temporaryFolder("claudesh-init")
        defer { Claudesh.cleanUp(home) }
        let engine = try compose.environment(home: home)
        let made = try Claudesh.run(["compose", "init"], home: home, extra: engine)
        #expect(made.status == 0)
        let path = home + "/.claude/docker/docker-compose.yml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for needle in ["filesystem:", "memory:", "github:", "context7:", "restart: unless-stopped", "mem_limit: 2g", "- GITHUB_PERSONAL_ACCESS_TOKEN=${GITHUB_TOKEN}\n", "${MCP_SHARED_FOLDER:-./shared}:/rootfs:ro"] {
            #expect(text.contains(needle), "\(needle)")
        }
        try "# mine\n".write(toFile: path, atomically: false, encoding: .utf8)
        let again = try Claudesh.run(["compose", "init"], home: home, extra: engine)
        #expect(again.status == 0 && again.stdout.contains("Already done") && again.stdout.contains("--force replaces it"), "\(again.stdout)")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "# mine\n", "a file that is there is left as it is")
        #expect(try Claudesh.run(["compose", "init", "--force"], home: home, extra: engine).status == 0)
        var isFolder: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: home + "/.claude/docker/shared", isDirectory: &isFolder) && isFolder.boolValue, "the folder the filesystem server is given")
        // Without the token the check says it will be empty; with it (as `secrets load` gives it), all is well.
        let empty = try Claudesh.run(["compose", "config"], home: home, extra: engine)
        #expect(empty.status == 1 && empty.stdout.contains("${GITHUB_TOKEN} is not set"), "\(empty.stdout)\(empty.stderr)")
        let checked = try Claudesh.run(["compose", "config"], home: home, extra: engine.merging(["GITHUB_TOKEN": "ghp_fixture"]) { $1 })
        #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
        #expect(checked.stdout.contains("\(compose.name) config agrees") && !checked.stdout.contains("warning"), "\(checked.stdout)")
        let listed = try Claudesh.run(["__complete", "compose", "logs", ""], home: home)
        #expect(listed.stdout == "context7\nfilesystem\ngithub\nmemory\n")
    }

    @Test(arguments: ComposeVersion.allCases) func aDockerContextChoosesTheEngineForComposeToo(_ compose: ComposeVersion) throws {
        let fixture = try ComposeFixture(Self.plain, compose: compose)
        defer { fixture.stop() }
        let context = "claudesh-\(fixture.project)"
        let made = try fixture.docker(["context", "create", context, "--docker", "host=\(try ComposeFixture.engine())"])
        #expect(made.status == 0, "\(made.stderr)")
        // No DOCKER_HOST: the context alone says where the engine is, for docker and for compose.
        let config = try fixture.environment["DOCKER_CONFIG"] ?? ""
        let result = try Claudesh.run(["-c", "set compose-file \(fixture.file)", "-c", "compose up", "-c", "compose ps"], home: fixture.home, extra: ["DOCKER_CONTEXT": context, "DOCKER_CONFIG": config])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("worker") && result.stdout.contains("running"), "\(result.stdout)")
        #expect(result.stdout.contains(fixture.containerName("worker")), "made by \(compose.name): \(result.stdout)")
    }

    @Test(arguments: ComposeVersion.allCases) func noEngineAndPermissionDeniedEachGetOneLineWithTheFix(_ compose: ComposeVersion) throws {
        let fixture = try ComposeFixture(Self.plain, compose: compose)
        defer { fixture.stop() }
        let missing = try fixture.run(["compose up"], extra: ["DOCKER_HOST": "unix:///nonexistent/docker.sock"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "claudesh: the Docker engine is not running at unix:///nonexistent/docker.sock: start it (sudo systemctl start docker, or open Docker Desktop), or point DOCKER_HOST at one\n", "\(missing.stderr)")
        let noDocker = try fixture.run(["compose ps"], extra: ["PATH": "/nonexistent"])
        #expect(noDocker.stderr.contains("docker is not installed"))
        // A user outside the socket's group: setpriv drops to nobody.
        let engine = try ComposeFixture.engine()
        let config = try fixture.environment["DOCKER_CONFIG"] ?? ""
        let denied = try Claudesh.runProgram("/usr/bin/setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", Claudesh.binary, "-c", "set compose-file \(fixture.file)", "-c", "compose ps"],
                                             environment: ["PATH": "/usr/bin:/bin", "HOME": "/tmp", "CLAUDESH_HOME": "/tmp/claudesh-nobody-\(fixture.project)", "DOCKER_HOST": engine, "DOCKER_CONFIG": config])
        #expect(denied.stderr.contains("permission denied on the Docker socket"), "\(denied.stderr)")
        #expect(denied.stderr.split(separator: "\n").count == 1)
    }
}
