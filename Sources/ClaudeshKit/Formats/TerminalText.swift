/// Text from outside (a server, a config, a container) made harmless for a terminal.
enum TerminalText {
    /// `text` with every control character shown instead of obeyed: an escape sequence in what a
    /// server says could set the window title, write the clipboard (OSC 52) or rewrite the screen.
    /// Line breaks (a CRLF too) and tabs stay, and so do colour sequences (`ESC [ 1;31 m`), which can do no
    /// more than colour.
    static func neutralized(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0) && $0 != "\n" && $0 != "\t" }) else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\u{1B}", let end = colourSequenceEnd(scalars, from: index) {
                out.append(contentsOf: scalars[index..<end])
                index = end
                continue
            }
            // A CR that ends a line (CRLF) moves nothing that the break would not.
            let lineEnd = scalar == "\r" && (index + 1 == scalars.count || scalars[index + 1] == "\n")
            if scalar == "\n" || scalar == "\t" || lineEnd || !isControl(scalar) {
                out.append(scalar)
            } else if scalar.value < 0x20 || scalar.value == 0x7F {
                // Caret notation, as `cat -v` shows it: ESC is ^[, BEL ^G, DEL ^?.
                out.append("^")
                out.append(Unicode.Scalar(UInt8(scalar.value ^ 0x40)))
            } else {
                out.append("\u{FFFD}")
            }
            index += 1
        }
        return String(out)
    }

    /// C0, DEL and C1 (`U+009B` is a CSI of its own on some terminals).
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (scalar.value >= 0x7F && scalar.value <= 0x9F)
    }

    /// The end of `ESC [ digits;... m` at `start`, or nil when something else starts there.
    static func colourSequenceEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int? {
        guard start + 2 < scalars.count, scalars[start + 1] == "[" else { return nil }
        var index = start + 2
        while index < scalars.count, ("0"..."9").contains(scalars[index]) || scalars[index] == ";" { index += 1 }
        return index < scalars.count && scalars[index] == "m" ? index + 1 : nil
    }
}
