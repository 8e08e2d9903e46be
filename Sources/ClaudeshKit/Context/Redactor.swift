/// Masks secret values, and anything shaped like a known API token, in text before it leaves
/// the process or reaches a log.
///
/// The session has one: `SessionContext.redactor`, over the session's vault. Every way out of
/// the process (standard output and error, the history file, server logs, `health.sqlite`)
/// takes only `Redacted` values, which only a redactor makes.
package struct Redactor: Sendable {
    static let mask = "‹redacted›"
    /// Values given when the redactor was made: an entry's env values, decrypted secrets.
    private let fixed: [[UInt8]]
    /// The session's loaded secrets, read at each use.
    private let vault: SecretVault?
    private let shapes: Bool

    /// Values shorter than four characters are left alone: masking every "1" or "on" would
    /// destroy the text and protect nothing. `shapes` also masks known token shapes.
    init(values: some Sequence<String>, shapes: Bool = true) {
        fixed = Self.patterns(values)
        vault = nil
        self.shapes = shapes
    }

    /// What masks output before there is a session (an unknown option, `--help`): token shapes,
    /// as no secret can be loaded yet.
    package static let beforeSession = Redactor(values: [])

    /// The session's redactor: masks whatever `vault` holds at the time of each use.
    init(vault: SecretVault) {
        fixed = []
        self.vault = vault
        shapes = true
    }

    /// This redactor, masking `values` as well (what one operation decrypted or was given).
    func adding(_ values: some Sequence<String>) -> Redactor {
        Redactor(fixed: fixed + Self.patterns(values), vault: vault, shapes: shapes)
    }

    private init(fixed: [[UInt8]], vault: SecretVault?, shapes: Bool) {
        self.fixed = fixed
        self.vault = vault
        self.shapes = shapes
    }

    /// Every value long enough to mask, in each form a server may send it back in
    /// (`SecretEncodings`).
    static func patterns(_ values: some Sequence<String>) -> [[UInt8]] {
        Array(Set(Set(values.filter { $0.count >= 4 }).flatMap { SecretEncodings.forms(of: $0) }))
    }

    /// One mark ends a text that was clipped for display (`String.clipped`).
    static let clipMark = Array("…".utf8)

    /// How much of a value a mask may show (`ServerEntry.masked`): at most one eighth of it, in
    /// two ends of at most three characters, and nothing of a value under 16 characters.
    static func revealedEnd(of count: Int) -> Int { min(3, count / (2 * revealedShare)) }
    /// What a mask may show at most: one part in this many.
    static let revealedShare = 8

    /// Every byte of every occurrence is covered, then each covered run becomes one mask: two
    /// secrets that overlap leave no part of either behind.
    func redact(_ text: String) -> String {
        let values = vault.map { fixed + $0.patterns } ?? fixed
        let tokens = shapes ? TokenShapes.find(in: text) : []
        guard !tokens.isEmpty || values.contains(where: { text.utf8.count >= min($0.count, 4) }) else { return text }
        let bytes = Array(text.utf8)
        var covered = [Bool](repeating: false, count: bytes.count)
        var found = !tokens.isEmpty
        for token in tokens { for index in token.range { covered[index] = true } }
        // Each value in every encoded form is many patterns: only those that start with a byte
        // are tried where it stands.
        var byFirstByte = [[Int]](repeating: [], count: 256)
        for (number, value) in values.enumerated() { byFirstByte[Int(value[0])].append(number) }
        for start in bytes.indices {
            for number in byFirstByte[Int(bytes[start])] {
                guard let end = Self.occurrence(of: values[number], in: bytes, at: start) else { continue }
                for index in start..<end { covered[index] = true }
                found = true
            }
        }
        guard found else { return text }
        var result: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if covered[index] {
                result += Array(Self.mask.utf8)
                while index < bytes.count && covered[index] { index += 1 }
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// Where an occurrence of `value` that starts at `start` ends, or nil when there is none.
    ///
    /// A long value cut short is still a secret (a tool that strips a trailing unit, a line cut
    /// at a width): two thirds of it, from its start, are enough, and any start of it that a
    /// clip mark follows is too. A line break, and the indentation after it, may split it: a
    /// server that wraps its output splits what it echoes.
    static func occurrence(of value: [UInt8], in bytes: [UInt8], at start: Int) -> Int? {
        var index = start
        var matched = 0
        while index < bytes.count && matched < value.count {
            if bytes[index] == value[matched] {
                index += 1
                matched += 1
                continue
            }
            guard matched > 0, bytes[index] == 0x0A || bytes[index] == 0x0D else { break }
            var next = index
            while next < bytes.count && (bytes[next] == 0x0A || bytes[next] == 0x0D) { next += 1 }
            var end = next
            while end < bytes.count && (bytes[end] == 0x20 || bytes[end] == 0x09) { end += 1 }
            // The value itself may go on with spaces: they end the indentation.
            var own = 0
            while matched + own < value.count && (value[matched + own] == 0x20 || value[matched + own] == 0x09) { own += 1 }
            guard end - own >= next else { break }
            index = end - own
        }
        let least = value.count >= 12 ? max(12, (value.count * 2 + 2) / 3) : value.count
        if matched >= least { return index }
        let clipped = matched >= 4 && bytes.count - index >= clipMark.count && bytes[index..<(index + clipMark.count)].elementsEqual(clipMark)
        return clipped ? index : nil
    }

    /// Text from outside (a server, a config, a container) fit to show: secrets masked, then
    /// control characters neutralised (`TerminalText`).
    package func clean(_ text: String) -> String { TerminalText.neutralized(redact(text)) }

    /// `text` masked and neutralised for a terminal: what `Output` writes.
    package func sealForDisplay(_ text: String) -> Redacted<String> { Redacted(clean(text)) }

    /// Whether `line` ends with the start of a value (before a CR or spaces), so that the next
    /// line may hold the rest of it (`ServerLog`, which sees a line at a time).
    func mayContinue(_ line: [UInt8]) -> Bool {
        var end = line.count
        while end > 0 && (line[end - 1] == 0x0D || line[end - 1] == 0x20 || line[end - 1] == 0x09) { end -= 1 }
        let values = vault.map { fixed + $0.patterns } ?? fixed
        for value in values where end > 0 {
            for length in 1..<min(value.count, end + 1) where line[(end - length)..<end].elementsEqual(value[0..<length]) { return true }
        }
        return false
    }

    /// `value` with every string in it masked: the only way to make a `Redacted` value.
    package func seal<Value: Redactable>(_ value: Value) -> Redacted<Value> {
        Redacted(value.redacted(by: self))
    }

    /// A line for the history file, or nil when it must not be kept at all (it starts with a
    /// space, is blank, or holds a loaded secret or a token: `HistoryFile.shouldRecord`).
    package func historyEntry(_ line: String) -> Redacted<String>? {
        // Kept out by the same match that masks output: a line the screen shows masked, whole
        // or in part, escaped or encoded, is not kept in the clear.
        guard HistoryFile.shouldRecord(line, vault: vault ?? SecretVault()), redact(line) == line else { return nil }
        return Redacted(line)
    }

    /// An MCP message as the gateway sends it: every string masked, base64 data looked into
    /// rather than masked (`GatewayMasking`).
    package func sealMessage(_ message: JSONValue) -> Redacted<JSONValue> { Redacted(GatewayMasking.mask(message, by: self)) }

    /// `text` let through as it is: only for a value the user asked to see (`secrets show
    /// --reveal`). Named, so that every such place can be found.
    package func revealing(_ text: String) -> Redacted<String> { Redacted(text) }
}

/// A value that has passed a redactor. Its initialiser is private to this file: the sinks that
/// take one (output, history, logs, the health history) cannot be handed anything else.
package struct Redacted<Value: Sendable>: Sendable {
    package let value: Value

    fileprivate init(_ value: Value) { self.value = value }
}

/// A value whose strings a redactor can mask.
package protocol Redactable: Sendable {
    func redacted(by redactor: Redactor) -> Self
}

extension String: Redactable {
    package func redacted(by redactor: Redactor) -> String { redactor.redact(self) }
}

extension JSONValue: Redactable {
    /// Every string and key masked before serialising: once escaped, a secret holding a quote,
    /// a backslash or a control character no longer looks like itself.
    package func redacted(by redactor: Redactor) -> JSONValue {
        switch self {
        case .string(let text): return .string(redactor.redact(text))
        case .array(let items): return .array(items.map { $0.redacted(by: redactor) })
        case .object(let members): return .object(members.map { (redactor.redact($0.0), $0.1.redacted(by: redactor)) })
        default: return self
        }
    }
}
