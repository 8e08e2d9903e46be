import ClaudeshKit

/// A command's words sorted into flags and positional arguments, checked against its declaration.
struct ParsedArguments: Sendable, Equatable {
    var positionals: [String] = []
    /// Every value given for each flag, in order; a flag without value records "".
    var flags: [String: [String]] = [:]
    /// `--help` was given.
    var wantsHelp = false

    init(positionals: [String] = [], flags: [String: [String]] = [:]) {
        self.positionals = positionals
        self.flags = flags
    }

    func has(_ flag: String) -> Bool { flags[flag] != nil }
    func value(_ flag: String) -> String? { flags[flag]?.last }
    func values(_ flag: String) -> [String] { flags[flag] ?? [] }
    func positional(_ index: Int) -> String? { index < positionals.count ? positionals[index] : nil }

    /// Parses `words` (what follows the command's name) for `command`.
    static func parse(_ words: [String], for command: Command, path: String) throws(ShellError) -> ParsedArguments {
        var parsed = ParsedArguments()
        if command.takesRawArguments {
            if words.first == "--help" { parsed.wantsHelp = true } else { parsed.positionals = words }
            return parsed
        }
        var index = 0
        var flagsEnded = false
        while index < words.count {
            let word = words[index]
            index += 1
            if flagsEnded || !word.hasPrefix("-") || word == "-" || isNumber(word) {
                parsed.positionals.append(word)
                continue
            }
            if word == "--" {
                flagsEnded = true
                continue
            }
            if word == "--help" || word == "-h" && command.flag(short: "h") == nil {
                parsed.wantsHelp = true
                continue
            }
            var name: String
            var inlineValue: String?
            let flag: Flag
            if word.hasPrefix("--") {
                name = String(word.dropFirst(2))
                if let equals = name.firstIndex(of: "=") {
                    inlineValue = String(name[name.index(after: equals)...])
                    name = String(name[..<equals])
                }
                guard let found = command.flag(named: name) else {
                    throw .usage(unknownFlag("--\(name)", command: command, path: path))
                }
                flag = found
            } else {
                let letters = Array(word.dropFirst())
                guard letters.count == 1, let found = command.flag(short: letters[0]) else {
                    throw .usage(unknownFlag(word, command: command, path: path))
                }
                flag = found
            }
            if flag.valueName != nil {
                if inlineValue == nil {
                    guard index < words.count else {
                        throw .usage("--\(flag.name) needs a value (\(flag.valueName!)); see '\(path) --help'")
                    }
                    inlineValue = words[index]
                    index += 1
                }
            } else if inlineValue != nil {
                throw .usage("--\(flag.name) takes no value")
            }
            if parsed.flags[flag.name] != nil && !flag.isRepeatable {
                throw .usage("--\(flag.name) is given twice")
            }
            parsed.flags[flag.name, default: []].append(inlineValue ?? "")
        }
        if parsed.wantsHelp { return parsed }
        try checkCount(parsed.positionals, for: command, path: path)
        return parsed
    }

    private static func checkCount(_ positionals: [String], for command: Command, path: String) throws(ShellError) {
        let required = command.arguments.filter { !$0.isOptional }
        if positionals.count < required.count {
            let missing = required[positionals.count]
            throw .usage("missing \(missing.name) (usage: \(HelpFormatter.usage(of: command, path: path)))")
        }
        let variadic = command.arguments.last?.isVariadic ?? false
        if !variadic && positionals.count > command.arguments.count {
            let extra = positionals[command.arguments.count]
            throw .usage("unexpected argument '\(extra.clipped())' (usage: \(HelpFormatter.usage(of: command, path: path)))")
        }
    }

    private static func unknownFlag(_ flag: String, command: Command, path: String) -> String {
        let names = command.flags.map { "--" + $0.name } + ["--help"]
        var message = "unknown flag \(flag.clipped()) for '\(path)'"
        if let guess = Suggestions.closest(to: flag, among: names) { message += "; did you mean \(guess)?" }
        return message + " (see '\(path) --help')"
    }

    private static func isNumber(_ word: String) -> Bool {
        word.count > 1 && Double(word) != nil
    }
}
