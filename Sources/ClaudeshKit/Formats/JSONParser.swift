/// A strict JSON parser (RFC 8259) that keeps object keys in file order, so a config file can
/// be read, changed in one place and written back with every other key as it was.
package struct JSONParser {
    package struct Error: Swift.Error, CustomStringConvertible, Sendable, Equatable {
        package let message: String
        /// 1-based, counted in lines and characters.
        package let line: Int
        package let column: Int
        package var description: String { "\(line):\(column): \(message)" }
    }

    /// How deep arrays and objects may nest before the input is taken for an attack.
    static let maximumDepth = 512

    private let bytes: [UInt8]
    private var index = 0
    /// Where each object's members sit, by the offset of its `{`; nil: not recorded.
    private var spans: [Int: JSONSource.ObjectSpan]?

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    package static func parse(_ text: String) throws(Error) -> JSONValue {
        try parse(Array(text.utf8))
    }

    package static func parse(_ bytes: [UInt8]) throws(Error) -> JSONValue {
        var parser = JSONParser(bytes)
        return try parser.document().value
    }

    /// The value of `bytes` with where every object's members sit in them.
    static func parseWithSpans(_ bytes: [UInt8]) throws(Error) -> (value: JSONValue, start: Int, spans: [Int: JSONSource.ObjectSpan]) {
        var parser = JSONParser(bytes)
        parser.spans = [:]
        let (value, start) = try parser.document()
        return (value, start, parser.spans ?? [:])
    }

    private mutating func document() throws(Error) -> (value: JSONValue, start: Int) {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 } // a UTF-8 byte order mark
        skipWhitespace()
        let start = index
        let value = try value(depth: 0)
        skipWhitespace()
        guard index == bytes.count else { throw error("unexpected text after the JSON value") }
        return (value, start)
    }

    private mutating func value(depth: Int) throws(Error) -> JSONValue {
        guard depth < Self.maximumDepth else { throw error("nested more than \(Self.maximumDepth) deep") }
        guard let byte = peek else { throw error("unexpected end of file: a value is missing") }
        switch byte {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw error("unexpected \(describe(byte)): expected a value")
        }
    }

    private mutating func object(depth: Int) throws(Error) -> JSONValue {
        let open = index
        index += 1
        var members: [(String, JSONValue)] = []
        var memberSpans: [JSONSource.MemberSpan] = []
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            spans?[open] = JSONSource.ObjectSpan(open: open, close: index, members: [])
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard peek == UInt8(ascii: "\"") else {
                if peek == UInt8(ascii: "}") { throw error("a trailing comma before }") }
                throw error(peek.map { "unexpected \(describe($0)): expected a key in double quotes" } ?? "unexpected end of file inside an object")
            }
            let keyStart = index
            let key = try string()
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else { throw error("expected : after the key \"\(key)\"") }
            index += 1
            skipWhitespace()
            let valueStart = index
            members.append((key, try value(depth: depth + 1)))
            if spans != nil { memberSpans.append(JSONSource.MemberSpan(key: key, keyStart: keyStart, valueStart: valueStart, valueEnd: index)) }
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                spans?[open] = JSONSource.ObjectSpan(open: open, close: index, members: memberSpans)
                index += 1
                return .object(members)
            case nil: throw error("unexpected end of file: an object is not closed with }")
            case let other?: throw error("unexpected \(describe(other)): expected , or }")
            }
        }
    }

    private mutating func array(depth: Int) throws(Error) -> JSONValue {
        index += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if peek == UInt8(ascii: "]") { index += 1; return .array(items) }
        while true {
            skipWhitespace()
            if peek == UInt8(ascii: "]") { throw error("a trailing comma before ]") }
            items.append(try value(depth: depth + 1))
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return .array(items)
            case nil: throw error("unexpected end of file: an array is not closed with ]")
            case let other?: throw error("unexpected \(describe(other)): expected , or ]")
            }
        }
    }

    private mutating func string() throws(Error) -> String {
        let start = index
        index += 1
        // Bytes, decoded once at the end: a string without escapes is one slice of the input.
        var decoded: [UInt8] = []
        var runStart = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                defer { index += 1 }
                if decoded.isEmpty { return String(decoding: bytes[runStart..<index], as: UTF8.self) }
                decoded += bytes[runStart..<index]
                return String(decoding: decoded, as: UTF8.self)
            }
            if byte < 0x20 { throw error("a control character inside a string (write it as \\u00\(String(byte, radix: 16)))") }
            if byte == UInt8(ascii: "\\") {
                decoded += bytes[runStart..<index]
                index += 1
                guard index < bytes.count else { break }
                switch bytes[index] {
                case UInt8(ascii: "\""): decoded.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): decoded.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "/"): decoded.append(UInt8(ascii: "/"))
                case UInt8(ascii: "b"): decoded.append(0x08)
                case UInt8(ascii: "f"): decoded.append(0x0C)
                case UInt8(ascii: "n"): decoded.append(0x0A)
                case UInt8(ascii: "r"): decoded.append(0x0D)
                case UInt8(ascii: "t"): decoded.append(0x09)
                case UInt8(ascii: "u"): decoded += Array(String(Character(try unicodeEscape())).utf8)
                default: throw error("unknown escape \\\(describe(bytes[index]))")
                }
                index += 1
                runStart = index
                continue
            }
            index += 1
        }
        index = start
        throw error("a string is not closed with \"")
    }

    /// `\uXXXX`, with surrogate pairs; `index` is on the `u` and ends on the last hex digit.
    private mutating func unicodeEscape() throws(Error) -> Unicode.Scalar {
        let high = try hex4()
        if (0xD800...0xDBFF).contains(high) {
            guard index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "\\"), bytes[index + 2] == UInt8(ascii: "u") else {
                throw error("a lone surrogate \\u\(String(high, radix: 16))")
            }
            index += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw error("a lone surrogate \\u\(String(high, radix: 16))") }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
        }
        guard let scalar = Unicode.Scalar(high) else { throw error("a lone surrogate \\u\(String(high, radix: 16))") }
        return scalar
    }

    private mutating func hex4() throws(Error) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            index += 1
            guard index < bytes.count, let digit = Self.hexValue(bytes[index]) else { throw error("\\u needs four hex digits") }
            value = value << 4 | digit
        }
        return value
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    private mutating func number() throws(Error) -> JSONValue {
        let start = index
        if peek == UInt8(ascii: "-") { index += 1 }
        guard let first = peek, isDigit(first) else { throw error("a number needs digits") }
        index += 1
        if first == UInt8(ascii: "0"), let next = peek, isDigit(next) { throw error("a number cannot start with 0") }
        while let byte = peek, isDigit(byte) { index += 1 }
        var isInteger = true
        if peek == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard let byte = peek, isDigit(byte) else { throw error("digits must follow the decimal point") }
            while let byte = peek, isDigit(byte) { index += 1 }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            guard let byte = peek, isDigit(byte) else { throw error("digits must follow the exponent") }
            while let byte = peek, isDigit(byte) { index += 1 }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger, let integer = Int(text) { return .int(integer) }
        return .double(Double(text) ?? .nan)
    }

    private mutating func literal(_ word: StaticString) throws(Error) {
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard bytes.count - index >= expected.count, bytes[index..<(index + expected.count)].elementsEqual(expected) else {
            throw error("unexpected \(describe(bytes[index])): expected a value")
        }
        index += expected.count
    }

    private mutating func skipWhitespace() {
        while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }
    private func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private func describe(_ byte: UInt8) -> String {
        if byte == UInt8(ascii: "'") { return "a single quote" }
        if byte == UInt8(ascii: "\"") { return "a double quote" }
        return (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
    }

    /// An error at the current position, in lines and characters (not bytes).
    private func error(_ message: String) -> Error {
        let (line, column) = Self.position(of: index, in: bytes)
        return Error(message: message, line: line, column: column)
    }

    /// The 1-based line and column (in characters, not bytes) of the byte at `offset`.
    static func position(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for byte in bytes[..<min(offset, bytes.count)] {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }
}
