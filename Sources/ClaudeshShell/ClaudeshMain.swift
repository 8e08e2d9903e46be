#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeshKit

/// The program: the command line decides between the REPL, scripts, one-shot commands and
/// `__complete`; all of them run commands through one `Session`.
package enum ClaudeshMain {
    static var version: String { Claudesh.version }

    @MainActor
    package static func run(_ argv: [String]) async -> Int32 {
        // A server that exits while claudesh writes to it must cost an error, not the shell:
        // EPIPE instead of death by SIGPIPE. Children get the default back (ChildProcess).
        signal(SIGPIPE, SIG_IGN)
        ServerGuardian.enabled.store(true, ordering: .relaxed)
        useUTF8()
        let early = Output(redactor: .beforeSession)
        let options: StartupOptions
        do {
            options = try StartupOptions.parse(Array(argv.dropFirst()))
        } catch {
            early.error("claudesh: \(error)")
            return ExitStatus.usage.rawValue
        }
        if options.showHelp {
            early.line(StartupOptions.usage)
            return 0
        }
        if options.showVersion {
            early.line("claudesh \(version)")
            return 0
        }
        if let prefix = options.guardPrefix {
            ServerGuardian.watch(prefix: prefix)
            return 0
        }
        var context = SessionContext(environment: .current(), home: options.home)
        context.dryRun = options.dryRun
        context.assumeYes = options.assumeYes
        if options.json { context.settings.output = .json }
        let registry = CommandRegistry(CommandCatalog.all)

        if let words = options.completeWords {
            // One candidate a line: a name that holds a line break cannot be one, and would be two.
            Output(redactor: context.redactor).write(complete(words, registry: registry, context: context).filter { !$0.contains("\n") }.map { $0 + "\n" }.joined())
            return 0
        }

        // The session's output is made with the session's redactor: loaded secrets and anything
        // shaped like a token never leave through it.
        let session = Session(context: context, registry: registry,
                              usesColor: Output.colorWanted(context.settings.color, fd: 1, environment: context.environment))
        if Terminal.canAsk { session.askUser = { Terminal.readAnswer() } }
        let interactive = options.steps.isEmpty && isatty(0) == 1
        Interrupts.install(exitWhenIdle: !interactive)

        let status = await drive(session, options: options, interactive: interactive)
        // Connected servers end as the spec says, not by the parent-death signal. Only when there
        // are any: the kit's async work runs on the pool, whose threads a command that connected
        // nothing (`-c help`, a TAB) would start for nothing (three threads, 0.1 ms).
        if !session.context.clients.connected.isEmpty {
            _ = try? await Workspace(session.context).disconnect([])
        }
        return status
    }

    /// Runs what the command line asks: the prompt, standard input, or the steps in order.
    @MainActor
    private static func drive(_ session: Session, options: StartupOptions, interactive: Bool) async -> Int32 {
        let context = session.context
        if options.steps.isEmpty {
            if interactive {
                return await Repl.run(session: session, runRC: options.runRC).rawValue
            }
            let frame = ScriptFrame(name: "<stdin>", directory: context.environment.currentDirectory, arguments: [])
            return await ScriptRunner.run(LineSource(fd: 0, closesOnEnd: false), frame: frame, in: session).rawValue
        }
        for step in options.steps {
            let status: ExitStatus
            switch step {
            case .command(let text):
                status = await Interrupts.runInCurrentTask { await session.execute(line: text) }
            case .oneShot(let words):
                status = await Interrupts.runInCurrentTask { await session.execute(words: words) }
            case .script(let path, let arguments):
                status = await ScriptRunner.run(path: path, arguments: arguments, relativeTo: context.environment.currentDirectory, in: session)
            }
            if let exit = session.exitRequest { return exit.rawValue }
            if let signal = Interrupts.termination { return 128 + signal }
            if !status.isSuccess { return status.rawValue }
        }
        return 0
    }

    /// The user's locale for characters, before libedit starts, or UTF-8 input breaks; where
    /// that is not UTF-8 (LANG unset, as for root on many servers), a UTF-8 one all the same.
    static func useUTF8() {
        setlocale(LC_CTYPE, "")
        guard String(cString: nl_langinfo(nl_item(CODESET))) != "UTF-8" else { return }
        for name in ["C.UTF-8", "en_US.UTF-8", "UTF-8"] where setlocale(LC_CTYPE, name) != nil { return }
    }

    /// Candidates for `claudesh __complete WORDS...`: the last word is the one being completed.
    @MainActor
    static func complete(_ words: [String], registry: CommandRegistry, context: SessionContext) -> [String] {
        var prior = Array(words.dropLast())
        let partial = words.last ?? ""
        // The program's own options come before the command; step over them.
        while let first = prior.first, first.hasPrefix("-") {
            prior.removeFirst()
            let takesValue = ["--home", "-c", "--command", "-f", "--file"].contains(first)
            if takesValue && prior.isEmpty {
                // The word being completed is this option's value.
                if first == "--home" { return PathCompletion.candidates(for: partial, environment: context.environment, directoriesOnly: true) }
                if first == "-f" || first == "--file" { return PathCompletion.candidates(for: partial, environment: context.environment, directoriesOnly: false) }
                return []
            }
            if first == "-f" || first == "--file" { return PathCompletion.candidates(for: partial, environment: context.environment, directoriesOnly: false) }
            if takesValue { prior.removeFirst() }
        }
        if prior.isEmpty && partial.hasPrefix("-") {
            let globals = ["--command", "--file", "--home", "--no-rc", "--yes", "--dry-run", "--json", "--help", "--version"]
            return globals.filter { $0.hasPrefix(partial) }
        }
        return Completer(registry: registry, context: context).candidates(words: prior, partial: partial)
    }
}
