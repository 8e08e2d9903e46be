/// An `http://` or `https://` URL, split the way a request needs it.
struct HTTPURL: Sendable, Equatable, CustomStringConvertible {
    var isSecure: Bool
    var host: String
    var port: Int
    /// Path and query, at least "/".
    var target: String

    init(_ text: String) throws(NetError) {
        // A line break would end the request line there: what follows goes out as headers.
        guard text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }) else {
            throw .invalidURL("'\(text.escapingControls.clipped(60))' holds a space, line break or other control character; nothing was sent")
        }
        let rest: Substring
        if text.hasPrefix("http://") {
            isSecure = false
            rest = text.dropFirst(7)
        } else if text.hasPrefix("https://") {
            isSecure = true
            rest = text.dropFirst(8)
        } else {
            throw .invalidURL("'\(text)' is not an http:// or https:// URL")
        }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        var path = rest[authorityEnd...]
        if let fragment = path.firstIndex(of: "#") { path = path[..<fragment] }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .invalidURL("'\(text)': unclosed [ in the host") }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            portText = authority[authority.index(after: colon)...]
        } else {
            host = String(authority)
        }
        guard !host.isEmpty else { throw .invalidURL("'\(text)' has no host") }
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else { throw .invalidURL("'\(text)': the port is not a number from 1 to 65535") }
            port = value
        } else {
            port = isSecure ? 443 : 80
        }
        target = path.isEmpty ? "/" : (path.hasPrefix("?") ? "/" + path : String(path))
    }

    /// The Host header: the port only when it is not the scheme's own.
    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == (isSecure ? 443 : 80) ? name : "\(name):\(port)"
    }

    var origin: String { (isSecure ? "https://" : "http://") + hostHeader }
    var description: String { origin + target }

    /// `reference` (absolute, scheme-relative, absolute-path or relative) resolved against this URL.
    func resolving(_ reference: String) throws(NetError) -> HTTPURL {
        // A scheme (RFC 3986: a letter, then letters, digits, "+", "-", "."; then ":") makes it
        // absolute; one that is not http or https is refused.
        let scheme = reference.prefix { $0 != ":" && $0 != "/" && $0 != "?" && $0 != "#" }
        if scheme.count < reference.count, reference[scheme.endIndex] == ":", let first = scheme.first, first.isLetter,
           scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }) {
            return try HTTPURL(reference)
        }
        if reference.hasPrefix("//") { return try HTTPURL((isSecure ? "https:" : "http:") + reference) }
        if reference.hasPrefix("/") { return try HTTPURL(origin + reference) }
        let path = target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/"
        let folder = path.hasSuffix("/") ? path : String(path[...(path.lastIndex(of: "/") ?? path.startIndex)])
        return try HTTPURL(origin + folder + reference)
    }
}
