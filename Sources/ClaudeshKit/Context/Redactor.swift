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

    static func patterns(_ values: some Sequence<String>) -> [[UInt8]] {
        Set(values.filter { $0.count >= 4 }).map { Array($0.utf8) }
    }

    /// Every byte of every occurrence is covered, then each covered run becomes one mask: two
    /// secrets that overlap leave no part of either behind.
    func redact(_ text: String) -> String {
        let values = vault.map { fixed + $0.patterns } ?? fixed
        let tokens = shapes ? TokenShapes.find(in: text) : []
        guard !tokens.isEmpty || values.contains(where: { text.utf8.count >= min($0.count, 12) }) else { return text }
        let bytes = Array(text.utf8)
        var covered = [Bool](repeating: false, count: bytes.count)
        var found = !tokens.isEmpty
        for token in tokens { for index in token.range { covered[index] = true } }
        for value in values {
            // A long value cut short is still a secret (a tool that strips a trailing unit, a
            // line clipped for display): two thirds of it, from its start, are enough to mask
            // the run, which goes on as far as the text still follows the value.
            let least = value.count >= 12 ? max(12, (value.count * 2 + 2) / 3) : value.count
            guard least <= bytes.count else { continue }
            var start = 0
            while start + least <= bytes.count {
                if bytes[start] == value[0] && bytes[start..<(start + least)].elementsEqual(value[0..<least]) {
                    var end = start + least
                    while end < bytes.count && end - start < value.count && bytes[end] == value[end - start] { end += 1 }
                    for index in start..<end { covered[index] = true }
                    found = true
                }
                start += 1
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

    /// `value` with every string in it masked: the only way to make a `Redacted` value.
    package func seal<Value: Redactable>(_ value: Value) -> Redacted<Value> {
        Redacted(value.redacted(by: self))
    }

    /// A line for the history file, or nil when it must not be kept at all (it starts with a
    /// space, is blank, or holds a loaded secret or a token: `HistoryFile.shouldRecord`).
    package func historyEntry(_ line: String) -> Redacted<String>? {
        guard HistoryFile.shouldRecord(line, vault: vault ?? SecretVault()), fixed.isEmpty || redact(line) == line else { return nil }
        return Redacted(line)
    }

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
