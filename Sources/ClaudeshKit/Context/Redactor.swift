/// Masks secret values in text before it leaves the process or reaches a log.
public struct Redactor: Sendable {
    public static let mask = "‹redacted›"
    /// Longest first, so a value that contains another is masked whole.
    private let values: [String]

    /// Values shorter than four characters are left alone: masking every "1" or "on" would
    /// destroy the text and protect nothing.
    public init(values: some Sequence<String>) {
        self.values = Set(values.filter { $0.count >= 4 }).sorted { $0.count > $1.count }
    }

    public func redact(_ text: String) -> String {
        var text = text
        for value in values where text.contains(value) {
            text = text.replacing(value, with: Self.mask)
        }
        return text
    }
}
