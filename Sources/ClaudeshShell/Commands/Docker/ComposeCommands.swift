#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeshKit

/// compose: the compose file of containerised servers, and their lifecycle on a Docker engine.
enum ComposeCommands {
    static let group = CommandGroup.docker

    @MainActor
    static var command: Command {
        Command(
            "compose", group: group, summary: "The compose file of containerised servers: load, init, config, up, down, restart, ps, logs, health",
            discussion: """
            Drives Compose v2 (docker compose) or v1 (docker-compose) on the engine the docker CLI
            talks to: DOCKER_HOST and docker contexts choose it, local or remote. Secrets reach the
            containers through compose's environment: every loaded secret under its last name part
            in capitals (claude/github-token as GITHUB_TOKEN), and --secret ENV=NAME.
            """,
            subcommands: [load, initialize, config, up, down, restart, ps, logs, ComposeHealthCommand.command]
        )
    }

    static let secretFlag = Flag.secret("put the store's secret NAME in compose's environment as ENV")

    /// The session's compose file with the secrets the line names.
    @MainActor
    static func compose(_ invocation: Invocation) async throws -> ComposeSession {
        try await invocation.workspace.compose(secrets: invocation.arguments.values("secret"))
    }

    /// Runs compose with `arguments`, shows what it printed, and fails when it failed; under
    /// --dry-run, says what it would run.
    @MainActor
    static func run(_ arguments: [String], _ compose: ComposeSession, _ invocation: Invocation) async throws -> ExitStatus {
        if invocation.session.context.dryRun {
            let words = try compose.words(arguments)
            invocation.output.line("would run: \(words.joined(separator: " "))" + (compose.secrets.isEmpty ? "" : " with \(compose.secrets.keys.sorted().joined(separator: ", ")) in its environment") + " (dry run)")
            return .success
        }
        let run = try await compose.run(arguments)
        invocation.output.write(run.shown)
        if let failure = run.failure { throw ShellError.failed(failure) }
        return .success
    }

    static let load = Command(
        "load", group: group, summary: "Use FILE as the session's compose file (shown in the prompt and context)",
        arguments: [Argument("FILE", "a compose file", completion: .path)],
        examples: ["compose load ~/.claude/docker/docker-compose.yml"]
    ) { invocation in
        let session = invocation.session
        let path = session.context.environment.absolutePath(invocation.arguments.positionals[0])
        let file = try ComposeFile(path: path)
        try session.context.settings.set(.composeFile, to: path, environment: session.context.environment)
        let names = file.serviceNames
        invocation.output.line("Compose file: \(path) (\(names.count) service\(names.count == 1 ? "" : "s")\(names.isEmpty ? "" : ": " + names.joined(separator: ", ")))")
        return .success
    }

    static let initialize = Command(
        "init", group: group, summary: "Write the classic compose file (filesystem, memory, github, context7) to the compose-file setting",
        discussion: "Four services with restart: unless-stopped and a 2 GB memory limit, on one network; the GitHub token is a variable only (${GITHUB_TOKEN}, which secrets load gives from claude/github-token); the filesystem server sees ./shared next to the file (MCP_SHARED_FOLDER names another), never your home.",
        flags: [Flag("force", "replace an existing file (without it, one that is there is left as it is)")],
        examples: ["compose init", "compose init --force"]
    ) { invocation in
        let path = invocation.session.context.settings.composeFile
        switch try invocation.workspace.writeClassicComposeFile(force: invocation.arguments.has("force")) {
        case .alreadyThere(let classic):
            invocation.output.line("Already done: \(path) exists\(classic ? " (the classic file)" : ""); left as it is (--force replaces it with the classic file)")
        case .wouldWrite:
            invocation.output.line("would write the compose file \(path) (dry run)")
        case .written:
            invocation.output.line("Wrote \(path): filesystem, memory, github, context7. Start them: compose up")
        }
        return .success
    }

