/// The secrets loaded into this session, in memory only.
///
/// Their values are what the history filter and the redactor look for.
public struct SecretVault: Sendable {
    private var secrets: [String: String] = [:]

    public init() {}

    public var count: Int { secrets.count }
    public var names: [String] { secrets.keys.sorted() }

    public mutating func store(_ value: String, as name: String) { secrets[name] = value }
    public mutating func remove(_ name: String) { secrets[name] = nil }
    public mutating func removeAll() { secrets.removeAll() }
    public func value(of name: String) -> String? { secrets[name] }
    /// Every loaded value, for the redactor.
    public var values: [String] { Array(secrets.values) }

    /// Whether `text` contains any loaded value.
    public func appears(in text: String) -> Bool {
        secrets.values.contains { !$0.isEmpty && text.contains($0) }
    }
}
