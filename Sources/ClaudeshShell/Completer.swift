import ClaudeshKit

/// Tab completion from the command registry: command names, subcommands, flags and argument
/// values, for the REPL and for `claudesh __complete` alike.
@MainActor
package struct Completer {
    let registry: CommandRegistry
    let context: SessionContext

    package init(registry: CommandRegistry, context: SessionContext) {
        self.registry = registry
        self.context = context
    }

    /// The candidates for `partial` after the whole words `words`, sorted, each starting with `partial`.
    func candidates(words: [String], partial: String) -> [String] {
        Self.sortedUnique(Self.keeping(rawCandidates(words: words[...], partial: partial), startingWith: partial))
    }

    // The helpers that run a closure per candidate are nonisolated: a closure isolated to the
    // main actor checks the executor on every call, which on a list of 10,000 costs more than
    // the work itself.

    nonisolated static func keeping(_ values: [String], startingWith prefix: String) -> [String] {
        var kept = values
        kept.removeAll { !$0.hasPrefix(prefix) }
        return kept
    }

    private func rawCandidates(words: ArraySlice<String>, partial: String) -> [String] {
        guard let first = words.first else { return names(of: registry.commands) }
        guard var command = try? CommandRegistry.lookup(first, in: registry.commands, within: nil) else { return [] }
        var rest = words.dropFirst()
        while !command.subcommands.isEmpty {
            guard let next = rest.first else {
                if partial.hasPrefix("-") && command.handler != nil { break }
                return names(of: command.subcommands)
            }
            guard let sub = try? CommandRegistry.lookup(next, in: command.subcommands, within: command.name) else { return [] }
            command = sub
            rest = rest.dropFirst()
        }
        if command.takesRawArguments {
            return values(for: command.arguments.first?.completion ?? .none, words: rest, positionals: Array(rest), partial: partial)
        }
        // Walk the words as the parser would, to know what the partial word is.
        var positionals: [String] = []
        var used = Set<String>()
        var given: [String: String] = [:]
        var flagsEnded = false
        var index = rest.startIndex
        while index < rest.endIndex {
            let word = rest[index]
            index += 1
            if !flagsEnded, word == "--" { flagsEnded = true; continue }
            if !flagsEnded, word.hasPrefix("--"), let flag = command.flag(named: String(word.dropFirst(2).prefix { $0 != "=" })) {
                used.insert(flag.name)
                if flag.valueName != nil, let equals = word.firstIndex(of: "=") {
                    given[flag.name] = String(word[word.index(after: equals)...])
                } else if flag.valueName != nil {
                    if index == rest.endIndex { return values(for: flag.completion, words: [], positionals: positionals, flags: given, partial: partial) }
                    given[flag.name] = rest[index]
                    index += 1
                }
                continue
            }
            if !flagsEnded, word.count == 2, word.hasPrefix("-"), let flag = command.flag(short: word.last!) {
                used.insert(flag.name)
                if flag.valueName != nil {
                    if index == rest.endIndex { return values(for: flag.completion, words: [], positionals: positionals, flags: given, partial: partial) }
                    given[flag.name] = rest[index]
                    index += 1
                }
                continue
            }
            positionals.append(word)
        }
        if !flagsEnded && partial.hasPrefix("-") {
            return command.flags.filter { $0.isRepeatable || !used.contains($0.name) }.map { "--" + $0.name } + ["--help"]
        }
        guard let argument = argument(at: positionals.count, of: command) else { return [] }
        return values(for: argument.completion, words: [], positionals: positionals, flags: given, partial: partial)
    }

    private func argument(at position: Int, of command: Command) -> Argument? {
        if position < command.arguments.count { return command.arguments[position] }
        if let last = command.arguments.last, last.isVariadic { return last }
        return nil
    }

    private func values(for completion: Completion, words: ArraySlice<String>, positionals: [String], flags: [String: String] = [:], partial: String) -> [String] {
        switch completion {
        case .none: return []
        case .path: return PathCompletion.candidates(for: partial, environment: context.environment, directoriesOnly: false)
        case .directory: return PathCompletion.candidates(for: partial, environment: context.environment, directoriesOnly: true)
        case .choices(let choices): return choices
        case .commandLine: return rawCandidates(words: ArraySlice(positionals), partial: partial)
        case .commandName:
            var level = registry.commands
            for word in positionals {
                guard let command = try? CommandRegistry.lookup(word, in: level, within: nil) else { return [] }
                level = command.subcommands
            }
            return names(of: level)
        case .custom(let provide):
            return provide(CompletionInput(partial: partial, positionals: positionals, flags: flags, context: context))
        }
    }

    private func names(of commands: [Command]) -> [String] {
        commands.filter { !$0.isHidden }.flatMap { [$0.name] + $0.aliases }
    }

    /// Sorted by bytes, without repeats; byte order is what users see in `ls` under LC_COLLATE=C.
    nonisolated static func sortedUnique(_ values: [String]) -> [String] {
        if values.allSatisfy(isASCII) {
            // On ASCII, String's `<` is byte order at memcmp speed, several times faster than
            // comparing UTF-8 views; and equal strings are equal bytes, so sorting puts repeats
            // next to each other and no Set is needed.
            var sorted = values.sorted()
            var kept = 0
            for index in sorted.indices where kept == 0 || sorted[index] != sorted[kept - 1] {
                sorted.swapAt(kept, index)
                kept += 1
            }
            sorted.removeSubrange(kept...)
            return sorted
        }
        // Elsewhere `<` and `==` follow canonical equivalence, not bytes.
        var seen = Set<String>()
        var unique = values.filter { seen.insert($0).inserted }
        unique.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return unique
    }

    nonisolated static func isASCII(_ value: String) -> Bool {
        value.utf8.allSatisfy { $0 < 0x80 }
    }
}

