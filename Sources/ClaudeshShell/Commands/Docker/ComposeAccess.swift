import ClaudeshKit

/// What a compose command works with: the session's compose file, its project name, and the
/// engine with the environment compose runs in (the session's, with secrets added: they reach
/// containers that way, never through the file).
struct ComposeAccess: Sendable {
    let file: ComposeFile
    let engine: DockerEngine
    /// Compose v2 or v1, found once per command; or why there is none (`config` checks the
    /// file without it).
    let found: Result<DockerEngine.Compose, DockerError>
    var compose: DockerEngine.Compose { get throws { try found.get() } }
    let project: String
    /// The secret values compose got: masked in everything it prints.
    let secrets: [String: String]

    /// The file, and the secrets compose gets: each `--secret ENV=NAME` (decrypted unless
    /// loaded), and each loaded secret under its last name part in capitals
    /// (`claude/github-token` as `GITHUB_TOKEN`) when the file uses that variable.
    @MainActor
    static func prepare(_ invocation: Invocation) async throws -> ComposeAccess {
        let context = invocation.session.context
        let file = try ComposeFile(path: context.settings.composeFile)
        var secrets: [String: String] = [:]
        let wanted = file.referencedVariables
        for name in context.vault.names {
            if let variable = variableName(forSecret: name), wanted.contains(variable), let value = context.vault.value(of: name) { secrets[variable] = value }
        }
        for text in invocation.arguments.values("secret") {
            let reference = try SecretReference(parsing: text)
            secrets[reference.variable] = try await SecretsCommands.loadedOrDecrypted(reference.name, context)
        }
        var environment = context.environment.variables
        environment.merge(secrets) { $1 }
        let plain = DockerEngine(environment: environment)
        let found: Result<DockerEngine.Compose, DockerError>
        do { found = .success(try await plain.compose()) } catch let error as DockerError { found = .failure(error) }
        var engine = plain
        if case .success(let compose) = found { engine = DockerEngine(environment: await plain.environment(for: compose)) }
        return ComposeAccess(file: file, engine: engine, found: found, project: file.projectName(environment: environment), secrets: secrets)
    }

    /// Each service of the file with its containers; a service behind a profile that is not
    /// active is not expected to run.
    func serviceHealth(_ containers: [DockerEngine.Container]) -> [ServiceHealth] {
        ServiceHealth.report(services: file.activeServiceNames(environment: engine.environment), containers: containers)
    }

    /// Service names of the session's compose file, not yet on the line.
    static let serviceNames = Completion.custom { input in
        ((try? ComposeFile(path: input.context.settings.composeFile))?.serviceNames ?? []).filter { !input.positionals.contains($0) }
    }

    /// The variable a loaded secret is offered to compose as.
    static func variableName(forSecret name: String) -> String? {
        let last = Path.lastComponent(of: name).uppercased().replacing("-", with: "_").replacing(".", with: "_")
        return SessionContext.isValidVariableName(last) ? last : nil
    }

    /// Text from compose or a container made safe to show: its secrets masked (the output's
    /// own redactor masks loaded ones), compose v1's tracebacks cut to their last line.
    func clean(_ text: String) -> String {
        Redactor(values: secrets.values).redact(DockerEngine.withoutTraceback(text))
    }

    /// `docker compose --file FILE --project-name PROJECT ARGS` (or docker-compose).
    func words(_ arguments: [String]) throws -> [String] {
        try compose.command + ["--file", file.path, "--project-name", project] + arguments
    }

    /// Runs compose with `arguments`; its output is shown, cleaned, and a failure says why.
    @MainActor
    func run(_ arguments: [String], _ invocation: Invocation, timeout: Duration? = nil) async throws -> ExitStatus {
        let words = try words(arguments)
        let compose = try self.compose
        if invocation.session.context.dryRun {
            invocation.output.line("would run: \(words.joined(separator: " "))" + (secrets.isEmpty ? "" : " with \(secrets.keys.sorted().joined(separator: ", ")) in its environment") + " (dry run)")
            return .success
        }
        // Ask the engine first: without one, compose v1 answers with a Python traceback.
        _ = try await engine.serverVersion()
        let result = try await engine.run(words, timeout: timeout)
        let text = clean(result.outputText + result.errorText)
        guard result.termination.isSuccess else {
            let problem = engine.problem(result, engineAnswered: true)
            // Compose's own account, its end: where it says what went wrong.
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).suffix(12)
            if !text.isEmpty { invocation.output.write(lines.joined(separator: "\n") + (text.hasSuffix("\n") ? "" : "\n")) }
            throw ShellError.failed(clean("\(compose.name) \(arguments.first ?? "") failed: \(problem)"))
        }
        if !text.isEmpty { invocation.output.write(text.hasSuffix("\n") ? text : text + "\n") }
        return .success
    }
}