    static let config = Command(
        "config", group: group, summary: "Check the compose file: YAML, keys, images, unset ${VAR}s, clear-text secrets; and the engine's own check",
        flags: [secretFlag, .json],
        examples: ["compose config", "compose config --secret GITHUB_TOKEN=claude/github-token"]
    ) { invocation in
        let compose = try await compose(invocation)
        let file = compose.file
        let check = try await compose.check()
        let problems = check.problems
        let engineNote = check.composeAgreed.map { "; \($0) config agrees" } ?? (problems.isEmpty ? " (no engine reachable: the engine's own check was skipped)" : "")
        if invocation.wantsJSON {
            invocation.output.json(.object([("file", .string(file.path)), ("services", .array(file.serviceNames.map(JSONValue.string))),
                                            ("problems", .array(problems.map(JSONValue.string))), ("warnings", .array(check.warnings.map(JSONValue.string)))]))
        } else if problems.isEmpty {
            // Warnings do not fail the check: the mount may be meant.
            for warning in check.warnings { invocation.output.error(warning) }
            invocation.output.line("\(file.path): \(file.serviceNames.count) service\(file.serviceNames.count == 1 ? "" : "s"), no problems\(check.warnings.isEmpty ? "" : " (\(check.warnings.count) warning\(check.warnings.count == 1 ? "" : "s") above)")\(engineNote)")
        } else {
            for problem in problems + check.warnings { invocation.output.line(problem) }
        }
        return problems.isEmpty ? .success : .failure
    }

    static let up = Command(
        "up", group: group, summary: "Start the services (all, or those named) in the background",
        arguments: [Argument("SERVICE", "services to start (default: all)", completion: .serviceNames, optional: true, variadic: true)],
        flags: [secretFlag],
        examples: ["compose up", "compose up github --secret GITHUB_PERSONAL_ACCESS_TOKEN=claude/github-token"]
    ) { invocation in
        try await run(["up", "--detach"] + invocation.arguments.positionals, try await compose(invocation), invocation)
    }

    static let down = Command(
        "down", group: group, summary: "Stop and remove the services' containers and network",
        flags: [secretFlag],
        examples: ["compose down"]
    ) { invocation in
        // Secrets too: a file with ${VAR:?...} cannot even be read by compose without them.
        try await run(["down"], try await compose(invocation), invocation)
    }

    static let restart = Command(
        "restart", group: group, summary: "Restart the services (all, or those named); a stopped one is started",
        arguments: [Argument("SERVICE", "services to restart (default: all)", completion: .serviceNames, optional: true, variadic: true)],
        flags: [secretFlag],
        examples: ["compose restart", "compose restart github"]
    ) { invocation in
        // `up` starts what is gone or stopped and recreates what the file or the secrets now
        // set differently (a container keeps the environment it was created with); `restart`
        // then restarts the rest.
        let compose = try await compose(invocation)
        let services = invocation.arguments.positionals
        _ = try await run(["up", "--detach"] + services, compose, invocation)
        return try await run(["restart"] + services, compose, invocation)
    }

    static let ps = Command(
        "ps", group: group, summary: "The services' containers: state, health, restarts, uptime",
        flags: [.json],
        examples: ["compose ps", "compose ps --json"]
    ) { invocation in
        let compose = try await compose(invocation)
        let containers = try await compose.containers()
        if invocation.wantsJSON {
            invocation.output.json(.array(containers.map(ComposeHealthCommand.json)))
        } else if containers.isEmpty {
            invocation.output.line("No containers for \(compose.file.path) (project \(compose.project)). Start them: compose up")
        } else {
            let now = Timestamp.now
            let rows = containers.sorted { $0.service < $1.service }.map { container in
                [container.service, container.name, container.state, container.health ?? "-", String(container.restartCount),
                 container.state == "running" ? container.startedAt.map { Timestamp.age(seconds: now - $0) } ?? "-" : "-"]
            }
            invocation.output.line(Table(headers: ["SERVICE", "CONTAINER", "STATE", "HEALTH", "RESTARTS", "UPTIME"], rows: rows, width: invocation.terminalWidth).render())
        }
        return .success
    }

    static let logs = Command(
        "logs", group: group, summary: "A service's log; --follow keeps printing until Ctrl-C",
        arguments: [Argument("SERVICE", "the service", completion: .serviceNames)],
        flags: [
            Flag("tail", value: "N", "only the last N lines"),
            Flag("follow", short: "f", "keep printing new lines (Ctrl-C stops)"),
            secretFlag,
        ],
        examples: ["compose logs github --tail 50", "compose logs github --follow"]
    ) { invocation in
        let compose = try await compose(invocation)
        let output = invocation.output
        try await compose.logs(invocation.arguments.positionals[0], tail: invocation.arguments.value("tail"), follow: invocation.arguments.has("follow")) { line in
            await MainActor.run { output.line(line.value) }
        }
        return .success
    }
}
