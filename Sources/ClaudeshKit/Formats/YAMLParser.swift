/// A YAML node with the place it starts, for messages that point at the line and column.
public struct YAMLNode: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case null
        /// The text, and whether it was quoted (a quoted `"8080"` is a string, a plain one may be a number).
        case scalar(String, quoted: Bool)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }

    public var kind: Kind
    public var line: Int
    public var column: Int

    public init(_ kind: Kind, line: Int, column: Int) {
        self.kind = kind
        self.line = line
        self.column = column
    }

    /// A scalar's text; nil for anything else.
    public var text: String? {
        if case .scalar(let text, _) = kind { return text }
        return nil
    }

    public var pairs: [YAMLPair]? {
        if case .mapping(let pairs) = kind { return pairs }
        return nil
    }

    public var items: [YAMLNode]? {
        if case .sequence(let items) = kind { return items }
        return nil
    }

    public var isNull: Bool { kind == .null }

    /// The value of `key` in a mapping.
    public subscript(key: String) -> YAMLNode? {
        pairs?.last { $0.key.text == key }?.value
    }
}

public struct YAMLPair: Sendable, Equatable {
    public var key: YAMLNode
    public var value: YAMLNode
}

/// The YAML that compose files are written in: block mappings and sequences, flow `[...]` and
/// `{...}`, plain, single- and double-quoted scalars, `|` and `>` block scalars, comments,
/// anchors, aliases and `<<` merges. Not tags, complex `?` keys, or several documents.
///
/// Errors carry the line and column, and the parser never guesses: what it does not take, it
/// says so rather than reading something else.
public struct YAMLParser {
    public struct Error: Swift.Error, CustomStringConvertible, Sendable, Equatable {
        public let message: String
        public let line: Int
        public let column: Int
        public var description: String { "\(line):\(column): \(message)" }
    }

    struct Line {
        var number: Int
        /// Columns of leading spaces.
        var indent: Int
        /// The text after the indentation, comment removed, trailing blanks trimmed.
        var text: String
        /// The whole line as written (block scalars keep what comments would remove).
        var raw: String
    }

    var lines: [Line] = []
    var index = 0
    var anchors: [String: YAMLNode] = [:]

    public static func parse(_ text: String) throws(Error) -> YAMLNode {
        var parser = YAMLParser()
        try parser.split(text)
        guard !parser.lines.isEmpty else { return YAMLNode(.null, line: 1, column: 1) }
        let root = try parser.block(parentIndent: -1)
        if parser.index < parser.lines.count {
            let line = parser.lines[parser.index]
            throw Error(message: "unexpected indentation (this line does not belong to anything above it)", line: line.number, column: line.indent + 1)
        }
        return root
    }

    // MARK: Lines

