/// A backend's answer as it may leave the gateway: every string masked by a redactor, except
/// the base64 data MCP defines (an image's or audio's `data`, a resource's `blob`), which a mask
/// would corrupt. Such data is decoded and looked into instead, and as text too: it goes out as
/// it came only when neither shows a secret, and is withheld whole (sent empty) otherwise. A
/// `data` or `blob` anywhere else is text like any other string.
enum GatewayMasking {
    static func mask(_ value: JSONValue, by redactor: Redactor) -> JSONValue {
        switch value {
        case .string(let text): return .string(redactor.redact(text))
        case .array(let items): return .array(items.map { mask($0, by: redactor) })
        case .object(let members):
            let type = value["type"]?.stringValue
            return .object(members.map { key, member in
                let binary = (key == "data" && (type == "image" || type == "audio")) || (key == "blob" && value["uri"] != nil)
                if binary, case .string(let encoded) = member {
                    return (key, .string(isClean(encoded, redactor) ? encoded : ""))
                }
                return (redactor.redact(key), mask(member, by: redactor))
            })
        default: return value
        }
    }

    /// Whether base64 `encoded` shows no secret, read as text or decoded.
    static func isClean(_ encoded: String, _ redactor: Redactor) -> Bool {
        guard redactor.redact(encoded) == encoded else { return false }
        guard let bytes = Base64.decode(encoded) else { return true }
        let text = String(decoding: bytes, as: UTF8.self)
        return redactor.redact(text) == text
    }
}
