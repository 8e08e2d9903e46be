#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decides whether a value looks like a secret: a known token shape anywhere, or, in a place
/// where secrets live (env, headers, a key named like a token), a long random-looking string.
enum SecretDetector {
    /// Key names that hold secrets: `GITHUB_TOKEN`, `apiKey`, `Authorization`, `DB_PASSWORD`...
    static func isTokenLikeKey(_ key: String) -> Bool {
        let lower = key.lowercased()
        return ["token", "secret", "password", "passwd", "apikey", "api_key", "api-key", "auth", "credential", "private_key", "access_key", "bearer"]
            .contains { lower.contains($0) } || lower.hasSuffix("_key") || lower.hasSuffix("-key") || lower == "key"
    }

    /// How strongly a place suggests a secret.
    enum Place: Sendable {
        /// Under a token-like name (`GITHUB_TOKEN`, `Authorization`): a random-looking value is one.
        case tokenName
        /// An env or header value under another name: IDs, paths, images and versions live here
        /// too, so only a value that looks like none of those counts.
        case setting
        /// Anywhere else: only a known token shape or a password in a URL.
        case other
    }

    /// What `value` is, if it looks like a secret: a token kind ("GitHub token"), "password in
    /// a URL", "JSON Web Token" or "high-entropy value".
    static func classify(_ value: String, place: Place) -> String? {
        if let match = TokenShapes.find(in: value).first { return match.kind }
        if hasURLPassword(value) { return "password in a URL" }
        guard place != .other else { return nil }
        var candidate = value.trimmingWhitespace
        // `NAME=value` (an argument such as --env=KEY=VALUE): judge the value.
        if let equals = candidate.firstIndex(of: "="), SessionContext.isValidVariableName(String(candidate[..<equals])) {
            candidate = String(candidate[candidate.index(after: equals)...])
        }
        for scheme in ["Bearer ", "bearer ", "Basic ", "token "] where candidate.hasPrefix(scheme) {
            candidate = String(candidate.dropFirst(scheme.count))
        }
        if isJWT(candidate) { return "JSON Web Token" }
        guard isHighEntropy(candidate) else { return nil }
        if place == .setting && looksLikeOrdinarySetting(candidate) { return nil }
        return "high-entropy value"
    }

    /// `scheme://user:password@host`, the password given (not a `${VAR}`).
    static func hasURLPassword(_ value: String) -> Bool {
        guard let scheme = value.firstRange(of: "://") else { return false }
        let rest = value[scheme.upperBound...]
        guard let at = rest.firstIndex(of: "@") else { return false }
        let userInfo = rest[..<at]
        guard !userInfo.contains("/"), let colon = userInfo.firstIndex(of: ":") else { return false }
        let password = userInfo[userInfo.index(after: colon)...]
        return !password.isEmpty && !password.contains("$")
    }

    static func isJWT(_ value: String) -> Bool {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 3 && value.hasPrefix("eyJ") && parts[1].hasPrefix("eyJ") && value.count >= 40
            && parts.allSatisfy { $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") } }
    }

    /// A UUID, a hex id, a path, an image, a file, a version or words joined by dashes: what
    /// settings hold that is long and varied without being secret.
    static func looksLikeOrdinarySetting(_ value: String) -> Bool {
        if value.contains(where: { "/\\:.@".contains($0) }) { return true }
        if value.allSatisfy({ $0.isHexDigit || $0 == "-" }) { return true }
        // Segments that are each a word or a number (`claude-3-5-sonnet-20241022`).
        let segments = value.split { "-_".contains($0) }
        return segments.count > 1 && segments.allSatisfy { segment in
            segment.allSatisfy { $0.isLetter } || segment.allSatisfy { $0.isNumber }
        }
    }

    /// Long, varied and random-looking; not a reference, path, URL, or words.
    static func isHighEntropy(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard bytes.count >= 20, bytes.count <= 4096 else { return false }
        if value.contains("${") || value.hasPrefix("$") { return false }
        if value.hasPrefix("/") || value.hasPrefix("~") || value.hasPrefix("./") || value.contains("://") { return false }
        guard !bytes.contains(where: { $0 == 0x20 || $0 == 0x09 || $0 < 0x20 }) else { return false }
        var classes = 0
        if bytes.contains(where: { (0x61...0x7A).contains($0) }) { classes += 1 }
        if bytes.contains(where: { (0x41...0x5A).contains($0) }) { classes += 1 }
        if bytes.contains(where: { (0x30...0x39).contains($0) }) { classes += 1 }
        guard classes >= 2 else { return false }
        let bits = entropy(bytes)
        return bits >= 3.5 || (bytes.count >= 40 && bits >= 3.0)
    }

    /// Shannon entropy in bits per byte.
    static func entropy(_ bytes: [UInt8]) -> Double {
        guard !bytes.isEmpty else { return 0 }
        var counts = [Int](repeating: 0, count: 256)
        for byte in bytes { counts[Int(byte)] += 1 }
        let total = Double(bytes.count)
        var bits = 0.0
        for count in counts where count > 0 {
            let p = Double(count) / total
            bits -= p * log2(p)
        }
        return bits
    }
}
