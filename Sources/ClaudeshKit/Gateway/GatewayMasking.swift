/// A backend's answer as it may leave the gateway: every string masked by the session's
/// redactor, except base64 data (an image's `data`, a resource's `blob`), which a mask would
/// corrupt. Those are decoded and looked into instead: one that holds a secret is withheld
/// whole (sent empty).
enum GatewayMasking {
    static let binaryKeys: Set<String> = ["data", "blob"]

    static func mask(_ value: JSONValue, by redactor: Redactor) -> JSONValue {
        switch value {
        case .string(let text): return .string(redactor.redact(text))
        case .array(let items): return .array(items.map { mask($0, by: redactor) })
        case .object(let members):
            return .object(members.map { key, member in
                if binaryKeys.contains(key), case .string(let encoded) = member, let bytes = Base64.decode(encoded) {
                    let text = String(decoding: bytes, as: UTF8.self)
                    return (key, .string(redactor.redact(text) == text ? encoded : ""))
                }
                return (redactor.redact(key), mask(member, by: redactor))
            })
        default: return value
        }
    }
}
