/// Control characters in text that ends up in a line-based format (an HTTP head, a crontab, a
/// plist's argument), where a line break starts a line of the attacker's.
extension String {
    /// Whether the text holds a C0 or C1 control character or DEL; a tab only when `allowingTab`
    /// is false.
    package func containsControlCharacter(allowingTab: Bool = false) -> Bool {
        unicodeScalars.contains { scalar in
            (scalar.value < 0x20 && !(allowingTab && scalar == "\t")) || (0x7F...0x9F).contains(scalar.value)
        }
    }

    /// The text with its control characters written as escapes (`\n`, `\r`, `\u{1B}`), for
    /// quoting it in a message without the terminal acting on them.
    package var escapingControls: String {
        var out = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                    out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
