import Testing
@testable import ClaudeshShell

@MainActor
struct RegistryTests {
    let registry = CommandRegistry(sampleCommands)

    @Test func exactNamesAndAliases() throws {
        #expect(try registry.resolve(["help"]).path == ["help"])
        #expect(try registry.resolve(["quit"]).path == ["exit"])
        #expect(try registry.resolve(["mcp", "check", "github"]).rest == ["github"])
    }

    @Test func uniquePrefixesAbbreviate() throws {
        #expect(try registry.resolve(["hel"]).path == ["help"])
        #expect(try registry.resolve(["mc", "ch", "x"]).path == ["mcp", "check"])
        #expect(try registry.resolve(["hist"]).path == ["history"])
    }

    @Test func ambiguousPrefixListsTheCandidates() {
        let error = #expect(throws: ShellError.self) { try registry.resolve(["h"]) }
        #expect(error == .usage("ambiguous command 'h': help, history, health"))
    }

    @Test func unknownCommandSuggestsTheNearest() {
        #expect(#expect(throws: ShellError.self) { try registry.resolve(["hepl"]) } == .usage("unknown command 'hepl': did you mean 'help'?"))
        #expect(#expect(throws: ShellError.self) { try registry.resolve(["mcp", "chek"]) } == .usage("unknown subcommand 'chek' of 'mcp': did you mean 'check'?"))
        #expect(#expect(throws: ShellError.self) { try registry.resolve(["zzzzzz"], atPrompt: true) } == .usage("unknown command 'zzzzzz'; type 'help' for the list"))
    }

    @Test func awayFromThePromptErrorsNameTheProgramsHelp() async {
        #expect(#expect(throws: ShellError.self) { try registry.resolve(["zzzzzz"]) } == .usage("unknown command 'zzzzzz'; run 'claudesh help' for the list"))
        #expect(#expect(throws: ShellError.self) { try registry.resolve(["mcp", "zzzzzz"]) } == .usage("unknown subcommand 'zzzzzz' of 'mcp'; see 'claudesh help mcp'"))
        let session = makeSession()
        #expect(await session.execute(line: "zzzzzz") == .usage)
        #expect(session.output.capturedErrors.contains("run 'claudesh help' for the list"))
        session.isInteractive = true
        #expect(await session.execute(line: "zzzzzz") == .usage)
        #expect(session.output.capturedErrors.hasSuffix("unknown command 'zzzzzz'; type 'help' for the list\n"))
    }

    @Test func anUnknownFlagOfAGroupIsNamed() async {
        #expect(#expect(throws: ShellError.self) { try registry.resolve(["mcp", "--bogus"]) } == .usage("unknown flag '--bogus' of 'mcp' (see 'mcp --help')"))
        let session = makeSession()
        #expect(await session.execute(line: "mcp --bogus") == .usage)
    }

    @Test func theOverviewsPrefixExampleIsUnique() throws {
        let overview = HelpFormatter.overview(CommandRegistry(CommandCatalog.all))
        let example = try #require(overview.firstMatch(of: /unique prefixes work \('(\w+)' is '(\w+)'\)/))
        #expect(try CommandRegistry(CommandCatalog.all).resolve([String(example.1)]).path == [String(example.2)])
    }

    @Test func noHelpScreenSaysRepeatableTwice() {
        func check(_ command: Command, path: String) {
            let help = HelpFormatter.detail(of: command, path: path)
            for line in help.split(separator: "\n") {
                #expect(line.ranges(of: "repeatable").count <= 1, "\(path): \(line)")
            }
            for sub in command.subcommands { check(sub, path: path + " " + sub.name) }
        }
        for command in CommandCatalog.all { check(command, path: command.name) }
    }

    @Test func oneServerPassingIsSaidInTheSingular() {
        #expect(MCPCheckCommands.allPassed(1) == "1 passed")
        #expect(MCPCheckCommands.allPassed(3) == "All 3 passed")
    }