/// How a TAB changes the line: text to insert at the cursor, or candidates to list.
package struct CompletionEdit: Equatable, Sendable {
    var insertion: String
    package var listing: [String]
}

extension Completer {
    /// What TAB does to a line typed up to the cursor: complete the unique candidate (and close
    /// its quote and add a space), extend to the longest common prefix, or list the candidates.
    package func edit(forLineBeforeCursor text: String, expansion: Tokenizer.Expansion) -> CompletionEdit {
        let partial = Tokenizer.partial(text, expansion: expansion)
        let found = candidates(words: partial.words, partial: partial.current)
        guard !found.isEmpty else { return CompletionEdit(insertion: "", listing: []) }
        let typed = partial.current.count
        if found.count == 1 {
            let completion = String(found[0].dropFirst(typed))
            var insertion = Self.escape(completion, in: partial.openQuote)
            // A folder or `NAME=` is not finished: its value comes next, so no space.
            if !found[0].hasSuffix("/") && !found[0].hasSuffix("=") {
                if let quote = partial.openQuote { insertion.append(quote) }
                insertion += " "
            }
            return CompletionEdit(insertion: insertion, listing: [])
        }
        let common = Self.commonPrefix(found)
        if common.count > typed {
            return CompletionEdit(insertion: Self.escape(String(common.dropFirst(typed)), in: partial.openQuote), listing: [])
        }
        return CompletionEdit(insertion: "", listing: found)
    }

    /// The longest run of characters (not bytes) that every value starts with.
    nonisolated static func commonPrefix(_ values: [String]) -> String {
        guard let first = values.first else { return "" }
        // Comparing Characters means finding grapheme boundaries, which dominates a TAB that
        // lists thousands of candidates. In ASCII every byte is a character except CR LF, so
        // bytes will do while the prefix is ASCII without CR and no value goes on after the
        // common bytes with a byte that could join the last character (a combining mark).
        var prefix = Array(first.utf8)
        if prefix.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) {
            var bytesAreCharacters = true
            for value in values.dropFirst() {
                var bytes = value.utf8.makeIterator()
                var matched = 0
                var next = bytes.next()
                while let byte = next, matched < prefix.count, byte == prefix[matched] {
                    matched += 1
                    next = bytes.next()
                }
                if let byte = next, byte >= 0x80 {
                    bytesAreCharacters = false
                    break
                }
                prefix.removeSubrange(matched...)
                if prefix.isEmpty { return "" }
            }
            if bytesAreCharacters { return String(decoding: prefix, as: UTF8.self) }
        }
        return commonCharacterPrefix(values)
    }

    nonisolated static func commonCharacterPrefix(_ values: [String]) -> String {
        guard var prefix = values.first.map(Array.init) else { return "" }
        for value in values.dropFirst() {
            var matched = 0
            for (a, b) in zip(prefix, value) {
                if a != b { break }
                matched += 1
            }
            prefix.removeSubrange(matched...)
            if prefix.isEmpty { break }
        }
        return String(prefix)
    }

    /// `text` written so the tokenizer reads it back as it is, inside `quote` or bare.
    static func escape(_ text: String, in quote: Character?) -> String {
        var out = ""
        for character in text {
            switch quote {
            case "'":
                out += character == "'" ? "'\\''" : String(character)
            case "\"":
                if character == "\"" || character == "\\" || character == "$" || character == "`" { out += "\\" }
                out.append(character)
            default:
                // A backslash before a line break continues the line, dropping the break: quote it.
                if character == "\n" { out += "'\n'"; continue }
                if " \t'\"\\$#;&|<>()`*?[]{}!".contains(character) { out += "\\" }
                out.append(character)
            }
        }
        return out
    }
}
