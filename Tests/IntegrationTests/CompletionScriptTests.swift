import Foundation
import Testing

/// The completion scripts in completions/, run by real bash, zsh and fish against the built
/// binary: they must ask `claudesh __complete` and hand its answers to the shell intact.
@Suite(.serialized)
struct CompletionScriptTests {
    static let completions = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("completions").path
    static let bashCompletionLibrary = "/usr/share/bash-completion/bash_completion"

    // MARK: bash

    @Test(arguments: [false, true])
    func bashCompletesCommandsAndValues(bashCompletionLoaded: Bool) throws {
        let world = try ShellWorld()
        defer { world.remove() }
        let help = try world.bash(["claudesh", "hel"], bashCompletion: bashCompletionLoaded)
        #expect(help.replies == ["help"])
        #expect(help.registration == "complete -F _claudesh claudesh")
        let output = try world.bash(["claudesh", "set", "output", ""], bashCompletion: bashCompletionLoaded)
        #expect(output.replies == ["json", "table"])
        #expect(!output.options.contains("-o filenames"))
        // Global options before the command are the binary's to skip, not the script's.
        let afterHome = try world.bash(["claudesh", "--home", world.home, "set", "o"], bashCompletion: bashCompletionLoaded)
        #expect(afterHome.replies == ["output"])
    }

    @Test(arguments: [false, true])
    func bashCompletesPathsWithSpacesAsFileNames(bashCompletionLoaded: Bool) throws {
        let world = try ShellWorld()
        defer { world.remove() }
        // However the space was typed, the binary is asked about the same name.
        for typed in [#"my\ f"#, "'my f", "\"my f"] {
            let file = try world.bash(["claudesh", "source", typed], bashCompletion: bashCompletionLoaded)
            #expect(file.replies == ["my file.txt"], "typed \(typed)")
            // Readline quotes file names itself, and only when told they are file names.
            #expect(file.options.contains("-o filenames"), "typed \(typed)")
            #expect(!file.options.contains("-o nospace"), "typed \(typed)")
        }
        let both = try world.bash(["claudesh", "source", "my"], bashCompletion: bashCompletionLoaded)
        #expect(both.replies == ["my dir", "my file.txt"])
    }