    @Test func groupWithoutSubcommandNamesThem() {
        let error = #expect(throws: ShellError.self) { try registry.resolve(["mcp"]) }
        #expect(error == .usage("'mcp' needs a subcommand: list, check, add"))
    }

    @Test func helpOfAGroupShowsItsSubcommands() async throws {
        // What the error above points to: `help mcp`.
        #expect(try registry.resolve(["mcp"], group: true).path == ["mcp"])
        let session = makeSession()
        let status = await session.execute(words: ["help", "backup"])
        #expect(status == .success)
        #expect(session.output.captured.contains("usage: backup <create|list|verify|restore|prune>"), "\(session.output.captured)")
    }

    @Test func parsesFlagsAndPositionals() throws {
        let add = try registry.resolve(["mcp", "add"]).command
        let parsed = try ParsedArguments.parse(["time", "--env", "A=1", "-e", "B=2", "--env=C=3", "--", "uvx", "--flag", "-x"], for: add, path: "mcp add")
        #expect(parsed.positionals == ["time", "uvx", "--flag", "-x"])
        #expect(parsed.values("env") == ["A=1", "B=2", "C=3"])
    }

    @Test func flagErrorsAreUsageErrors() throws {
        let check = try registry.resolve(["mcp", "check"]).command
        #expect(#expect(throws: ShellError.self) { try ParsedArguments.parse(["--timout", "3"], for: check, path: "mcp check") }
            == .usage("unknown flag --timout for 'mcp check'; did you mean --timeout? (see 'mcp check --help')"))
        #expect(#expect(throws: ShellError.self) { try ParsedArguments.parse(["--timeout"], for: check, path: "mcp check") }
            == .usage("--timeout needs a value (S); see 'mcp check --help'"))
        #expect(#expect(throws: ShellError.self) { try ParsedArguments.parse(["--json", "--json"], for: check, path: "mcp check") }
            == .usage("--json is given twice"))
        #expect(#expect(throws: ShellError.self) { try ParsedArguments.parse(["--json=1"], for: check, path: "mcp check") }
            == .usage("--json takes no value"))
    }

    @Test func argumentCountsAreChecked() throws {
        let set = try registry.resolve(["unset"]).command
        #expect(#expect(throws: ShellError.self) { try ParsedArguments.parse([], for: set, path: "unset") } == .usage("missing NAME (usage: unset NAME)"))
        #expect(#expect(throws: ShellError.self) { try ParsedArguments.parse(["a", "b"], for: set, path: "unset") } == .usage("unexpected argument 'b' (usage: unset NAME)"))
    }

    @Test func helpFlagAndNegativeNumbers() throws {
        let sleep = try registry.resolve(["sleep"]).command
        #expect(try ParsedArguments.parse(["--help"], for: sleep, path: "sleep").wantsHelp)
        #expect(try ParsedArguments.parse(["-1"], for: sleep, path: "sleep").positionals == ["-1"])
    }

    @Test func rawArgumentsPassFlagsThrough() throws {
        let tryCommand = try registry.resolve(["try"]).command
        #expect(try ParsedArguments.parse(["mcp", "check", "--json"], for: tryCommand, path: "try").positionals == ["mcp", "check", "--json"])
    }

    @Test func usageIsDerivedFromTheDeclaration() throws {
        let match = try registry.resolve(["mcp", "add"])
        #expect(HelpFormatter.usage(of: match.command, path: match.pathText) == "mcp add [--env K=V]... NAME COMMAND...")
        #expect(HelpFormatter.usage(of: try registry.resolve(["history"]).command, path: "history") == "history [--json] [N]")
    }

    @Test func helpListsEveryVisibleCommandOnce() {
        let overview = HelpFormatter.overview(registry)
        for command in registry.commands where !command.isHidden {
            #expect(overview.contains("  \(command.name) "), "\(command.name) missing from help")
        }
    }
}