    mutating func split(_ text: String) throws(Error) {
        var number = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            var raw = String(rawLine)
            if raw.hasSuffix("\r") { raw.removeLast() }
            var indent = 0
            for character in raw {
                if character == " " { indent += 1 } else if character == "\t" {
                    let rest = raw.drop { $0 == " " || $0 == "\t" }
                    if rest.isEmpty || rest.hasPrefix("#") { break }
                    throw Error(message: "a tab in the indentation: YAML indents with spaces only", line: number, column: indent + 1)
                } else { break }
            }
            let content = Self.withoutComment(String(raw.dropFirst(indent)))
            if number == 1 || lines.isEmpty, content == "---" { continue }
            if content == "..." { break }
            if content == "---" { throw Error(message: "a second document ('---'): a compose file is one document", line: number, column: indent + 1) }
            lines.append(Line(number: number, indent: indent, text: content, raw: raw))
        }
    }

    /// `text` without a `#` comment (one at the start, or after a blank, outside quotes) and
    /// without trailing blanks.
    static func withoutComment(_ text: String) -> String {
        var quote: Character?
        var previous: Character = " "
        var end = text.endIndex
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if let open = quote {
                if character == open {
                    // '' inside single quotes is a quote, not the end.
                    let next = text.index(after: index)
                    if open == "'", next < text.endIndex, text[next] == "'" { index = text.index(after: next); previous = "'"; continue }
                    quote = nil
                } else if open == "\"", character == "\\" {
                    index = text.index(after: index)
                    if index < text.endIndex { index = text.index(after: index) }
                    continue
                }
            } else if character == "#", previous == " " || previous == "\t" {
                end = index
                break
            } else if (character == "\"" || character == "'"), previous == " " || previous == "\t" || previous == "[" || previous == "{" || previous == "," || previous == ":" || index == text.startIndex || previous == "-" {
                quote = character
            }
            previous = character
            index = text.index(after: index)
        }
        var result = String(text[..<end])
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }

    /// The next line with content (comment-only and blank lines are skipped).
    mutating func current() -> Line? {
        while index < lines.count, lines[index].text.isEmpty { index += 1 }
        return index < lines.count ? lines[index] : nil
    }

    // MARK: Blocks

    /// The node that starts at the current line, indented more than `parentIndent`.
    mutating func block(parentIndent: Int) throws(Error) -> YAMLNode {
        guard let line = current(), line.indent > parentIndent else {
            let number = index < lines.count ? lines[index].number : (lines.last?.number ?? 1)
            return YAMLNode(.null, line: number, column: 1)
        }
        if Self.isSequenceItem(line.text) { return try sequence(indent: line.indent) }
        if try Self.keySplit(line.text, line: line) != nil { return try mapping(indent: line.indent) }
        // A scalar on a line of its own: plain text may go on over more lines.
        index += 1
        var text = line.text
        var node = try inline(&text, line: line, column: line.indent + 1, parentIndent: parentIndent)
        if case .scalar(let first, false) = node.kind {
            var joined = first
            while let next = current(), next.indent > parentIndent, !Self.isSequenceItem(next.text), (try? Self.keySplit(next.text, line: next)) == nil {
                joined += " " + next.text
                index += 1
            }
            node.kind = .scalar(joined, quoted: false)
        }
        return node
    }

    static func isSequenceItem(_ text: String) -> Bool { text == "-" || text.hasPrefix("- ") }

    mutating func sequence(indent: Int) throws(Error) -> YAMLNode {
        let start = lines[index]
        var items: [YAMLNode] = []
        // A line at this indent that is not an item ends the list: a list given at its key's
        // own indent is followed by the next key.
        while let line = current(), line.indent == indent, Self.isSequenceItem(line.text) {
            let rest = line.text.dropFirst(1)
            let spaces = rest.prefix { $0 == " " }.count
            let content = String(rest.dropFirst(spaces))
            if content.isEmpty {
                index += 1
                items.append(try block(parentIndent: indent))
            } else {
                // The rest of the line is a node at its own column (`- name: x` starts a mapping
                // whose next keys line up under `name`).
                lines[index].indent = indent + 1 + spaces
                lines[index].text = content
                items.append(try block(parentIndent: indent))
            }
        }
        if let line = current(), line.indent > indent {
            throw Error(message: "unexpected indentation after a list item", line: line.number, column: line.indent + 1)
        }
        return YAMLNode(.sequence(items), line: start.number, column: start.indent + 1)
    }

    /// Where a `key: value` line splits: the key's text and the value's start. nil when the
    /// line is not such an entry.
    static func keySplit(_ text: String, line: Line) throws(Error) -> (key: String, quoted: Bool, value: String)? {
        if let first = text.first, first == "\"" || first == "'" {
            var rest = text
            let column = line.indent + 1
            guard let key = try? quotedScalar(&rest, quote: first, line: line.number, column: column) else { return nil }
            let afterKey = rest.drop { $0 == " " }
            guard afterKey.hasPrefix(":"), afterKey.count == 1 || afterKey.dropFirst().first == " " else { return nil }
            return (key, true, String(afterKey.dropFirst()).trimmingWhitespace)
        }
        if text.hasPrefix("[") || text.hasPrefix("{") || text.hasPrefix("- ") || text.hasPrefix("&") || text.hasPrefix("*") || text.hasPrefix("|") || text.hasPrefix(">") { return nil }
        if text.hasPrefix("? ") { throw Error(message: "complex keys ('? ') are not supported", line: line.number, column: line.indent + 1) }
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == ":" {
                let next = text.index(after: index)
                if next == text.endIndex || text[next] == " " {
                    let key = String(text[..<index]).trimmingWhitespace
                    guard !key.isEmpty else { return nil }
                    return (key, false, String(text[next...]).trimmingWhitespace)
                }
            }
            index = text.index(after: index)
        }
        return nil
    }

    mutating func mapping(indent: Int) throws(Error) -> YAMLNode {
        let start = lines[index]
        var pairs: [YAMLPair] = []
        var merged: [YAMLPair] = []
        while let line = current(), line.indent == indent {
            guard let split = try Self.keySplit(line.text, line: line) else {
                if Self.isSequenceItem(line.text) {
                    throw Error(message: "a list item where a 'key: value' entry belongs (indent the list under its key)", line: line.number, column: line.indent + 1)
                }
                throw Error(message: "expected 'key: value' here, in the mapping that starts at line \(start.number)", line: line.number, column: line.indent + 1)
            }
            let key = YAMLNode(.scalar(split.key, quoted: split.quoted), line: line.number, column: line.indent + 1)
            if !split.quoted, split.key != "<<", let earlier = pairs.first(where: { $0.key.text == split.key }) {
                throw Error(message: "duplicate key '\(split.key)' (first at line \(earlier.key.line))", line: line.number, column: line.indent + 1)
            }
            index += 1
            let valueColumn = line.indent + line.text.count - split.value.count + 1
            var value: YAMLNode
            if split.value.isEmpty {
                // The value is the block below: indented more, or a list at the key's own indent.
                if let next = current(), next.indent > indent || (next.indent == indent && Self.isSequenceItem(next.text)) {
                    value = next.indent == indent ? try sequence(indent: indent) : try block(parentIndent: indent)
                } else {
                    value = YAMLNode(.null, line: line.number, column: valueColumn)
                }
            } else {
                var text = split.value
                value = try inline(&text, line: line, column: valueColumn, parentIndent: indent)
            }
            if split.key == "<<" && !split.quoted {
                merged += try mergePairs(value)
                continue
            }
            pairs.append(YAMLPair(key: key, value: value))
        }
        if let line = current(), line.indent > indent {
            throw Error(message: "unexpected indentation (a value is already given on the line above)", line: line.number, column: line.indent + 1)
        }
        // Keys given in the mapping win over merged ones.
        for pair in merged where !pairs.contains(where: { $0.key.text == pair.key.text }) { pairs.append(pair) }
        return YAMLNode(.mapping(pairs), line: start.number, column: start.indent + 1)
    }

    func mergePairs(_ value: YAMLNode) throws(Error) -> [YAMLPair] {
        switch value.kind {
        case .mapping(let pairs): return pairs
        case .sequence(let items):
            var pairs: [YAMLPair] = []
            for item in items { pairs += try mergePairs(item) }
            return pairs
        default:
            throw Error(message: "'<<' merges a mapping (an alias such as *defaults)", line: value.line, column: value.column)
        }
    }

    // MARK: Values on a line

    /// A value written after `key:` or `- `: a scalar, a flow collection, a block scalar, an
    /// alias, or an anchored one of those. Flow collections and quotes may go on over lines.
    mutating func inline(_ text: inout String, line: Line, column: Int, parentIndent: Int) throws(Error) -> YAMLNode {
        if text.hasPrefix("&") {
            let name = String(text.dropFirst().prefix { $0 != " " })
            guard !name.isEmpty else { throw Error(message: "an anchor needs a name: &name", line: line.number, column: column) }
            var rest = String(text.dropFirst(1 + name.count)).trimmingWhitespace
            let node: YAMLNode
            if rest.isEmpty {
                node = try block(parentIndent: parentIndent)
            } else {
                node = try inline(&rest, line: line, column: column + 1 + name.count + 1, parentIndent: parentIndent)
            }
            anchors[name] = node
            return node
        }
        if text.hasPrefix("*") {
            let name = String(text.dropFirst())
            guard let node = anchors[name] else { throw Error(message: "unknown alias '*\(name)' (no '&\(name)' above)", line: line.number, column: column) }
            return YAMLNode(node.kind, line: line.number, column: column)
        }
        if text.hasPrefix("!") { throw Error(message: "tags ('\(text.prefix { $0 != " " })') are not supported", line: line.number, column: column) }
        if text.hasPrefix("|") || text.hasPrefix(">") { return try blockScalar(text, line: line, column: column, parentIndent: parentIndent) }
        if text.hasPrefix("[") || text.hasPrefix("{") || text.hasPrefix("\"") || text.hasPrefix("'") {
            // Join the lines that follow until the brackets and quotes close.
            var joined = text
            while Self.isOpen(joined), index < lines.count {
                joined += " " + lines[index].text
                index += 1
            }
            var scanner = FlowScanner(text: Array(joined), line: line.number, column: column)
            let node = try scanner.value(inFlow: false)
            scanner.skipBlanks()
            if !scanner.atEnd {
                throw Error(message: "unexpected text after the value: '\(String(scanner.rest).clipped(30))'", line: line.number, column: column + scanner.position)
            }
            return node
        }
        if text == "~" || text == "null" || text == "Null" || text == "NULL" { return YAMLNode(.null, line: line.number, column: column) }
        return YAMLNode(.scalar(text, quoted: false), line: line.number, column: column)
    }

    /// Whether a flow collection or quote is still open at the end of `text`.
    static func isOpen(_ text: String) -> Bool {
        var depth = 0
        var quote: Character?
        var escaped = false
        for character in text {
            if let open = quote {
                if escaped { escaped = false; continue }
                if open == "\"" && character == "\\" { escaped = true; continue }
                if character == open { quote = nil }
                continue
            }
            switch character {
            case "\"", "'": quote = character
            case "[", "{": depth += 1
            case "]", "}": depth -= 1
            default: break
            }
        }
        return depth > 0 || quote != nil
    }

    mutating func blockScalar(_ header: String, line: Line, column: Int, parentIndent: Int) throws(Error) -> YAMLNode {
        let literal = header.hasPrefix("|")
        let indicators = header.dropFirst()
        guard indicators.allSatisfy({ $0 == "-" || $0 == "+" || $0.isNumber }) else {
            throw Error(message: "after '\(header.first!)' only '-', '+' or an indent digit may follow", line: line.number, column: column + 1)
        }
        let chomp: Character? = indicators.first { $0 == "-" || $0 == "+" }
        var body: [String] = []
        var contentIndent: Int?
        while index < lines.count {
            let next = lines[index]
            let blank = next.raw.allSatisfy { $0 == " " }
            if !blank {
                if next.indent <= parentIndent { break }
                if contentIndent == nil { contentIndent = next.indent }
                if next.indent < contentIndent! { break }
            }
            body.append(blank ? "" : String(next.raw.dropFirst(contentIndent!)))
            index += 1
        }
        var trailing = 0
        while let last = body.last, last.isEmpty { body.removeLast(); trailing += 1 }
        var text: String
        if literal {
            text = body.joined(separator: "\n")
        } else {
            // Folded: lines join with a space, a blank line is a newline.
            text = ""
            for (offset, part) in body.enumerated() {
                if part.isEmpty { text += "\n"; continue }
                if offset > 0, !body[offset - 1].isEmpty { text += " " }
                text += part
            }
        }
        switch chomp {
        case "-": break
        case "+": text += String(repeating: "\n", count: trailing + (body.isEmpty ? 0 : 1))
        default: if !body.isEmpty { text += "\n" }
        }
        return YAMLNode(.scalar(text, quoted: true), line: line.number, column: column)
    }

    /// `"..."` or `'...'` at the start of `text`, which is left holding what follows.
    static func quotedScalar(_ text: inout String, quote: Character, line: Int, column: Int) throws(Error) -> String {
        var scanner = FlowScanner(text: Array(text), line: line, column: column)
        let node = try scanner.quoted()
        text = String(scanner.rest)
        return node.text ?? ""
    }
}

