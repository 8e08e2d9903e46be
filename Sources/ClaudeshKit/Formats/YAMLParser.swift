import CYAML

/// YAML read by libyaml, the C parser PyYAML and Ruby use, into nodes that keep their line and
/// column. The parse is libyaml's; what is built on its events is what PyYAML's composer and
/// safe constructor would make of them: aliases resolved, `<<` merges flattened (keys given in
/// the mapping win, then the merged mappings in the order they are listed), `~`, `null` and an
/// empty value as null.
///
/// Refused beyond what libyaml refuses, as PyYAML or compose refuse it: a key given twice in one
/// mapping, an anchor given twice, a second document, an alias to a node that holds it. Bounded: nesting, the uses of
/// aliases, and the nodes they stand for. Aliases share their node, so the tree stays small,
/// but whatever walks it (compose's lint, the merge of `<<`, an equality) visits each use: a
/// "billion laughs" file would keep it busy for ever.
package struct YAMLParser {
    package struct Error: Swift.Error, CustomStringConvertible, Sendable, Equatable {
        let message: String
        let line: Int
        let column: Int
        package var description: String { "\(line):\(column): \(message)" }
    }

    static let maxDepth = 200
    static let maxAliasUses = 10_000
    /// Far more nodes than aliases bring into any real compose file.
    static let maxAliasNodes = 1_000_000

    /// A collection being built, with where and as what it started.
    private struct Frame {
        var isMapping: Bool
        var line: Int
        var column: Int
        var anchor: String?
        var tag: String?
        /// `Builder.nodes` when the collection started: its size is what was counted since.
        var nodesBefore: Int
        var items: [YAMLNode] = []
    }

    static func parse(_ text: String) throws(Error) -> YAMLNode {
        var bytes = Array(text.utf8)
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw Error(message: "libyaml could not start (out of memory)", line: 1, column: 1) }
        defer { yaml_parser_delete(&parser) }
        return try bytes.withUnsafeMutableBufferPointer { buffer throws(Error) -> YAMLNode in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var builder = Builder()
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { throw Self.error(of: parser, in: buffer) }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { return builder.root ?? YAMLNode(.null, line: 1, column: 1) }
                try builder.take(event)
            }
        }
    }

    /// The builder of nodes from libyaml's events.
    private struct Builder {
        var root: YAMLNode?
        var stack: [Frame] = []
        var anchors: [String: YAMLNode] = [:]
        /// How many nodes each anchored node holds, itself included.
        var anchorSizes: [String: Int] = [:]
        /// Anchors of collections still being built: an alias to one would hold itself.
        var open: Set<String> = []
        var aliasUses = 0
        /// The nodes written, and those aliases stand for, as a walk of the tree meets them.
        var nodes = 0
        var aliasNodes = 0
        var documents = 0

        mutating func take(_ event: yaml_event_t) throws(Error) {
            let line = Int(event.start_mark.line) + 1
            let column = Int(event.start_mark.column) + 1
            switch event.type {
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1 { throw Error(message: "a second document (---): a compose file holds one", line: line, column: column) }
            case YAML_SCALAR_EVENT:
                let scalar = event.data.scalar
                let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
                let tag = Self.string(scalar.tag)
                let plain = scalar.style == YAML_PLAIN_SCALAR_STYLE
                let kind: YAMLNode.Kind
                if tag == "tag:yaml.org,2002:null" || (tag == nil && plain && ["", "~", "null", "Null", "NULL"].contains(text)) {
                    kind = .null
                } else {
                    kind = .scalar(text, quoted: !plain)
                }
                nodes += 1
                try add(YAMLNode(kind, line: line, column: column, tag: tag), anchor: Self.string(scalar.anchor), size: 1)
            case YAML_ALIAS_EVENT:
                let name = Self.string(event.data.alias.anchor) ?? ""
                aliasUses += 1
                guard aliasUses <= YAMLParser.maxAliasUses else {
                    throw Error(message: "more than \(YAMLParser.maxAliasUses) uses of aliases", line: line, column: column)
                }
                guard let node = anchors[name] else {
                    throw Error(message: open.contains(name) ? "*\(name) is used inside the node it names" : "unknown alias *\(name): no &\(name) before it", line: line, column: column)
                }
                let size = anchorSizes[name] ?? 1
                aliasNodes += size
                guard aliasNodes <= YAMLParser.maxAliasNodes else {
                    throw Error(message: "aliases stand for more than \(YAMLParser.maxAliasNodes) nodes (a \"billion laughs\" file?)", line: line, column: column)
                }
                nodes += size
                try add(node, anchor: nil, size: size)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                guard stack.count < YAMLParser.maxDepth else {
                    throw Error(message: "nested more than \(YAMLParser.maxDepth) levels deep", line: line, column: column)
                }
                let isMapping = event.type == YAML_MAPPING_START_EVENT
                let anchor = Self.string(isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor)
                let tag = Self.string(isMapping ? event.data.mapping_start.tag : event.data.sequence_start.tag)
                if let anchor { open.insert(anchor) }
                stack.append(Frame(isMapping: isMapping, line: line, column: column, anchor: anchor, tag: tag, nodesBefore: nodes))
                nodes += 1
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                let frame = stack.removeLast()
                if let anchor = frame.anchor { open.remove(anchor) }
                let kind: YAMLNode.Kind = frame.isMapping ? .mapping(try Self.mapping(frame.items)) : .sequence(frame.items)
                try add(YAMLNode(kind, line: frame.line, column: frame.column, tag: frame.tag), anchor: frame.anchor, size: nodes - frame.nodesBefore)
            default:
                break
            }
        }

        mutating func add(_ node: YAMLNode, anchor: String?, size: Int) throws(Error) {
            if let anchor {
                // PyYAML refuses an anchor given twice; which node an alias meant is then a guess.
                guard anchors[anchor] == nil else {
                    throw Error(message: "&\(anchor) is defined twice: give the second another name", line: node.line, column: node.column)
                }
                anchors[anchor] = node
                anchorSizes[anchor] = size
            }
            if stack.isEmpty { root = node } else { stack[stack.count - 1].items.append(node) }
        }

        /// The pairs of a mapping from its keys and values in turn: a key given twice is an
        /// error; `<<` merges mappings, whose keys count only where the mapping has none. Keys
        /// are looked up in sets: a mapping of a million keys is read in linear time.
        static func mapping(_ items: [YAMLNode]) throws(Error) -> [YAMLPair] {
            var pairs: [YAMLPair] = []
            var keys: Set<YAMLNode.Kind> = []
            var texts: Set<String> = []
            var merged: [YAMLPair] = []
            var mergedKeys: Set<YAMLNode.Kind> = []
            var index = 0
            while index + 1 < items.count {
                let key = items[index], value = items[index + 1]
                index += 2
                if case .scalar("<<", quoted: false) = key.kind, key.tag == nil || key.tag == "tag:yaml.org,2002:merge" {
                    for pair in try mergedPairs(value) where mergedKeys.insert(pair.key.kind).inserted { merged.append(pair) }
                    continue
                }
                if let text = key.text, !texts.insert(text).inserted {
                    throw Error(message: "duplicate key '\(text)': a key is given once in a mapping", line: key.line, column: key.column)
                }
                keys.insert(key.kind)
                pairs.append(YAMLPair(key: key, value: value))
            }
            for pair in merged where !keys.contains(pair.key.kind) { pairs.append(pair) }
            return pairs
        }

        /// The pairs `<<` brings in: a mapping's, or those of each mapping of a sequence, the
        /// first listed winning.
        static func mergedPairs(_ value: YAMLNode) throws(Error) -> [YAMLPair] {
            switch value.kind {
            case .mapping(let pairs): return pairs
            case .sequence(let items):
                var pairs: [YAMLPair] = []
                var keys: Set<YAMLNode.Kind> = []
                for item in items {
                    guard case .mapping(let more) = item.kind else {
                        throw Error(message: "'<<' merges mappings: this item is not one", line: item.line, column: item.column)
                    }
                    for pair in more where keys.insert(pair.key.kind).inserted { pairs.append(pair) }
                }
                return pairs
            default:
                throw Error(message: "'<<' merges a mapping (an alias such as *defaults)", line: value.line, column: value.column)
            }
        }

        static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            pointer.map { String(cString: $0) }
        }
    }

    /// libyaml's problem, in claudesh's words where they say more, at the place that matters:
    /// where an unclosed bracket or quote opened, where a tab stands.
    private static func error(of parser: yaml_parser_t, in text: UnsafeMutableBufferPointer<UInt8>) -> Error {
        let problem = parser.problem.map { String(cString: $0) } ?? "unreadable YAML"
        let context = parser.context.map { String(cString: $0) }
        let at = parser.problem_mark
        let opened = parser.context_mark
        let atEnd = Int(at.index) >= text.count
        let character = Int(at.index) < text.count ? text[Int(at.index)] : 0
        func place(_ mark: yaml_mark_t) -> (Int, Int) { (Int(mark.line) + 1, Int(mark.column) + 1) }
        var message = problem + (context.map { " (\($0))" } ?? "")
        var (line, column) = place(at)
        switch (context, problem) {
        case (_, "found character that cannot start any token") where character == UInt8(ascii: "\t"):
            message = "a tab where YAML wants spaces: indent with spaces"
        case ("while parsing a flow sequence"?, _) where atEnd, ("while parsing a flow mapping"?, _) where atEnd:
            message = "'\(context == "while parsing a flow sequence" ? "[" : "{")' is not closed"
            (line, column) = place(opened)
        case ("while scanning a quoted scalar"?, _) where problem.contains("end of stream"):
            message = "a quoted value that is not closed"
            (line, column) = place(opened)
        case (_, "found unknown escape character"):
            message = "unknown escape in a double-quoted value (write \\\\ for a backslash)"
        case (_, "mapping values are not allowed in this context"):
            message = "': ' inside a plain value: quote the value, or indent the key under its parent"
        case (_, "did not find expected key"), (_, "did not find expected '-' indicator"):
            message = "unexpected indentation: \(problem) (\(context ?? "in a block"))"
        default:
            break
        }
        return Error(message: message, line: line, column: column)
    }
}
