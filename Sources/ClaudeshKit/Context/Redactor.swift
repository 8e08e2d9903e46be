/// Masks secret values, and anything shaped like a known API token, in text before it leaves
/// the process or reaches a log.
public struct Redactor: Sendable {
    public static let mask = "‹redacted›"
    private let values: [[UInt8]]
    private let shapes: Bool

    /// Values shorter than four characters are left alone: masking every "1" or "on" would
    /// destroy the text and protect nothing. `shapes` also masks known token shapes.
    public init(values: some Sequence<String>, shapes: Bool = true) {
        self.values = Set(values.filter { $0.count >= 4 }).map { Array($0.utf8) }
        self.shapes = shapes
    }

    /// Every byte of every occurrence is covered, then each covered run becomes one mask: two
    /// secrets that overlap leave no part of either behind.
    public func redact(_ text: String) -> String {
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
}
