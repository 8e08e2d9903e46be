/// What a file may do but likely does not mean: bind mounts that hand a container a folder of
/// keys or secrets, and variables passed from an environment that has none.
extension ComposeFile {
    /// Names listed alone under `environment:` (`- GITHUB_TOKEN`) that `lookup` has no value for:
    /// the container will not get them. Not a failure: an optional variable is often unset.
    func emptyPassedVariables(lookup: (String) -> String?) -> [Problem] {
        services.flatMap { service in
            environment(of: service).filter { $0.value == nil && lookup($0.name) == nil }.map { entry in
                Problem(line: entry.line, column: entry.column, message: "warning: service '\(service.name)': \(entry.name) is passed from the environment, which has none: the container will not get it (secrets load, export it, or --secret \(entry.name)=NAME)")
            }
        }
    }

    /// Each service's bind mount whose source is one of `secretFolders`, inside one, or holds one
    /// (a mount of the home folder holds ~/.gnupg): the container could read what claudesh
    /// keeps out of every file and argv. `lookup` gives the variables compose would substitute.
    func secretFolderMounts(lookup: (String) -> String?, secretFolders: [String]) -> [Problem] {
        var problems: [Problem] = []
        for service in services {
            for mount in bindMounts(of: service, lookup: lookup) {
                // Links resolved where the paths exist: a link to ~/.gnupg is ~/.gnupg.
                let source = Path.real(mount.source) ?? Path.normalize(mount.source)
                let folders = secretFolders.map { Path.real($0) ?? Path.normalize($0) }
                guard let folder = folders.first(where: { Path.isInside(source, $0) || Path.isInside($0, source) }) else { continue }
                let what = folder == source ? "\(folder), which holds keys or secrets"
                    : Path.isInside(source, folder) ? "\(source), inside \(folder), which holds keys or secrets"
                    : "\(source), which holds \(folder)"
                problems.append(Problem(line: mount.line, column: mount.column, message: "warning: service '\(service.name)' mounts \(what): give it a folder of its own"))
            }
        }
        return problems
    }

    struct BindMount {
        var source: String
        var line: Int
        var column: Int
    }

    /// The host folders a service mounts: the short form `SOURCE:TARGET[:MODE]` whose source is a
    /// path (not a named volume), and the long form with `type: bind`; variables substituted,
    /// `~` the home folder, a relative source relative to the file's folder, as compose reads them.
    func bindMounts(of service: Service, lookup: (String) -> String?) -> [BindMount] {
        guard let volumes = service.node["volumes"]?.items else { return [] }
        return volumes.compactMap { item in
            var source: String
            if let text = item.text {
                guard let colon = Self.firstColonOutsideBraces(text) else { return nil }
                source = String(text[..<colon])
            } else if item["type"]?.text == "bind", let text = item["source"]?.text {
                source = text
            } else {
                return nil
            }
            source = Self.substitute(source, lookup: lookup)
            if source == "~" || source.hasPrefix("~/") { source = (lookup("HOME") ?? "/") + source.dropFirst() }
            guard source.hasPrefix("/") || source.hasPrefix(".") else { return nil } // a named volume
            if !source.hasPrefix("/") { source = Path.join(Path.directory(of: path), source) }
            return BindMount(source: source, line: item.line, column: item.column)
        }
    }

    /// The colon that ends a short-form volume's source: not one inside `${VAR:-default}`.
    static func firstColonOutsideBraces(_ text: String) -> String.Index? {
        var depth = 0
        var index = text.startIndex
        while index < text.endIndex {
            switch text[index] {
            case "{": depth += 1
            case "}": depth = max(0, depth - 1)
            case ":" where depth == 0: return index
            default: break
            }
            index = text.index(after: index)
        }
        return nil
    }

    /// `text` with `${VAR}`, `${VAR:-default}`, `${VAR-default}` and `$VAR` replaced as compose
    /// replaces them (`:-` also when the value is empty); `$$` is a dollar.
    static func substitute(_ text: String, lookup: (String) -> String?) -> String {
        var result = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            rest = rest[rest.index(after: dollar)...]
            if rest.first == "$" {
                result += "$"
                rest = rest.dropFirst()
            } else if rest.first == "{", let close = rest.firstIndex(of: "}") {
                let body = rest[rest.index(after: rest.startIndex)..<close]
                rest = rest[rest.index(after: close)...]
                if let range = body.range(of: ":-") {
                    let value = lookup(String(body[..<range.lowerBound])) ?? ""
                    result += value.isEmpty ? String(body[range.upperBound...]) : value
                } else if let dash = body.firstIndex(of: "-") {
                    result += lookup(String(body[..<dash])) ?? String(body[body.index(after: dash)...])
                } else {
                    result += lookup(String(body)) ?? ""
                }
            } else {
                let name = rest.prefix { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
                result += name.isEmpty ? "$" : lookup(String(name)) ?? ""
                rest = rest.dropFirst(name.count)
            }
        }
        return result + rest
    }
}
