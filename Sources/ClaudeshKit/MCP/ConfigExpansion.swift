/// `${VAR}` and `${VAR:-default}` in a server entry's command, args, env, url and headers, as
/// Claude Code expands them. An unset variable without default is an error naming it, never
/// passed on as literal text.
enum ConfigExpansion {
    struct UnsetVariable: Error, CustomStringConvertible, Sendable, Equatable {
        let name: String
        var description: String { "${\(name)} is not set and has no default (write ${\(name):-default}, or set it)" }
    }

    static func expand(_ text: String, lookup: (String) -> String?) throws(UnsetVariable) -> String {
        guard text.contains("${") else { return text }
        var result = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            result += rest[..<start.lowerBound]
            guard let close = rest[start.upperBound...].firstIndex(of: "}") else {
                result += rest[start.lowerBound...]
                return result
            }
            let inner = rest[start.upperBound..<close]
            let name: Substring
            let fallback: Substring?
            if let marker = inner.range(of: ":-") {
                name = inner[..<marker.lowerBound]
                fallback = inner[marker.upperBound...]
            } else {
                name = inner
                fallback = nil
            }
            if let value = lookup(String(name)), !(fallback != nil && value.isEmpty) {
                result += value
            } else if let fallback {
                result += fallback
            } else {
                throw UnsetVariable(name: String(name))
            }
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }
}

extension StringProtocol {
    /// The first occurrence of `needle`, without Foundation.
    func range(of needle: String) -> Range<Index>? {
        guard let first = needle.first else { return nil }
        var index = startIndex
        while let found = self[index...].firstIndex(of: first) {
            if self[found...].starts(with: needle) {
                return found..<self.index(found, offsetBy: needle.count)
            }
            index = self.index(after: found)
        }
        return nil
    }
}
