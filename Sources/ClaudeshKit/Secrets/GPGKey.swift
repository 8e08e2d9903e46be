/// A key from gpg's colon listing (`--with-colons`, doc/DETAILS).
package struct GPGKey: Sendable, Equatable {
    package var fingerprint: String
    var keyID: String
    var userIDs: [String]
    package var algorithm: String
    package var created: Int?
    /// Seconds since 1970; nil when the key never expires.
    package var expires: Int?
    /// The primary key's validity letter: `e` expired, `r` revoked, `u` ultimate, ...
    var validity: String
    /// Capital letters are what the key with its subkeys can do: E encrypt, S sign, C certify.
    var capabilities: String
    /// A secret part that decrypts is here: the primary's, or an encryption subkey's.
    package var hasSecret: Bool

    package var isExpired: Bool { validity == "e" }
    package var isRevoked: Bool { validity == "r" }
    package var canEncrypt: Bool { capabilities.contains("E") && !isExpired && !isRevoked }
    /// A key secrets and backups can be encrypted to and read with.
    package var isUsable: Bool { canEncrypt && hasSecret }
    package var primaryUserID: String { userIDs.first ?? "" }

    /// The keys in a `--with-colons --list-keys` or `--list-secret-keys` listing.
    static func parse(colons text: String) -> [GPGKey] {
        var keys: [GPGKey] = []
        var expectingPrimaryFingerprint = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            func field(_ number: Int) -> String { fields.count >= number ? fields[number - 1] : "" }
            switch field(1) {
            case "pub", "sec":
                keys.append(GPGKey(
                    fingerprint: "", keyID: field(5), userIDs: [], algorithm: algorithmName(field(4), length: field(3), curve: field(17)),
                    created: Int(field(6)), expires: Int(field(7)).flatMap { $0 == 0 ? nil : $0 },
                    validity: field(2), capabilities: field(12), hasSecret: field(1) == "sec" && field(15) != "#"
                ))
                expectingPrimaryFingerprint = true
            case "fpr" where expectingPrimaryFingerprint && !keys.isEmpty:
                keys[keys.count - 1].fingerprint = field(10)
                expectingPrimaryFingerprint = false
            case "uid" where !keys.isEmpty:
                keys[keys.count - 1].userIDs.append(unescape(field(10)))
            case "sub", "ssb":
                expectingPrimaryFingerprint = false
                // A primary kept offline (`sec#`) with its encryption subkey here still decrypts.
                if field(1) == "ssb", field(12).contains("e"), field(15) != "#", !keys.isEmpty { keys[keys.count - 1].hasSecret = true }
            default:
                continue
            }
        }
        return keys
    }

    /// gpg escapes colons and control characters in user ids as `\x3a`.
    static func unescape(_ text: String) -> String {
        guard text.contains("\\x") else { return text }
        var bytes: [UInt8] = []
        var input = Array(text.utf8)[...]
        while let byte = input.first {
            if byte == UInt8(ascii: "\\"), input.count >= 4, input[input.startIndex + 1] == UInt8(ascii: "x"),
               let value = UInt8(String(decoding: input[(input.startIndex + 2)..<(input.startIndex + 4)], as: UTF8.self), radix: 16) {
                bytes.append(value)
                input = input.dropFirst(4)
            } else {
                bytes.append(byte)
                input = input.dropFirst()
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func algorithmName(_ code: String, length: String, curve: String) -> String {
        switch code {
        case "1", "2", "3": return "rsa\(length)"
        case "17": return "dsa\(length)"
        case "18", "19", "22": return curve.isEmpty ? "ecc" : curve
        default: return curve.isEmpty ? "algo \(code)" : curve
        }
    }
}

/// What `gpg keygen` makes: the seed's RSA 4096, or an elliptic-curve pair.
package enum KeyAlgorithm: String, CaseIterable, Sendable {
    case rsa4096
    /// Ed25519 for signing with a Curve25519 subkey for encryption: gpg's modern default.
    case ed25519
    /// The same pair, named after its encryption subkey.
    case cv25519

    /// The parameter lines of gpg's unattended key generation (doc: "Unattended key generation").
    var parameters: [String] {
        switch self {
        case .rsa4096:
            return ["Key-Type: RSA", "Key-Length: 4096", "Key-Usage: sign", "Subkey-Type: RSA", "Subkey-Length: 4096", "Subkey-Usage: encrypt"]
        case .ed25519, .cv25519:
            return ["Key-Type: EDDSA", "Key-Curve: ed25519", "Key-Usage: sign", "Subkey-Type: ECDH", "Subkey-Curve: cv25519", "Subkey-Usage: encrypt"]
        }
    }
}