    @Test(arguments: [false, true])
    func bashFolderGetsNoSpace(bashCompletionLoaded: Bool) throws {
        let world = try ShellWorld()
        defer { world.remove() }
        let folder = try world.bash(["claudesh", "source", #"my\ d"#], bashCompletion: bashCompletionLoaded)
        // Readline adds the "/" to a folder given as a file name; the binary's slash is dropped
        // so that it is not doubled.
        #expect(folder.replies == ["my dir"])
        #expect(folder.options.contains("-o filenames"))
        #expect(folder.options.contains("-o nospace"))
    }

    @Test(arguments: [false, true])
    func bashKeepsWordsWithEqualsSignsWhole(bashCompletionLoaded: Bool) throws {
        let world = try ShellWorld()
        defer { world.remove() }
        // Bash splits COMP_WORDS at "=", as readline does.
        let option = try world.bash(
            ["claudesh", "--home", "=", world.home, "set", "o"],
            line: "claudesh --home=\(world.home) set o", bashCompletion: bashCompletionLoaded)
        #expect(option.replies == ["output"])
        // Readline replaces only what follows the "=", so that is all the reply may hold.
        let file = try world.bash(["claudesh", "source", "x", "=", "1"], line: "claudesh source x=1", bashCompletion: bashCompletionLoaded)
        #expect(file.replies == ["1.txt"])
    }

    @Test func bashInsertsEscapedPathsAtThePrompt() throws {
        let world = try ShellWorld()
        defer { world.remove() }
        let bash = try ShellWorld.shell("bash")
        var environment = world.environment
        environment["PS1"] = "BASH-READY> "
        let terminal = try PseudoTerminal([bash, "--norc", "--noprofile", "-i"], environment: environment)
        try terminal.expect("BASH-READY> ")
        terminal.send("source '\(Self.completions)/claudesh.bash' && cd '\(world.work)'\r")
        try terminal.expect("BASH-READY> ")

        terminal.send("claudesh hel\t")
        try terminal.expect("claudesh help ")
        try expectPathsQuotedAsOneWord(terminal, prompt: "BASH-READY> ")

        terminal.send("exit\r")
        #expect(terminal.waitForExit() == 0)
    }

    /// A file name with a space completes escaped and reaches the program as one word; a folder
    /// completes without a trailing space. The completed line is run through printf to show the
    /// words the shell would pass.
    private func expectPathsQuotedAsOneWord(_ terminal: PseudoTerminal, prompt: String) throws {
        terminal.send("\u{15}claudesh source my\\ f\t")
        try terminal.expect("my\\ file.txt ")
        terminal.send("\u{1}printf '<%s>' \r")
        try terminal.expect("<claudesh><source><my file.txt>")
        try terminal.expect(prompt)

        terminal.send("claudesh source my\\ d\t")
        try terminal.expect("my\\ dir/")
        terminal.send("X\u{1}printf '<%s>' \r")
        try terminal.expect("<claudesh><source><my dir/X>")
        try terminal.expect(prompt)
    }

    // MARK: zsh

    @Test func zshCompletesAfterCompinit() throws {
        let world = try ShellWorld()
        defer { world.remove() }
        let zsh = try ShellWorld.shell("zsh")
        let terminal = try PseudoTerminal([zsh, "-f"], environment: world.environment)
        // Split in two so that the echo of this line cannot pass for the prompt.
        terminal.send("bindkey -e; PS1='ZSH-''READY> '; fpath=('\(Self.completions)' $fpath); autoload -U compinit && compinit -u -D; cd '\(world.work)'\r")
        try terminal.expect("ZSH-READY> ")

        terminal.send("claudesh hel\t")
        try terminal.expect("claudesh help ")

        terminal.send("\u{15}claudesh set output \t")
        let listing = try terminal.expect("table")
        #expect(listing.contains("json"))

        try expectPathsQuotedAsOneWord(terminal, prompt: "ZSH-READY> ")

        terminal.send("exit\r")
        #expect(terminal.waitForExit() == 0)
    }

    // MARK: fish

    @Test func fishCompletesFromTheBinary() throws {
        let world = try ShellWorld()
        defer { world.remove() }
        #expect(try world.fish("claudesh hel") == ["help"])
        #expect(try world.fish("claudesh set output ") == ["json", "table"])
        #expect(try world.fish("claudesh --home \(world.home) set o") == ["output"])
    }

    @Test func fishCompletesPathsOnlyWhereTheBinaryOffersThem() throws {
        let world = try ShellWorld()
        defer { world.remove() }
        #expect(try world.fish("claudesh source my") == ["my dir/", "my file.txt"])
        #expect(try world.fish(#"claudesh source my\ f"#) == ["my file.txt"])
        #expect(try world.fish("claudesh source 'my d") == ["my dir/"])
        // `set` takes no path, so fish must not fall back to the files in the folder.
        #expect(try world.fish("claudesh set ").allSatisfy { !$0.hasPrefix("my ") })
        #expect(try world.fish("claudesh set ").contains("output"))
    }
}

/// A folder for one test: `bin/claudesh` (first on PATH) is the built binary, `work/` holds
/// names that need quoting, `home/` is HOME.
private struct ShellWorld {
    let root: String
    var bin: String { root + "/bin" }
    var work: String { root + "/work" }
    var home: String { root + "/home" }
    let environment: [String: String]

    init() throws {
        root = Claudesh.temporaryFolder("claudesh-completion")
        let files = FileManager.default
        for folder in [root + "/bin", root + "/home", root + "/work/my dir"] {
            try files.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        try files.createSymbolicLink(atPath: root + "/bin/claudesh", withDestinationPath: Claudesh.binary)
        for name in ["my file.txt", "x=1.txt"] {
            #expect(files.createFile(atPath: root + "/work/" + name, contents: Data()))
        }
        var environment = Claudesh.environment(home: root + "/home")
        environment["PATH"] = root + "/bin:" + (environment["PATH"] ?? "/usr/bin:/bin")
        self.environment = environment
    }

    func remove() { Claudesh.cleanUp(root) }

    static func shell(_ name: String) throws -> String {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/bin:/bin:/usr/local/bin:/opt/homebrew/bin"
        let found = folders.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        return try #require(found, "\(name) is not installed (scripts/test installs it)")
    }

    struct BashResult {
        var replies: [String] = []
        var options: [String] = []
        var registration = ""
    }

    /// Calls `_claudesh` as bash's programmable completion would for `words` (COMP_WORDS, the
    /// last one being completed), with or without the bash-completion library loaded.
    func bash(_ words: [String], line: String? = nil, bashCompletion: Bool) throws -> BashResult {
        if bashCompletion {
            try #require(FileManager.default.fileExists(atPath: CompletionScriptTests.bashCompletionLibrary), "bash-completion is not installed (scripts/test installs it)")
        }
        // compopt only works during a real completion, so it is stood in for to see what is asked.
        let script = """
            if [[ $1 == yes ]]; then source \(CompletionScriptTests.bashCompletionLibrary) || exit 97; fi
            source "$2" || exit 98
            compopt() { printf 'option %s\\n' "$*"; }
            printf 'registration %s\\n' "$(complete -p claudesh)"
            COMP_LINE=$3
            COMP_POINT=${#COMP_LINE}
            shift 3
            COMP_WORDS=("$@")
            COMP_CWORD=$(($# - 1))
            _claudesh || exit 99
            ((${#COMPREPLY[@]} == 0)) || printf 'reply %s\\n' "${COMPREPLY[@]}"
            """
        let arguments = ["-c", script, "bash", bashCompletion ? "yes" : "no", CompletionScriptTests.completions + "/claudesh.bash", line ?? words.joined(separator: " ")] + words
        let result = try run(Self.shell("bash"), arguments)
        #expect(result.status == 0, "bash said: \(result.stderr)")
        var parsed = BashResult()
        for line in result.stdout.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("reply ") { parsed.replies.append(String(line.dropFirst(6))) }
            if line.hasPrefix("option ") { parsed.options.append(String(line.dropFirst(7))) }
            if line.hasPrefix("registration ") { parsed.registration = String(line.dropFirst(13)) }
        }
        return parsed
    }

    /// What fish offers for the command line `line`, with the cursor at its end.
    func fish(_ line: String) throws -> [String] {
        let result = try run(Self.shell("fish"), ["--no-config", "-c", "source $argv[1]; and complete -C $argv[2]", CompletionScriptTests.completions + "/claudesh.fish", line])
        #expect(result.status == 0, "fish said: \(result.stderr)")
        // Each line is a candidate, then a tab and its description if it has one.
        return result.stdout.split(separator: "\n").map { String($0.split(separator: "\t", omittingEmptySubsequences: false)[0]) }
    }

    private func run(_ program: String, _ arguments: [String]) throws -> Claudesh.Result {
        try Claudesh.runProgram(program, arguments, environment: environment, directory: work)
    }
}
