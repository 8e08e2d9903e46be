/// The session's compose file on the engine the docker CLI talks to, with secrets.
extension Workspace {
    /// The compose file and the secrets compose gets: each `ENV=NAME` of `references` (decrypted
    /// unless loaded), and each loaded secret under its last name part in capitals
    /// (`claude/github-token` as `GITHUB_TOKEN`) when the file uses that variable. Secrets reach
    /// containers through compose's environment, never through the file.
    package func compose(secrets references: [String] = []) async throws -> ComposeSession {
        let file = try ComposeFile(path: settings.composeFile)
        var secrets: [String: String] = [:]
        let wanted = file.referencedVariables
        for name in context.vault.names {
            if let variable = Self.variableName(forSecret: name), wanted.contains(variable), let value = context.vault.value(of: name) { secrets[variable] = value }
        }
        for text in references {
            let reference = try SecretReference(parsing: text)
            secrets[reference.variable] = try await secret(named: reference.name)
        }
        var environment = self.environment.variables
        environment.merge(secrets) { $1 }
        let plain = DockerEngine(environment: environment)
        let found: Result<DockerEngine.Compose, DockerError>
        do { found = .success(try await plain.compose()) } catch let error as DockerError { found = .failure(error) }
        var engine = plain
        if case .success(let compose) = found { engine = DockerEngine(environment: await plain.environment(for: compose)) }
        let home = self.environment.userHome
        let secretFolders = [keyringFolder, store.directory] + [".gnupg", ".password-store", ".ssh", ".aws", ".docker"].map { Path.join(home, $0) }
        return ComposeSession(file: file, engine: engine, found: found, project: file.projectName(environment: environment),
                              secrets: secrets, redactor: redactor.adding(secrets.values), secretFolders: Array(Set(secretFolders)).sorted())
    }

    /// The variable a loaded secret is offered to compose as.
    static func variableName(forSecret name: String) -> String? {
        let last = Path.lastComponent(of: name).uppercased().replacing("-", with: "_").replacing(".", with: "_")
        return SessionContext.isValidVariableName(last) ? last : nil
    }

    /// What `compose init` did.
    package enum ComposeInit: Sendable, Equatable {
        /// A file is there and was left as it is; whether it is the classic one.
        case alreadyThere(classic: Bool)
        case wouldWrite
        case written
    }

    /// Writes the classic compose file to the compose-file setting; one that is there is left
    /// as it is unless `force` (an installer's second run).
    package func writeClassicComposeFile(force: Bool) throws -> ComposeInit {
        let path = settings.composeFile
        if Path.kind(of: path) != .missing && !force {
            return .alreadyThere(classic: (try? FileIO.read(path)) == Array(ComposeTemplate.text.utf8))
        }
        guard !dryRun else { return .wouldWrite }
        try FileIO.makeDirectory(Path.directory(of: path))
        // The folder the filesystem server is given (its mount must exist, or Docker makes it
        // as root).
        try FileIO.makeDirectory(Path.join(Path.directory(of: path), "shared"))
        try AtomicFile.write(Array(ComposeTemplate.text.utf8), to: path, mode: 0o600)
        return .written
    }

    /// The compose services as health checks: a missing file is nothing to check, an engine
    /// that does not answer is a failure.
    func containerChecks() async -> [HealthReport.Check] {
        let path = settings.composeFile
        guard Path.kind(of: path) == .file else { return [.init(.containers, "compose", .off, "no compose file at \(path): compose init")] }
        do {
            let compose = try await compose()
            let services = try await compose.serviceHealth(try await compose.containers())
            return services.isEmpty ? [.init(.containers, "compose", .off, "no services in \(path)")] : HealthChecks.containers(services)
        } catch {
            return [.init(.containers, "compose", .failed, "\(error)")]
        }
    }
}

