#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decides whether a value looks like a secret: a known token shape anywhere, or, in a place
/// where secrets live (env, headers, a key named like a token), a long random-looking string.
public enum SecretDetector {
    /// Key names that hold secrets: `GITHUB_TOKEN`, `apiKey`, `Authorization`, `DB_PASSWORD`...
    public static func isTokenLikeKey(_ key: String) -> Bool {
        let lower = key.lowercased()
        return ["token", "secret", "password", "passwd", "apikey", "api_key", "api-key", "auth", "credential", "private_key", "access_key", "bearer"]
            .contains { lower.contains($0) } || lower.hasSuffix("_key") || lower.hasSuffix("-key") || lower == "key"
    }

    /// What `value` is, if it looks like a secret: a token kind ("GitHub token") or
    /// "high-entropy value". `sensitivePlace`: the value is an env or header value, or its key
    /// is token-like, so a random-looking string counts.
    public static func classify(_ value: String, sensitivePlace: Bool) -> String? {
        if let match = TokenShapes.find(in: value).first { return match.kind }
        guard sensitivePlace else { return nil }
        var candidate = value.trimmingWhitespace
        // `NAME=value` (an argument such as --env=KEY=VALUE or a secret reference): judge the value.
        if let equals = candidate.firstIndex(of: "="), SessionContext.isValidVariableName(String(candidate[..<equals])) {
            candidate = String(candidate[candidate.index(after: equals)...])
        }
        for scheme in ["Bearer ", "bearer ", "Basic ", "token "] where candidate.hasPrefix(scheme) {
            candidate = String(candidate.dropFirst(scheme.count))
        }
        return isHighEntropy(candidate) ? "high-entropy value" : nil
    }

    /// Long, varied and random-looking; not a reference, path, URL, or words.
    public static func isHighEntropy(_ value: String) -> Bool {
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
    public static func entropy(_ bytes: [UInt8]) -> Double {
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
