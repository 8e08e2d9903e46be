import Testing
@testable import ClaudeshKit

/// The parsing of docker's output and the compose file checks, without an engine.
struct DockerParsingTests {
    @Test func inspectGivesServiceStateHealthRestartsStartAndLimit() throws {
        let json = """
        [{"Id": "2065336c521f1e6ba69953d2b74119835fc130ecc1056eeea04c4782cfed6526", "Name": "/mcp_web_1", "RestartCount": 2,
          "State": {"Status": "running", "ExitCode": 0, "StartedAt": "2026-11-25T13:58:18.29895378Z", "Health": {"Status": "healthy"}},
          "HostConfig": {"Memory": 2147483648}, "Config": {"Labels": {"com.docker.compose.service": "web", "com.docker.compose.project": "mcp"}}},
         {"Id": "ab12", "Name": "/mcp_db_1", "RestartCount": 0,
          "State": {"Status": "exited", "ExitCode": 137, "StartedAt": "0001-01-01T00:00:00Z"},
          "HostConfig": {"Memory": 0}, "Config": {"Labels": {"com.docker.compose.service": "db"}}}]
        """
        let containers = try DockerEngine.parseInspect(Array(json.utf8))
        #expect(containers.count == 2)
        #expect(containers[0] == DockerEngine.Container(id: "2065336c521f", name: "mcp_web_1", service: "web", state: "running", health: "healthy",
                                                        restartCount: 2, startedAt: 1_795_615_098, exitCode: 0, memoryLimit: 2_147_483_648, memoryUsage: nil))
        #expect(containers[1].state == "exited" && containers[1].exitCode == 137 && containers[1].health == nil)
        #expect(containers[1].startedAt == nil && containers[1].memoryLimit == nil)
    }

    @Test func statsSizesAndTimes() {
        #expect(DockerEngine.bytes("504KiB") == 516_096)
        #expect(DockerEngine.bytes("1.5GiB ") == 1_610_612_736)
        #expect(DockerEngine.bytes("12MB") == 12_000_000)
        #expect(DockerEngine.bytes("lots") == nil)
        #expect(Timestamp.seconds(rfc3339: "1970-01-02T00:00:00+01:00") == nil) // not after 1970's year
        #expect(Timestamp.seconds(rfc3339: "2026-11-25T13:58:18Z") == 1_795_615_098)
        #expect(Timestamp.seconds(rfc3339: "2026-11-25T14:58:18.5+01:00") == 1_795_615_098)
        #expect(Timestamp.age(seconds: 42) == "42s" && Timestamp.age(seconds: 3 * 86_400 + 4 * 3600) == "3d 4h")
    }

    @Test func engineFailuresBecomeOneLineEach() {
        let engine = DockerEngine(environment: ["DOCKER_HOST": "unix:///x.sock"])
        func problem(_ stderr: String) -> DockerError {
            engine.problem(ProcessRunner.Result(termination: .exited(1), output: [], errors: Array(stderr.utf8), truncated: false, timedOut: false))
        }
        #expect(problem("Cannot connect to the Docker daemon at unix:///x.sock. Is the docker daemon running?") == .notRunning("unix:///x.sock"))
        #expect(problem("Couldn't connect to Docker daemon at http+docker://localhost - is it running?") == .notRunning("unix:///x.sock"))
        #expect(problem("permission denied while trying to connect to the Docker daemon socket at unix:///x.sock") == .permissionDenied("unix:///x.sock"))
        #expect(problem("Traceback...\nERROR: pull access denied for mcp/nope\n") == .failed("ERROR: pull access denied for mcp/nope"))
        // A registry that refuses is not the engine: the engine answered just before.
        let refused = ProcessRunner.Result(termination: .exited(1), output: [], errors: Array("Get http://localhost:1/v2/: dial tcp: connection refused\n".utf8), truncated: false, timedOut: false)
        #expect(engine.problem(refused, engineAnswered: true) == .failed("Get http://localhost:1/v2/: dial tcp: connection refused"))
        #expect(DockerEngine(environment: ["DOCKER_CONTEXT": "prod"]).host == "context prod")
    }

    @Test func composeCommandLinesForV2AndV1() {
        #expect(DockerEngine.Compose.v2.command == ["docker", "compose"])
        #expect(DockerEngine.Compose.v1.command == ["docker-compose"])
    }

    @Test func projectNamesAreComposesOwn() throws {
        #expect(try ComposeFile(text: "services: {}\n", path: "/home/op/.claude/docker/docker-compose.yml").projectName(environment: [:]) == "docker")
        #expect(try ComposeFile(text: "services: {}\n", path: "/srv/My Project.v2/compose.yaml").projectName(environment: [:]) == "myprojectv2")
        #expect(try ComposeFile(text: "services: {}\n", path: "/srv/_mcp/compose.yaml").projectName(environment: [:]) == "mcp")
        #expect(try ComposeFile(text: "name: Claude-MCP\nservices: {}\n", path: "/x/y.yml").projectName(environment: [:]) == "claude-mcp")
        #expect(try ComposeFile(text: "name: mcp-${STAGE}\nservices: {}\n", path: "/x/y.yml").projectName(environment: ["STAGE": "prod"]) == "mcp-prod")
        #expect(try ComposeFile(text: "name: a\nservices: {}\n", path: "/x/y.yml").projectName(environment: ["COMPOSE_PROJECT_NAME": "Chosen"]) == "chosen")
    }

    @Test func profilesThatAreNotActiveLeaveTheirServicesOut() throws {
        let file = try ComposeFile(text: "services:\n  a: {image: x}\n  b: {image: x, profiles: [debug]}\n", path: "/x/y.yml")
        #expect(file.activeServiceNames(environment: [:]) == ["a"])
        #expect(file.activeServiceNames(environment: ["COMPOSE_PROFILES": "debug"]) == ["a", "b"])
        #expect(file.referencedVariables.isEmpty)
        let uses = try ComposeFile(text: "services:\n  a:\n    image: x:${TAG:-1}\n    environment: [TOKEN, B=1]\n", path: "/x/y.yml")
        #expect(uses.referencedVariables == ["TAG", "TOKEN"])
    }

    @Test func tracebacksAreCutToTheirLastLine() {
        let text = "Creating x ...\nTraceback (most recent call last):\n  File \"a.py\", line 1, in <module>\n    f()\nFileNotFoundError: [Errno 2]\n\nDuring handling of the above exception, another exception occurred:\n\nTraceback (most recent call last):\n  File \"b.py\"\ndocker.errors.DockerException: Error while fetching server API version\nERROR: done\n"
        #expect(DockerEngine.withoutTraceback(text) == "Creating x ...\ndocker.errors.DockerException: Error while fetching server API version\nERROR: done\n")
    }

    @Test func composeV2sEraseLineSequenceIsTakenFromTheStartOfEachLine() {
        // What `docker compose logs --no-color` 2.26 writes into a pipe.
        let text = "\u{1B}[2Kweb-1  | first line\n\u{1B}[2Kweb-1  | second \u{1B}[2K line\n"
        #expect(DockerEngine.withoutLineErase(text) == "web-1  | first line\nweb-1  | second \u{1B}[2K line\n")
        #expect(DockerEngine.withoutLineErase("\u{1B}[2K\u{1B}[2Kweb-1  | x"[...]) == "web-1  | x")
        #expect(DockerEngine.withoutLineErase("web_1  | v1 writes none") == "web_1  | v1 writes none")
    }

    @Test func variableReferencesWithoutDefaults() {
        #expect(ComposeFile.references(in: "${A} $B ${C:-x} ${D-y} ${E:+z} ${F:?required} $$G $1 ${H}") == ["A", "B", "F", "H"])
    }

    @Test func theTemplatePassesItsOwnChecks() throws {
        let file = try ComposeFile(text: ComposeTemplate.text, path: "/h/.claude/docker/docker-compose.yml")
        #expect(file.serviceNames == ["filesystem", "memory", "github", "context7"])
        let lookup = { (name: String) in ["HOME": "/h", "GITHUB_TOKEN": "t"][name] }
        #expect(file.problems(lookup: lookup).isEmpty)
        #expect(file.secretFolderMounts(lookup: lookup, secretFolders: ["/h/.gnupg", "/h/.password-store", "/h/.ssh"]).isEmpty)
        #expect(file.bindMounts(of: file.services[0], lookup: lookup).map { $0.source } == ["/h/.claude/docker/./shared"])
        // The token comes from the variable `secrets load` gives claude/github-token as.
        let github = try #require(file.services.first { $0.name == "github" })
        #expect(file.environment(of: github).map { "\($0.name)=\($0.value ?? "")" } == ["GITHUB_PERSONAL_ACCESS_TOKEN=${GITHUB_TOKEN}"])
        #expect(file.referencedVariables.contains(Workspace.variableName(forSecret: "claude/github-token")!))
        // Without it, the check says the variable will be empty.
        #expect(file.problems { $0 == "HOME" ? "/h" : nil }.map { $0.message } == ["${GITHUB_TOKEN} is not set and has no default: export it, give it with --secret GITHUB_TOKEN=NAME, or write ${GITHUB_TOKEN:-default}"])
    }

    @Test func mountsOfSecretFoldersAndEmptyPassedVariablesAreWarnedOf() throws {
        let text = """
        services:
          home:
            image: x
            volumes: ["${HOME}:/rootfs:ro"]
          keys:
            image: x
            volumes:
              - ~/.gnupg/private-keys-v1.d:/k
              - type: bind
                source: /h/.ssh
                target: /s
          fine:
            image: x
            volumes: ["data:/data", "./shared:/s", "${NOT_SET:-/srv/files}:/f"]
            environment:
              - OPTIONAL_TOKEN
        """
        let file = try ComposeFile(text: text, path: "/h/compose/docker-compose.yml")
        let lookup = { (name: String) in ["HOME": "/h"][name] }
        let folders = ["/h/.gnupg", "/h/.password-store", "/h/.ssh"]
        #expect(file.secretFolderMounts(lookup: lookup, secretFolders: folders).map { $0.description } == [
            "4:15: warning: service 'home' mounts /h, which holds /h/.gnupg: give it a folder of its own",
            "8:9: warning: service 'keys' mounts /h/.gnupg/private-keys-v1.d, inside /h/.gnupg, which holds keys or secrets: give it a folder of its own",
            "9:9: warning: service 'keys' mounts /h/.ssh, which holds keys or secrets: give it a folder of its own",
        ])
        #expect(file.bindMounts(of: file.services[2], lookup: lookup).map { $0.source } == ["/h/compose/./shared", "/srv/files"])
        #expect(file.emptyPassedVariables(lookup: lookup).map { $0.description } == [
            "16:9: warning: service 'fine': OPTIONAL_TOKEN is passed from the environment, which has none: the container will not get it (secrets load, export it, or --secret OPTIONAL_TOKEN=NAME)",
        ])
    }
}