/// Reads flow collections and quoted scalars character by character.
struct FlowScanner {
    var text: [Character]
    var position = 0
    let line: Int
    let column: Int

    init(text: [Character], line: Int, column: Int) {
        self.text = text
        self.line = line
        self.column = column
    }

    var atEnd: Bool { position >= text.count }
    var rest: ArraySlice<Character> { text[min(position, text.count)...] }

    func error(_ message: String) -> YAMLParser.Error {
        YAMLParser.Error(message: message, line: line, column: column + position)
    }

    mutating func skipBlanks() {
        while position < text.count, text[position] == " " || text[position] == "\t" { position += 1 }
    }

    mutating func value(inFlow: Bool) throws(YAMLParser.Error) -> YAMLNode {
        skipBlanks()
        guard position < text.count else { return YAMLNode(.null, line: line, column: column + position) }
        let start = column + position
        switch text[position] {
        case "[":
            position += 1
            var items: [YAMLNode] = []
            while true {
                skipBlanks()
                guard position < text.count else { throw YAMLParser.Error(message: "'[' is not closed", line: line, column: start) }
                if text[position] == "]" { position += 1; break }
                items.append(try value(inFlow: true))
                skipBlanks()
                guard position < text.count else { throw YAMLParser.Error(message: "'[' is not closed", line: line, column: start) }
                if text[position] == "," { position += 1; continue }
                guard text[position] == "]" else { throw error("expected ',' or ']' in a flow list") }
            }
            return YAMLNode(.sequence(items), line: line, column: start)
        case "{":
            position += 1
            var pairs: [YAMLPair] = []
            while true {
                skipBlanks()
                guard position < text.count else { throw YAMLParser.Error(message: "'{' is not closed", line: line, column: start) }
                if text[position] == "}" { position += 1; break }
                let keyColumn = column + position
                let key = try value(inFlow: true)
                skipBlanks()
                guard position < text.count, text[position] == ":" else { throw error("expected ':' after a key in a flow mapping") }
                position += 1
                let item = try value(inFlow: true)
                pairs.append(YAMLPair(key: YAMLNode(key.kind, line: line, column: keyColumn), value: item))
                skipBlanks()
                guard position < text.count else { throw YAMLParser.Error(message: "'{' is not closed", line: line, column: start) }
                if text[position] == "," { position += 1; continue }
                guard text[position] == "}" else { throw error("expected ',' or '}' in a flow mapping") }
            }
            return YAMLNode(.mapping(pairs), line: line, column: start)
        case "\"", "'":
            return try quoted()
        default:
            // A plain scalar: up to a flow indicator inside a collection, else the end.
            var end = position
            while end < text.count {
                let character = text[end]
                if inFlow && (character == "," || character == "]" || character == "}") { break }
                if inFlow && character == ":" && (end + 1 == text.count || text[end + 1] == " " || text[end + 1] == "," ) { break }
                end += 1
            }
            let scalar = String(text[position..<end]).trimmingWhitespace
            position = end
            if ["~", "null", "Null", "NULL", ""].contains(scalar) { return YAMLNode(.null, line: line, column: start) }
            return YAMLNode(.scalar(scalar, quoted: false), line: line, column: start)
        }
    }

