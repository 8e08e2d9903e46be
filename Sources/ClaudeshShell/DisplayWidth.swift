/// How many terminal columns text takes: wide East Asian characters and emoji take two,
/// combining marks none. Tables and boxes align on this, not on `count`.
enum DisplayWidth {
    /// Colour escapes (`ESC [ ... m` and other CSI sequences) take no columns.
    static func of(_ text: String) -> Int {
        if let width = asciiWidth(text) { return width }
        var width = 0
        var inEscape = false
        var sawBracket = false
        for character in text {
            if inEscape {
                if !sawBracket {
                    sawBracket = character == "["
                    if !sawBracket { inEscape = false }
                } else if let value = character.unicodeScalars.first?.value, (0x40...0x7E).contains(value) {
                    inEscape = false
                }
                continue
            }
            if character == "\u{1B}" {
                inEscape = true
                sawBracket = false
                continue
            }
            width += of(character)
        }
        return width
    }

    /// The width of text that is all ASCII, read as bytes: most of what claudesh lays out
    /// (help, tables of names) is, and Unicode's property tables cost a lookup per character.
    /// Nil when any byte is not ASCII.
    private static func asciiWidth(_ text: String) -> Int? {
        var text = text
        return text.withUTF8 { bytes -> Int? in
            var width = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if byte >= 0x80 { return nil }
                if byte == 0x1B {
                    // ESC [ parameters final-byte, or ESC and one byte.
                    guard index < bytes.count else { break }
                    if bytes[index] == UInt8(ascii: "[") {
                        index += 1
                        while index < bytes.count, !(0x40...0x7E).contains(bytes[index]) { index += 1 }
                    }
                    index += 1
                    continue
                }
                if byte >= 0x20 && byte != 0x7F { width += 1 }
            }
            return width
        }
    }

    static func of(_ character: Character) -> Int {
        var width = 0
        for scalar in character.unicodeScalars {
            let properties = scalar.properties
            if scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value) { continue }
            switch properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .format: continue
            default: break
            }
            if scalar.value == 0xFE0F { return 2 } // emoji presentation selector
            if properties.isEmojiPresentation || isWide(scalar.value) { return 2 }
            width = max(width, 1)
        }
        return width
    }

    static func isWide(_ value: UInt32) -> Bool {
        switch value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// `text` padded with spaces to `width` columns.
    static func pad(_ text: String, to width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - of(text)))
    }

    /// `text` cut to at most `width` columns, with an ellipsis where it was cut (plain text).
    static func clip(_ text: String, to width: Int) -> String {
        guard of(text) > width else { return text }
        var result = ""
        var used = 0
        for character in text {
            let columns = of(character)
            if used + columns > width - 1 { break }
            result.append(character)
            used += columns
        }
        return result + "…"
    }
}
