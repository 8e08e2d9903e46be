/// How the backends' tools, prompts and resources are named in the gateway's one surface, so
/// that two backends' names never clash:
///
/// - a tool or prompt is `BACKEND_NAME` (`time_get_current_time`), in the characters every
///   client takes (`A-Z a-z 0-9 _ -`; any other becomes `-`) and at most 64 of them (a longer
///   or clashing one ends in `-` and six hex digits of a hash of the backend and the name);
/// - a resource URI or template is `gateway://BACKEND/` followed by the backend's own URI
///   (`gateway://fs/file:///etc/hosts`), so a template's variables still expand in place.
///
/// The map back from a surface name to its backend is kept from the last listing.
struct GatewaySurface: Sendable {
    struct Target: Sendable, Equatable {
        var backend: String
        var name: String
    }

    static let uriScheme = "gateway://"
    static let nameLimit = 64

    private(set) var tools: [String: Target] = [:]
    private(set) var prompts: [String: Target] = [:]

    /// `text` in the characters every client takes in a name (`A-Z a-z 0-9 _ -`), any other `-`.
    static func clientSafe(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-") ? scalar : "-"
        }))
    }

    /// The surface name of `name` of `backend`, unique among `taken`.
    static func exposedName(_ name: String, of backend: String, taken: (String) -> Bool) -> String {
        let plain = clientSafe(backend + "_" + name)
        if plain.count <= nameLimit && !taken(plain) { return plain }
        let digest = SHA256.hex(Array((backend + "\u{0}" + name).utf8)).prefix(6)
        return String(plain.prefix(nameLimit - 7)) + "-" + digest
    }

    mutating func setTools(_ names: [(exposed: String, target: Target)], of backend: String) {
        tools = tools.filter { $0.value.backend != backend }
        for (exposed, target) in names { tools[exposed] = target }
    }

    mutating func setPrompts(_ names: [(exposed: String, target: Target)], of backend: String) {
        prompts = prompts.filter { $0.value.backend != backend }
        for (exposed, target) in names { prompts[exposed] = target }
    }

    /// The surface URI of a backend's URI or URI template.
    static func exposedURI(_ uri: String, of backend: String) -> String { uriScheme + backend + "/" + uri }

    /// The backend and its own URI of a surface URI; nil for one the gateway did not make.
    static func target(ofURI uri: String) -> Target? {
        guard uri.hasPrefix(uriScheme) else { return nil }
        let rest = uri.dropFirst(uriScheme.count)
        guard let slash = rest.firstIndex(of: "/"), slash != rest.startIndex else { return nil }
        return Target(backend: String(rest[..<slash]), name: String(rest[rest.index(after: slash)...]))
    }
}
