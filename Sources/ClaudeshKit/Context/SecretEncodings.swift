/// The forms a secret takes in what a server sends back: a server that echoes its token rarely
/// echoes it raw, but JSON-escaped, URL-encoded or base64-encoded, and each form is as good as
/// the secret to whoever reads it.
enum SecretEncodings {
    /// A derived form shorter than this is left alone: a few base64 or percent characters turn up
    /// by chance in any text.
    static let shortestDerived = 5

    /// `value` raw, then every encoded form of it, each once.
    static func forms(of value: String) -> [[UInt8]] {
        var forms = [Array(value.utf8)]
        let derived = json(value) + url(value) + base64(Array(value.utf8))
        for form in derived where form.count >= shortestDerived && !forms.contains(form) { forms.append(form) }
        return forms
    }

    /// Inside a JSON string: as claudesh's own serialiser writes it, as Python's `json.dumps`
    /// writes it (`\b`, `\f`), and with non-ASCII as `\uXXXX` (`ensure_ascii`) in either case.
    static func json(_ value: String) -> [[UInt8]] {
        var forms: [[UInt8]] = []
        for python in [false, true] {
            for nonASCII in JSONValue.NonASCII.allCases {
                var escaped = ""
                JSONValue.escape(value, into: &escaped, python: python, nonASCII: nonASCII)
                forms.append(Array(escaped.utf8))
            }
        }
        return forms
    }

    /// Percent-encoded with upper- or lowercase hex, `/` kept or not (Python's `quote` keeps
    /// it), a space as `%20` or `+` (a form body).
    static func url(_ value: String) -> [[UInt8]] {
        var forms: [[UInt8]] = []
        for uppercase in [true, false] {
            for keepSlash in [false, true] {
                for plusForSpace in [false, true] {
                    forms.append(percentEncoded(value, uppercase: uppercase, keepSlash: keepSlash, plusForSpace: plusForSpace))
                }
            }
        }
        return forms
    }

    static func percentEncoded(_ value: String, uppercase: Bool, keepSlash: Bool, plusForSpace: Bool) -> [UInt8] {
        let digits = Array((uppercase ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        var out: [UInt8] = []
        for byte in value.utf8 {
            let unreserved = TokenShapes.isTokenByte(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "~")
            if unreserved || (keepSlash && byte == UInt8(ascii: "/")) {
                out.append(byte)
            } else if plusForSpace && byte == UInt8(ascii: " ") {
                out.append(UInt8(ascii: "+"))
            } else {
                out += [UInt8(ascii: "%"), digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
            }
        }
        return out
    }

    /// Base64, standard and URL-safe, for the secret at each of the three offsets it can have in
    /// a longer encoded text (`user:TOKEN` in a Basic header): only the characters that depend on
    /// the secret's bits alone, so the form matches whatever surrounds it.
    static func base64(_ bytes: [UInt8]) -> [[UInt8]] {
        var forms: [[UInt8]] = []
        for offset in 0..<3 {
            let padded = [UInt8](repeating: 0, count: offset) + bytes
            let bits = padded.count * 8
            // The first character wholly after the offset's bytes, the last wholly inside the secret.
            let first = (offset * 8 + 5) / 6
            let last = bits / 6
            guard last > first else { continue }
            let encoded = encode(padded, alphabet: standard)
            forms.append(Array(encoded[first..<last]))
            forms.append(Array(encoded[first..<last]).map { $0 == UInt8(ascii: "+") ? UInt8(ascii: "-") : $0 == UInt8(ascii: "/") ? UInt8(ascii: "_") : $0 })
        }
        return forms
    }

    static let standard = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Base64 characters without padding, one for each six bits (the last partly zero bits).
    static func encode(_ bytes: [UInt8], alphabet: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var held = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            held += 8
            while held >= 6 {
                held -= 6
                out.append(alphabet[Int((buffer >> UInt32(held)) & 0x3F)])
            }
        }
        if held > 0 { out.append(alphabet[Int((buffer << UInt32(6 - held)) & 0x3F)]) }
        return out
    }
}
