import ClaudeshKit

/// The session's compose file, the engine, service-name completion, and the environment
/// compose runs with: the session's, with secrets added (never written into the file).
enum ComposeAccess {
    @MainActor
    static func file(_ invocation: Invocation) throws -> ComposeFile {
        try ComposeFile(path: invocation.session.context.settings.composeFile)
    }

    static func engine(_ context: SessionContext) -> DockerEngine {
        DockerEngine(environment: context.environment.variables)
    }

    /// Service names of the session's compose file, not yet on the line.
    static let serviceNames = Completion.custom { input in
        ((try? ComposeFile(path: input.context.settings.composeFile))?.serviceNames ?? []).filter { !input.positionals.contains($0) }
    }

    /// The variable a loaded secret is offered to compose as: its last name part in capitals,
    /// `-` as `_` (`claude/github-token` → `GITHUB_TOKEN`).
    static func variableName(forSecret name: String) -> String? {
        let last = Path.lastComponent(of: name).uppercased().replacing("-", with: "_").replacing(".", with: "_")
        return SessionContext.isValidVariableName(last) ? last : nil
    }

    /// The secrets compose gets in its environment: every loaded one under its variable name,
    /// and each `--secret ENV=NAME` (decrypted unless loaded).
    @MainActor
    static func secretEnvironment(_ invocation: Invocation) async throws -> [String: String] {
        let context = invocation.session.context
        var variables: [String: String] = [:]
        for name in context.vault.names {
            if let variable = variableName(forSecret: name), let value = context.vault.value(of: name) { variables[variable] = value }
        }
        for text in invocation.arguments.values("secret") {
            let reference = try SecretReference(parsing: text)
            variables[reference.variable] = try await SecretsCommands.loadedOrDecrypted(reference.name, context)
        }
        return variables
    }

    /// The compose command line for the session's file: `docker compose -f FILE -p PROJECT ARGS`.
    static func words(_ compose: DockerEngine.Compose, _ file: ComposeFile, _ arguments: [String]) -> [String] {
        compose.command + ["--file", file.path, "--project-name", file.projectName] + arguments
    }

    /// Runs compose with `arguments`; its output is shown (redacted) and a failure says why.
    @MainActor
    static func run(_ arguments: [String], _ invocation: Invocation, secrets: [String: String] = [:], timeout: Duration? = nil) async throws -> ExitStatus {
        let context = invocation.session.context
        let file = try file(invocation)
        let engine = engine(context)
        let compose = try await engine.compose()
        let words = words(compose, file, arguments)
        // Ask the engine first: without one, compose v1 answers with a Python traceback.
        if !context.dryRun { _ = try await engine.serverVersion() }
        if context.dryRun {
            invocation.output.line("would run: \(words.joined(separator: " "))" + (secrets.isEmpty ? "" : " with \(secrets.keys.sorted().joined(separator: ", ")) in its environment") + " (dry run)")
            return .success
        }
        let result = try await engine.run(words, extra: secrets, timeout: timeout)
        let text = result.outputText + result.errorText
        guard result.termination.isSuccess else {
            // The engine's own reason when it is the engine; else compose's last words.
            let problem = engine.problem(result)
            if case .failed = problem, !text.isEmpty {
                // Compose's own account, its end: where it says what went wrong.
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false).suffix(12)
                invocation.output.write(lines.joined(separator: "\n") + (text.hasSuffix("\n") ? "" : "\n"))
            }
            throw ShellError.failed("\(compose.name) \(arguments.first ?? "") failed: \(problem)")
        }
        if !text.isEmpty { invocation.output.write(text.hasSuffix("\n") ? text : text + "\n") }
        return .success
    }
}
