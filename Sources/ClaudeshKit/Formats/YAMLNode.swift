/// A YAML node with the place it starts, for messages that point at the line and column.
struct YAMLNode: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case null
        /// The text, and whether it was written quoted or as a block (`|`, `>`): a quoted
        /// `"8080"` is a string, a plain one may be a number.
        case scalar(String, quoted: Bool)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }

    var kind: Kind
    var line: Int
    var column: Int
    /// The tag written on the node (`!reset`, `!override`, `tag:yaml.org,2002:str`), if any.
    var tag: String?

    init(_ kind: Kind, line: Int, column: Int, tag: String? = nil) {
        self.kind = kind
        self.line = line
        self.column = column
        self.tag = tag
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

    /// A scalar that is text whatever it looks like: quoted, a block, or tagged `!!str`.
    var isString: Bool {
        guard case .scalar(_, let quoted) = kind else { return false }
        return quoted || tag == "tag:yaml.org,2002:str"
    }

    /// The value of `key` in a mapping.
    subscript(key: String) -> YAMLNode? {
        pairs?.last { $0.key.text == key }?.value
    }
}

struct YAMLPair: Sendable, Hashable {
    var key: YAMLNode
    var value: YAMLNode
}
