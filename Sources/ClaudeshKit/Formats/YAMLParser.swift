/// A YAML node with the place it starts, for messages that point at the line and column.
struct YAMLNode: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case null
        /// The text, and whether it was quoted (a quoted `"8080"` is a string, a plain one may be a number).
        case scalar(String, quoted: Bool)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }

    var kind: Kind
    var line: Int
    var column: Int

    init(_ kind: Kind, line: Int, column: Int) {
        self.kind = kind
        self.line = line
        self.column = column
    }

    /// A scalar's text; nil for anything else.
    var text: String? {
        if case .scalar(let text, _) = kind { return text }
        return nil
    }

    var pairs: [YAMLPair]? {
        if case .mapping(let pairs) = kind { return pairs }
        return nil
    }

    var items: [YAMLNode]? {
        if case .sequence(let items) = kind { return items }
        return nil
    }

    var isNull: Bool { kind == .null }

    /// The value of `key` in a mapping.
    subscript(key: String) -> YAMLNode? {
        pairs?.last { $0.key.text == key }?.value
    }
}

struct YAMLPair: Sendable, Equatable {
    var key: YAMLNode
    var value: YAMLNode
}

/// The YAML that compose files are written in: block mappings and sequences, flow `[...]` and
/// `{...}`, plain, single- and double-quoted scalars, `|` and `>` block scalars, comments,
/// anchors, aliases and `<<` merges. Not tags, complex `?` keys, or several documents.
///
/// Errors carry the line and column, and the parser never guesses: what it does not take, it
/// says so rather than reading something else.
package struct YAMLParser {
    package struct Error: Swift.Error, CustomStringConvertible, Sendable, Equatable {
        let message: String
        let line: Int
        let column: Int
        package var description: String { "\(line):\(column): \(message)" }
    }

    struct Line {
        var number: Int
        /// Columns of leading spaces.
        var indent: Int
        /// The text after the indentation, comment removed, trailing blanks trimmed.
        var text: String
        /// The whole line as written (block scalars keep what comments would remove).
        var raw: String
        /// Where a tab stands in the indentation: an error, unless the line is block-scalar text.
        var tabColumn: Int?
    }

    var lines: [Line] = []
    var index = 0
    var anchors: [String: YAMLNode] = [:]
    /// Nesting, bounded: a file of 5,000 `[` must be an error, not a stack overflow.
    var depth = 0
    static let maxDepth = 200
    /// Alias uses, bounded: a few nested aliases can stand for billions of nodes.
    var aliasUses = 0
    static let maxAliasUses = 10_000

    static func parse(_ text: String) throws(Error) -> YAMLNode {
        var parser = YAMLParser()
        // Windows line ends and a byte-order mark are how editors save files, not content.
        var normalized = text
        if normalized.hasPrefix("\u{FEFF}") { normalized.removeFirst() }
        try parser.split(normalized)
        guard !parser.lines.isEmpty else { return YAMLNode(.null, line: 1, column: 1) }
        let root = try parser.block(parentIndent: -1)
        if let line = try parser.current() {
            throw Error(message: "unexpected indentation (this line does not belong to anything above it)", line: line.number, column: line.indent + 1)
        }
        return root
    }

    // MARK: Lines

    mutating func split(_ text: String) throws(Error) {
        var number = 0
        var seenContent = false
        // By scalars: a "\r\n" is one Character, and splitting Characters at "\n" would miss it.
        for rawLine in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            var raw = String(String.UnicodeScalarView(rawLine))
            if raw.hasSuffix("\r") { raw.removeLast() }
            var indent = 0
            var tabColumn: Int?
            for character in raw {
                if character == " " { indent += 1 } else if character == "\t" {
                    let rest = raw.drop { $0 == " " || $0 == "\t" }
                    if !rest.isEmpty && !rest.hasPrefix("#") { tabColumn = indent + 1 }
                    break
                } else { break }
            }
            let content = Self.withoutComment(String(raw.dropFirst(indent)))
            // Document markers stand at the first column only.
            if indent == 0, content == "---" || content.hasPrefix("--- ") {
                if !seenContent { continue }
                throw Error(message: "a second document ('---'): a compose file is one document", line: number, column: 1)
            }
            if indent == 0, content == "..." { break }
            if !content.isEmpty { seenContent = true }
            lines.append(Line(number: number, indent: indent, text: content, raw: raw, tabColumn: tabColumn))
        }
    }

    /// `text` without a `#` comment (one at the start, or after a blank, outside quotes) and
    /// without trailing blanks.
    static func withoutComment(_ text: String) -> String {
        var quote: Character?
        var previous: Character = " "
        // A quote opens a quoted scalar only where a scalar starts: at the line's start, or
        // after `:`, `-`, `[`, `{` or `,`. Inside a plain value (`sh -c 'echo # hi'`) it is text.
        var lastIndicator: Character? = ":"
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
                    lastIndicator = nil
                } else if open == "\"", character == "\\" {
                    index = text.index(after: index)
                    if index < text.endIndex { index = text.index(after: index) }
                    continue
                }
            } else if character == "#", previous == " " || previous == "\t" {
                end = index
                break
            } else if character == "\"" || character == "'" {
                if lastIndicator != nil { quote = character }
                lastIndicator = nil
            } else if "[{,".contains(character) || (character == ":" && lastIndicator == nil) || (character == "-" && (previous == " " || index == text.startIndex)) {
                // `-` starts a list item only after a blank (`x-'y` is one plain word).
                lastIndicator = character
            } else if character != " " && character != "\t" {
                lastIndicator = nil
            }
            previous = character
            index = text.index(after: index)
        }
        var result = String(text[..<end])
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }

    /// The next line with content (comment-only and blank lines are skipped).
    mutating func current() throws(Error) -> Line? {
        while index < lines.count, lines[index].text.isEmpty { index += 1 }
        guard index < lines.count else { return nil }
        if let column = lines[index].tabColumn {
            throw Error(message: "a tab in the indentation: YAML indents with spaces only", line: lines[index].number, column: column)
        }
        return lines[index]
    }

    // MARK: Blocks

    /// The node that starts at the current line, indented more than `parentIndent`.
    mutating func block(parentIndent: Int) throws(Error) -> YAMLNode {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maxDepth, let line = try current() {
            throw Error(message: "nested more than \(Self.maxDepth) levels deep", line: line.number, column: line.indent + 1)
        }
        guard let line = try current(), line.indent > parentIndent else {
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
            while let next = try current(), next.indent > parentIndent, !Self.isSequenceItem(next.text), (try? Self.keySplit(next.text, line: next)) == nil {
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
        while let line = try current(), line.indent == indent, Self.isSequenceItem(line.text) {
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
        if let line = try current(), line.indent > indent {
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
        while let line = try current(), line.indent == indent {
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
                if let next = try current(), next.indent > indent || (next.indent == indent && Self.isSequenceItem(next.text)) {
                    value = next.indent == indent ? try sequence(indent: indent) : try block(parentIndent: indent)
                } else {
                    value = YAMLNode(.null, line: line.number, column: valueColumn)
                }
            } else {
                var text = split.value
                value = try inline(&text, line: line, column: valueColumn, parentIndent: indent)
                // A plain value may go on over more-indented lines (`command: echo hello` / `  world`).
                if case .scalar(let first, false) = value.kind {
                    var joined = first
                    // (`key: value` there is an error, reported below, as YAML has it.)
                    while let next = try current(), next.indent > indent, (try? Self.keySplit(next.text, line: next)) == nil {
                        joined += " " + next.text
                        index += 1
                    }
                    value.kind = .scalar(joined, quoted: false)
                }
            }
            if split.key == "<<" && !split.quoted {
                merged += try mergePairs(value)
                continue
            }
            pairs.append(YAMLPair(key: key, value: value))
        }
        if let line = try current(), line.indent > indent {
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
            return try alias(String(text.dropFirst()), line: line.number, column: column)
        }
        if text.hasPrefix("!") { throw Error(message: "tags ('\(text.prefix { $0 != " " })') are not supported", line: line.number, column: column) }
        if text.hasPrefix("|") || text.hasPrefix(">") { return try blockScalar(text, line: line, column: column, parentIndent: parentIndent) }
        if text.hasPrefix("[") || text.hasPrefix("{") || text.hasPrefix("\"") || text.hasPrefix("'") {
            // Join the lines that follow until the brackets and quotes close, remembering where
            // each came from so positions stay the file's. Inside a quote a line is text as
            // written (a `#` there is not a comment).
            var joined = Array(text)
            var segments = [FlowScanner.Segment(start: 0, line: line.number, column: column)]
            let quoted = text.hasPrefix("\"") || text.hasPrefix("'")
            while Self.isOpen(String(joined)), index < lines.count {
                let next = lines[index]
                let part = quoted ? next.raw.trimmingWhitespace : next.text
                joined.append(" ")
                segments.append(FlowScanner.Segment(start: joined.count, line: next.number, column: next.raw.count - next.raw.drop { $0 == " " || $0 == "\t" }.count + 1))
                joined += Array(part)
                index += 1
            }
            var scanner = FlowScanner(text: joined, segments: segments, anchors: anchors, aliasUses: aliasUses)
            let node = try scanner.value(inFlow: false, depth: depth)
            scanner.skipBlanks()
            if !scanner.atEnd {
                let (errorLine, errorColumn) = scanner.location(scanner.position)
                throw Error(message: "unexpected text after the value: '\(String(scanner.rest).clipped(30))'", line: errorLine, column: errorColumn)
            }
            anchors = scanner.anchors
            aliasUses = scanner.aliasUses
            return node
        }
        if text == "~" || text == "null" || text == "Null" || text == "NULL" { return YAMLNode(.null, line: line.number, column: column) }
        return YAMLNode(.scalar(text, quoted: false), line: line.number, column: column)
    }

    /// The node `&name` marked, counted against the alias limit.
    mutating func alias(_ name: String, line: Int, column: Int) throws(Error) -> YAMLNode {
        guard let node = anchors[name] else { throw Error(message: "unknown alias '*\(name)' (no '&\(name)' above)", line: line, column: column) }
        aliasUses += 1
        guard aliasUses <= Self.maxAliasUses else { throw Error(message: "more than \(Self.maxAliasUses) aliases", line: line, column: column) }
        return YAMLNode(node.kind, line: line, column: column)
    }

    /// Whether a flow collection or quote is still open at the end of `text`.
    static func isOpen(_ text: String) -> Bool {
        var depth = 0
        var quote: Character?
        var escaped = false
        // As in withoutComment: a quote opens only where a scalar starts (`[echo, don't]` has none).
        var atScalarStart = true
        for character in text {
            if let open = quote {
                if escaped { escaped = false; continue }
                if open == "\"" && character == "\\" { escaped = true; continue }
                if character == open { quote = nil }
                continue
            }
            switch character {
            case "\"", "'":
                if atScalarStart { quote = character }
                atScalarStart = false
            case "[", "{":
                depth += 1
                atScalarStart = true
            case "]", "}":
                depth -= 1
                atScalarStart = false
            case ",", ":":
                atScalarStart = true
            case " ", "\t":
                break
            default:
                atScalarStart = false
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
        // An indentation indicator fixes the content's indent; else the first line sets it.
        var contentIndent: Int? = indicators.first { $0.isNumber }.map { max(parentIndent, 0) + $0.wholeNumberValue! }
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
            // Folded: lines join with a space, a blank line is a newline, and more-indented
            // lines keep their line breaks.
            text = ""
            for (offset, part) in body.enumerated() {
                if part.isEmpty { text += "\n"; continue }
                if offset > 0, !body[offset - 1].isEmpty {
                    let keepsBreak = part.hasPrefix(" ") || part.hasPrefix("\t") || body[offset - 1].hasPrefix(" ") || body[offset - 1].hasPrefix("\t")
                    text += keepsBreak ? "\n" : " "
                }
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

/// Reads flow collections and quoted scalars character by character, over text that may have
/// been joined from several lines (`segments` map a position back to its line and column).
struct FlowScanner {
    struct Segment {
        var start: Int
        var line: Int
        var column: Int
    }

    var text: [Character]
    var position = 0
    let segments: [Segment]
    var anchors: [String: YAMLNode]
    var aliasUses: Int

    init(text: [Character], segments: [Segment], anchors: [String: YAMLNode] = [:], aliasUses: Int = 0) {
        self.text = text
        self.segments = segments
        self.anchors = anchors
        self.aliasUses = aliasUses
    }

    init(text: [Character], line: Int, column: Int) {
        self.init(text: text, segments: [Segment(start: 0, line: line, column: column)])
    }

    var atEnd: Bool { position >= text.count }
    var rest: ArraySlice<Character> { text[min(position, text.count)...] }

    /// The file's line and column of a position in the joined text.
    func location(_ offset: Int) -> (Int, Int) {
        let segment = segments.last { $0.start <= offset } ?? segments[0]
        return (segment.line, segment.column + offset - segment.start)
    }

    func error(_ message: String, at offset: Int? = nil) -> YAMLParser.Error {
        let (line, column) = location(offset ?? position)
        return YAMLParser.Error(message: message, line: line, column: column)
    }

    func node(_ kind: YAMLNode.Kind, at offset: Int) -> YAMLNode {
        let (line, column) = location(offset)
        return YAMLNode(kind, line: line, column: column)
    }

    mutating func skipBlanks() {
        while position < text.count, text[position] == " " || text[position] == "\t" { position += 1 }
    }

    /// A name after `&` or `*`: up to a blank or a flow indicator.
    mutating func name() -> String {
        let start = position
        while position < text.count, !" \t,[]{}".contains(text[position]) { position += 1 }
        return String(text[start..<position])
    }

    mutating func value(inFlow: Bool, depth: Int = 0) throws(YAMLParser.Error) -> YAMLNode {
        skipBlanks()
        guard position < text.count else { return node(.null, at: position) }
        guard depth < YAMLParser.maxDepth else { throw error("nested more than \(YAMLParser.maxDepth) levels deep") }
        let start = position
        switch text[position] {
        case "&":
            position += 1
            let anchor = name()
            guard !anchor.isEmpty else { throw error("an anchor needs a name: &name", at: start) }
            let marked = try value(inFlow: inFlow, depth: depth)
            anchors[anchor] = marked
            return marked
        case "*":
            position += 1
            let alias = name()
            guard let marked = anchors[alias] else { throw error("unknown alias '*\(alias)' (no '&\(alias)' above)", at: start) }
            aliasUses += 1
            guard aliasUses <= YAMLParser.maxAliasUses else { throw error("more than \(YAMLParser.maxAliasUses) aliases", at: start) }
            return node(marked.kind, at: start)
        case "[":
            position += 1
            var items: [YAMLNode] = []
            while true {
                skipBlanks()
                guard position < text.count else { throw error("'[' is not closed", at: start) }
                if text[position] == "]" { position += 1; break }
                items.append(try value(inFlow: true, depth: depth + 1))
                skipBlanks()
                guard position < text.count else { throw error("'[' is not closed", at: start) }
                if text[position] == "," { position += 1; continue }
                guard text[position] == "]" else { throw error("expected ',' or ']' in a flow list") }
            }
            return node(.sequence(items), at: start)
        case "{":
            position += 1
            var pairs: [YAMLPair] = []
            while true {
                skipBlanks()
                guard position < text.count else { throw error("'{' is not closed", at: start) }
                if text[position] == "}" { position += 1; break }
                let keyStart = position
                let key = try value(inFlow: true, depth: depth + 1)
                skipBlanks()
                guard position < text.count, text[position] == ":" else { throw error("expected ':' after a key in a flow mapping") }
                position += 1
                let item = try value(inFlow: true, depth: depth + 1)
                pairs.append(YAMLPair(key: node(key.kind, at: keyStart), value: item))
                skipBlanks()
                guard position < text.count else { throw error("'{' is not closed", at: start) }
                if text[position] == "," { position += 1; continue }
                guard text[position] == "}" else { throw error("expected ',' or '}' in a flow mapping") }
            }
            return node(.mapping(pairs), at: start)
        case "\"", "'":
            return try quoted()
        default:
            // A plain scalar: up to a flow indicator inside a collection, else the end.
            var end = position
            while end < text.count {
                let character = text[end]
                if inFlow && (character == "," || character == "]" || character == "}") { break }
                if inFlow && character == ":" && (end + 1 == text.count || text[end + 1] == " " || text[end + 1] == ",") { break }
                end += 1
            }
            let scalar = String(text[position..<end]).trimmingWhitespace
            position = end
            if ["~", "null", "Null", "NULL", ""].contains(scalar) { return node(.null, at: start) }
            return node(.scalar(scalar, quoted: false), at: start)
        }
    }

    mutating func quoted() throws(YAMLParser.Error) -> YAMLNode {
        let start = position
        let quote = text[position]
        position += 1
        var result = ""
        while true {
            guard position < text.count else { throw error("a quoted string is not closed", at: start) }
            let character = text[position]
            position += 1
            if character == quote {
                if quote == "'", position < text.count, text[position] == "'" {
                    result.append("'")
                    position += 1
                    continue
                }
                return node(.scalar(result, quoted: true), at: start)
            }
            if quote == "\"" && character == "\\" {
                guard position < text.count else { throw error("a backslash at the end of a quoted string") }
                let escape = text[position]
                let backslash = position - 1
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
                          let scalar = Unicode.Scalar(value) else { throw error("a bad \\\(escape) escape", at: backslash) }
                    result.unicodeScalars.append(scalar)
                    position += width
                default:
                    throw error("unknown escape '\\\(escape)' in a double-quoted string", at: backslash)
                }
                continue
            }
            result.append(character)
        }
    }
}