    mutating func quoted() throws(YAMLParser.Error) -> YAMLNode {
        let start = column + position
        let quote = text[position]
        position += 1
        var result = ""
        while true {
            guard position < text.count else { throw YAMLParser.Error(message: "a quoted string is not closed", line: line, column: start) }
            let character = text[position]
            position += 1
            if character == quote {
                if quote == "'", position < text.count, text[position] == "'" {
                    result.append("'")
                    position += 1
                    continue
                }
                return YAMLNode(.scalar(result, quoted: true), line: line, column: start)
            }
            if quote == "\"" && character == "\\" {
                guard position < text.count else { throw error("a backslash at the end of a quoted string") }
                let escape = text[position]
                let backslashColumn = column + position - 1
                func bad(_ message: String) -> YAMLParser.Error { YAMLParser.Error(message: message, line: line, column: backslashColumn) }
                position += 1
                switch escape {
                case "n": result.append("\n")
                case "t": result.append("\t")
                case "r": result.append("\r")
                case "0": result.append("\0")
                case "\"", "\\", "/", " ": result.append(escape)
                case "u", "x", "U":
                    let width = escape == "x" ? 2 : escape == "u" ? 4 : 8
                    guard position + width <= text.count, let value = UInt32(String(text[position..<(position + width)]), radix: 16),
                          let scalar = Unicode.Scalar(value) else { throw bad("a bad \\\(escape) escape") }
                    result.unicodeScalars.append(scalar)
                    position += width
                default:
                    throw bad("unknown escape '\\\(escape)' in a double-quoted string")
                }
                continue
            }
            result.append(character)
        }
    }
}
