import ClaudeshKit

/// The command line of the `claudesh` program (psql's startup.c).
struct StartupOptions: Equatable, Sendable {
    /// What to run, in order; empty means the REPL (or commands from a non-terminal stdin).
    enum Step: Equatable, Sendable {
        case command(String)
        case script(path: String, arguments: [String])
        case oneShot([String])
    }

    var home: String?
    var runRC = true
    var assumeYes = false
    var dryRun = false
    var json = false
    var steps: [Step] = []
    /// `claudesh __complete WORDS...`: the words after the program's name.
    var completeWords: [String]?
    /// `claudesh __guard PREFIX`: the guardian of a claudesh's servers (`ServerGuardian`).
    var guardPrefix: String?
    var showHelp = false
    var showVersion = false

    static let usage = """
    usage: claudesh [OPTIONS]                      the interactive shell
           claudesh [OPTIONS] COMMAND [ARGS...]    run one command (for cron)
           claudesh [OPTIONS] FILE.claudesh [ARGS...]
           claudesh [OPTIONS] -f FILE [ARGS...]    run a script
           claudesh [OPTIONS] -c COMMAND ...       run commands (repeatable, in order with -f)
           COMMANDS | claudesh                     run commands from standard input

    options:
      -c, --command CMD   run CMD; may be given more than once
      -f, --file FILE     run the script FILE; the words after it are its $1, $2...
          --home DIR      the claudesh home (default: $CLAUDESH_HOME or ~/.claude)
          --no-rc         do not run HOME/claudeshrc at interactive start
      -y, --yes           answer yes to every confirm
          --dry-run       commands say what they would change instead of changing it
          --json          commands that report data print JSON
      -h, --help          this help; 'claudesh help' lists the commands
          --version       the version

    exit status: 0 success, 1 a command failed or something is unhealthy, 2 usage error,
                 3 a script stopped at an error.
    """

    static func parse(_ arguments: [String]) throws(ShellError) -> StartupOptions {
        var options = StartupOptions()
        var index = 0
        func value(_ flag: String) throws(ShellError) -> String {
            guard index < arguments.count else { throw .usage("\(flag) needs a value") }
            index += 1
            return arguments[index - 1]
        }
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            switch word {
            case "-c", "--command": options.steps.append(.command(try value(word)))
            case "-f", "--file":
                let path = try value(word)
                options.steps.append(.script(path: path, arguments: Array(arguments[index...])))
                return options
            case "--home": options.home = try value(word)
            case "--no-rc": options.runRC = false
            case "-y", "--yes": options.assumeYes = true
            case "--dry-run": options.dryRun = true
            case "--json": options.json = true
            case "-h", "--help": options.showHelp = true
            case "--version": options.showVersion = true
            case "__complete":
                options.completeWords = Array(arguments[index...])
                return options
            case "__guard":
                options.guardPrefix = try value(word)
                return options
            case "--":
                if index < arguments.count { options.steps.append(.oneShot(Array(arguments[index...]))) }
                return options
            default:
                if word.hasPrefix("--home=") {
                    options.home = String(word.dropFirst("--home=".count))
                } else if word.hasPrefix("-") && word != "-" {
                    var message = "unknown option \(word.clipped())"
                    if let guess = Suggestions.closest(to: word, among: ["--command", "--file", "--home", "--no-rc", "--yes", "--dry-run", "--json", "--help", "--version"]) {
                        message += "; did you mean \(guess)?"
                    }
                    throw .usage(message + " (see 'claudesh --help')")
                } else if word.hasSuffix(".claudesh") || word.contains("/") {
                    options.steps.append(.script(path: word, arguments: Array(arguments[index...])))
                    return options
                } else {
                    options.steps.append(.oneShot(Array(arguments[(index - 1)...])))
                    return options
                }
            }
        }
        return options
    }
}