/// What a compose command works with: the file, its project name, the engine with the
/// environment compose runs in (secrets included), and the redactor that masks them.
package struct ComposeSession: Sendable {
    package let file: ComposeFile
    let engine: DockerEngine
    /// Compose v2 or v1, found once; or why there is none (`config` checks the file without it).
    let found: Result<DockerEngine.Compose, DockerError>
    var compose: DockerEngine.Compose { get throws { try found.get() } }
    package let project: String
    /// The secret values compose got.
    package let secrets: [String: String]
    /// The session's redactor, masking as well the secrets compose got.
    let redactor: Redactor
    /// Folders that hold keys and secrets (the keyring, the store, ~/.ssh...): no container
    /// should be given one.
    let secretFolders: [String]

    /// The containers of the project.
    package func containers() async throws -> [DockerEngine.Container] {
        try await engine.containers(project: project)
    }

    /// Each service compose runs with its containers; a service behind a profile that is not
    /// active is not expected to run.
    func serviceHealth(_ containers: [DockerEngine.Container]) async throws -> [ServiceHealth] {
        ServiceHealth.report(services: try await services(), containers: containers)
    }

    /// Each service's health, its running containers' memory read from the engine.
    package func health() async throws -> [ServiceHealth] {
        var containers = try await containers()
        let usage = await engine.memoryUsage(of: containers.filter { $0.state == "running" }.map { $0.id })
        for index in containers.indices { containers[index].memoryUsage = usage[containers[index].id] }
        return try await serviceHealth(containers)
    }

    /// The services compose runs, as compose itself reads the file (`include:`, `extends:`,
    /// profiles), so that claudesh and compose never disagree on what the file means: v2's
    /// `config --format json` lists the services of the active profiles; v1's normalised
    /// `config` lists them all, and the profiles COMPOSE_PROFILES names are applied to it.
    /// Without compose, claudesh's own reading of the file.
    package func services() async throws -> [String] {
        guard let compose = try? self.compose else { return file.activeServiceNames(environment: engine.environment) }
        let result = try await engine.run(try words(compose == .v2 ? ["config", "--format", "json"] : ["config"]), timeout: .seconds(60))
        guard result.termination.isSuccess else {
            throw OperationError.failed(clean("\(compose.name) config: \(engine.problem(result, engineAnswered: true))"))
        }
        let names: [String]
        switch compose {
        case .v2:
            guard case .object(let services)? = try JSONParser.parse(result.output)["services"] else {
                throw OperationError.failed("\(compose.name) config printed no services for \(file.path)")
            }
            names = services.map { $0.0 }
        case .v1:
            names = try ComposeFile(text: result.outputText, path: file.path).activeServiceNames(environment: engine.environment)
        }
        // In the file's order (compose sorts them); those the file does not hold (an include's) after.
        let order = file.serviceNames
        return names.enumerated().sorted { ((order.firstIndex(of: $0.element) ?? order.count), $0.offset) < ((order.firstIndex(of: $1.element) ?? order.count), $1.offset) }.map { $0.element }
    }

    /// Text from compose or a container made safe to show: secrets masked, compose v1's
    /// tracebacks cut to their last line, v2's erase-line sequences taken out.
    func clean(_ text: String) -> String {
        redactor.redact(DockerEngine.withoutLineErase(DockerEngine.withoutTraceback(text)))
    }

    /// `docker compose --file FILE --project-name PROJECT ARGS` (or docker-compose).
    package func words(_ arguments: [String]) throws -> [String] {
        try compose.command + ["--file", file.path, "--project-name", project] + arguments
    }

    /// What a compose run printed, cleaned, and why it failed (nil when it did not).
    package struct Run: Sendable {
        var text: String
        package var failure: String?

        /// What of it to show, ending in a line break: all of it, or after a failure its last
        /// lines, where compose says what went wrong.
        package var shown: String {
            guard !text.isEmpty else { return "" }
            let body = failure == nil ? text : text.split(separator: "\n", omittingEmptySubsequences: false).suffix(12).joined(separator: "\n")
            return body + (text.hasSuffix("\n") ? "" : "\n")
        }
    }

    /// Runs compose with `arguments` once the engine answered (without one, compose v1 answers
    /// with a Python traceback).
    package func run(_ arguments: [String], timeout: Duration? = nil) async throws -> Run {
        let words = try words(arguments)
        let compose = try self.compose
        _ = try await engine.serverVersion()
        let result = try await engine.run(words, timeout: timeout)
        let text = clean(result.outputText + result.errorText)
        guard result.termination.isSuccess else {
            let problem = engine.problem(result, engineAnswered: true)
            return Run(text: text, failure: clean("\(compose.name) \(arguments.first ?? "") failed: \(problem)"))
        }
        return Run(text: text, failure: nil)
    }

    /// `compose config`: claudesh's lint of the file, then compose's own reading of it when an
    /// engine answers.
    package struct Check: Sendable {
        package var problems: [String]
        /// Whether compose read the file too: nil when no engine could be reached.
        package var composeAgreed: String?
        /// What is allowed but unwise: a mount that hands a container a folder of secrets.
        package var warnings: [String] = []
    }

    package func check() async throws -> Check {
        let dotEnv = file.dotEnv
        let lookup = { (name: String) in engine.environment[name] ?? dotEnv[name] }
        var check = Check(problems: file.problems(lookup: lookup).map { "\(file.path):\($0)" })
        check.warnings = (file.emptyPassedVariables(lookup: lookup) + file.secretFolderMounts(lookup: lookup, secretFolders: secretFolders))
            .sorted { ($0.line, $0.column) < ($1.line, $1.column) }.map { "\(file.path):\($0)" }
        guard check.problems.isEmpty, let compose = try? self.compose, (try? await engine.serverVersion()) != nil else { return check }
        let result = try await engine.run(try words(["config", "--quiet"]), timeout: .seconds(60))
        if !result.termination.isSuccess {
            let said = clean(result.errorText).split(separator: "\n").map(String.init).filter { !$0.trimmingWhitespace.isEmpty }
            check.problems.append("\(compose.name) config: " + (said.isEmpty ? result.termination.description : said.joined(separator: "\n  ")))
        } else {
            check.composeAgreed = compose.name
        }
        return check
    }

    /// `compose logs SERVICE`, each line masked as it arrives; ends with `--follow` only when
    /// cancelled.
    package func logs(_ service: String, tail: String?, follow: Bool, onLine: @escaping @Sendable (Redacted<String>) async -> Void) async throws {
        let services = try await self.services()
        guard services.contains(service) else {
            throw OperationError.usage("no service '\(service.clipped())' in \(file.path)" + (Suggestions.closest(to: service, among: services).map { " (did you mean '\($0)'?)" } ?? ""))
        }
        var arguments = ["logs", "--no-color"]
        if let tail {
            guard let count = Int(tail), count >= 0 else { throw OperationError.usage("--tail takes a number of lines, not '\(tail.clipped())'") }
            arguments += ["--tail", String(count)]
        }
        if follow { arguments.append("--follow") }
        let words = try words(arguments + [service])
        _ = try await engine.serverVersion()
        // A container may print the secrets it was given: they are masked like loaded ones.
        let redactor = self.redactor
        let result = try await ProcessRunner.stream(ProcessSpec(words[0], Array(words.dropFirst()), environment: engine.environment)) { line in
            await onLine(redactor.seal(String(DockerEngine.withoutLineErase(line[...]))))
        }
        guard result.termination.isSuccess else { throw OperationError.failed(clean("logs of \(service): \(engine.problem(result, engineAnswered: true))")) }
    }
}
