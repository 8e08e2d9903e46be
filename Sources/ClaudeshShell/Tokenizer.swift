import ClaudeshKit

/// Splits a command line into words: quotes, backslash escapes, `#` comments, line continuation,
/// and `$NAME`, `${NAME}`, `${NAME:-default}`, `$1`, `$#` expansion.
///
/// Unlike sh, an expanded value is never split again: a variable holding spaces stays one word,
/// so a path or a token cannot turn into several arguments by surprise.
package struct Tokenizer {
    struct Error: Swift.Error, CustomStringConvertible, Sendable, Equatable {
        let message: String
        /// 1-based, in Unicode scalars of the logical line.
        let column: Int
        var description: String { "column \(column): \(message)" }
    }

    /// Where `$` references get their values.
    package struct Expansion: Sendable {
        var variable: @Sendable (String) -> String?
        /// `$0` is the script's name, `$1`... its arguments.
        var positional: [String]

        init(variable: @escaping @Sendable (String) -> String?, positional: [String] = []) {
            self.variable = variable
            self.positional = positional
        }

        package static let none = Expansion(variable: { _ in nil })
    }

    /// A line cut at the cursor, for completion.
    struct Partial: Equatable, Sendable {
        /// The whole words before the one being typed.
        var words: [String]
        /// The word being typed, unquoted.
        var current: String
        /// The quote the current word is open in, if any.
        var openQuote: Character?
    }

    /// How deep `${A:-${B:-...}}` may nest: each level rescans the rest of its default, so an
    /// unbounded depth costs time and memory that grow with its square.
    static let maximumNesting = 16

    /// The words of a complete line.
    static func words(_ text: String, expansion: Expansion) throws(Error) -> [String] {
        var scanner = Scanner(text, expansion: expansion, lenient: false)
        try scanner.run()
        scanner.finishWord()
        return scanner.words
    }

    /// The words of a line typed up to the cursor; never fails (an open quote or an unset
    /// variable are left as typed).
    static func partial(_ text: String, expansion: Expansion) -> Partial {
        var scanner = Scanner(text, expansion: expansion, lenient: true)
        try? scanner.run()
        if scanner.inWord {
            return Partial(words: scanner.words, current: String(scanner.current), openQuote: scanner.openQuote)
        }
        return Partial(words: scanner.words, current: "", openQuote: nil)
    }

    /// Whether the line ends in a backslash that continues it on the next line.
    static func needsContinuation(_ text: String) -> Bool {
        var scanner = Scanner(text, expansion: .none, lenient: true)
        try? scanner.run()
        return scanner.endsInContinuation
    }

    private struct Scanner {
        let scalars: [Unicode.Scalar]
        let expansion: Expansion
        let lenient: Bool
        /// How many `${...:-` defaults this text is inside.
        let nesting: Int
        var index = 0
        var words: [String] = []
        var current = String.UnicodeScalarView()
        var inWord = false
        var openQuote: Character?
        var endsInContinuation = false

        init(_ text: String, expansion: Expansion, lenient: Bool, nesting: Int = 0) {
            scalars = Array(text.unicodeScalars)
            self.expansion = expansion
            self.lenient = lenient
            self.nesting = nesting
        }

        mutating func run() throws(Error) {
            while index < scalars.count {
                let scalar = scalars[index]
                if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
                    finishWord()
                    index += 1
                    continue
                }
                if scalar == "\\" && next == "\n" {
                    index += 2 // a continued line: the break vanishes, inside a word or between words
                    continue
                }
                if scalar == "#" && !inWord { break }
                inWord = true
                switch scalar {
                case "'": try singleQuoted()
                case "\"": try doubleQuoted()
                case "\\":
                    guard let escaped = next else {
                        endsInContinuation = true
                        index += 1
                        if lenient { break }
                        throw Error(message: "the line ends with a backslash but no line follows", column: index)
                    }
                    current.append(escaped)
                    index += 2
                case "$": try dollar()
                default:
                    current.append(scalar)
                    index += 1
                }
            }
        }

        var next: Unicode.Scalar? { index + 1 < scalars.count ? scalars[index + 1] : nil }

        mutating func finishWord() {
            guard inWord else { return }
            words.append(String(current))
            current = String.UnicodeScalarView()
            inWord = false
        }

        mutating func singleQuoted() throws(Error) {
            let start = index
            index += 1
            while index < scalars.count, scalars[index] != "'" {
                current.append(scalars[index])
                index += 1
            }
            try closeQuote("'", "single", start: start)
        }

        mutating func doubleQuoted() throws(Error) {
            let start = index
            index += 1
            while index < scalars.count, scalars[index] != "\"" {
                let scalar = scalars[index]
                if scalar == "\\", let escaped = next {
                    if escaped == "\n" {
                        index += 2
                        continue
                    }
                    if escaped == "\"" || escaped == "\\" || escaped == "$" || escaped == "`" {
                        current.append(escaped)
                        index += 2
                        continue
                    }
                }
                if scalar == "\\" && next == nil { endsInContinuation = true }
                if scalar == "$" {
                    try dollar()
                    continue
                }
                current.append(scalar)
                index += 1
            }
            try closeQuote("\"", "double", start: start)
        }

        /// Steps past the quote that closes the one at `start`; at the end of the text, an error,
        /// or while completing, a note of the open quote.
        mutating func closeQuote(_ quote: Character, _ name: String, start: Int) throws(Error) {
            guard index < scalars.count else {
                if lenient { openQuote = quote; return }
                throw Error(message: "unterminated \(name) quote", column: start + 1)
            }
            index += 1
        }

        /// `$NAME`, `${NAME}`, `${NAME:-default}`, `$N`, `${N}`, `$#`; any other `$` is literal.
        mutating func dollar() throws(Error) {
            let start = index
            guard let following = next else {
                current.append("$")
                index += 1
                return
            }
            if following == "{" {
                guard let close = closingBrace(from: index + 2) else {
                    if lenient { appendRaw(from: start, to: scalars.count); return }
                    throw Error(message: "unterminated ${", column: start + 1)
                }
                let innerScalars = scalars[(index + 2)..<close]
                let inner = String(String.UnicodeScalarView(innerScalars))
                index = close + 1
                var name = inner
                var fallback: String?
                if let marker = innerScalars.indices.first(where: { innerScalars[$0] == ":" && $0 + 1 < close && scalars[$0 + 1] == "-" }) {
                    name = String(String.UnicodeScalarView(scalars[innerScalars.startIndex..<marker]))
                    fallback = String(String.UnicodeScalarView(scalars[(marker + 2)..<close]))
                }
                guard isName(name) || isNumber(name) else {
                    if lenient { appendRaw(from: start, to: index); return }
                    throw Error(message: "bad substitution ${\(inner.clipped())}: write ${NAME} or ${NAME:-default}", column: start + 1)
                }
                if let raw = fallback {
                    guard nesting < Tokenizer.maximumNesting else {
                        throw Error(message: "${...:-default} nested more than \(Tokenizer.maximumNesting) deep", column: start + 1)
                    }
                    // The default is expanded too, as sh does: ${TARGET:-$HOME/x}, ${A:-${B}}.
                    var nested = Scanner(raw, expansion: expansion, lenient: lenient, nesting: nesting + 1)
                    do {
                        try nested.expandAll()
                    } catch {
                        throw Error(message: error.message, column: start + 1)
                    }
                    fallback = String(nested.current)
                }
                try substitute(name, fallback: fallback, from: start)
                return
            }
            if following == "#" {
                index += 2
                current.append(contentsOf: String(max(expansion.positional.count - 1, 0)).unicodeScalars)
                return
            }
            if ("0"..."9").contains(following) {
                index += 2
                try substitute(String(following), fallback: nil, from: start)
                return
            }
            if following == "_" || following.properties.isAlphabetic && following.isASCII {
                var end = index + 1
                while end < scalars.count, scalars[end] == "_" || (scalars[end].isASCII && (scalars[end].properties.isAlphabetic || ("0"..."9").contains(scalars[end]))) {
                    end += 1
                }
                let name = String(String.UnicodeScalarView(scalars[(index + 1)..<end]))
                index = end
                try substitute(name, fallback: nil, from: start)
                return
            }
            current.append("$")
            index += 1
        }

        /// The `}` that closes a `${` whose name starts at `from`, past nested `${...}`.
        func closingBrace(from: Int) -> Int? {
            var depth = 1
            var position = from
            while position < scalars.count {
                if scalars[position] == "$" && position + 1 < scalars.count && scalars[position + 1] == "{" {
                    depth += 1
                    position += 2
                    continue
                }
                if scalars[position] == "}" {
                    depth -= 1
                    if depth == 0 { return position }
                }
                position += 1
            }
            return nil
        }

        /// Expands `$` references and backslash escapes in the whole text, as one word.
        mutating func expandAll() throws(Error) {
            while index < scalars.count {
                if scalars[index] == "$" {
                    try dollar()
                } else if scalars[index] == "\\", let escaped = next {
                    current.append(escaped)
                    index += 2
                } else {
                    current.append(scalars[index])
                    index += 1
                }
            }
        }

        mutating func substitute(_ name: String, fallback: String?, from start: Int) throws(Error) {
            let value: String?
            if let position = Int(name) {
                value = position < expansion.positional.count ? expansion.positional[position] : nil
            } else {
                value = expansion.variable(name)
            }
            if let value, !(fallback != nil && value.isEmpty) {
                current.append(contentsOf: value.unicodeScalars)
            } else if let fallback {
                current.append(contentsOf: fallback.unicodeScalars)
            } else if lenient {
                appendRaw(from: start, to: index)
            } else if Int(name) != nil {
                throw Error(message: "script argument $\(name) was not given (write ${\(name):-default} for an optional one)", column: start + 1)
            } else {
                throw Error(message: "\(name) is not set (set it with 'set \(name) VALUE', or write ${\(name):-default})", column: start + 1)
            }
        }

        mutating func appendRaw(from start: Int, to end: Int) {
            current.append(contentsOf: scalars[start..<end])
            index = end
        }

        func isName(_ text: String) -> Bool { SessionContext.isValidVariableName(text) }
        func isNumber(_ text: String) -> Bool { !text.isEmpty && text.unicodeScalars.allSatisfy { ("0"..."9").contains($0) } }
    }
}
