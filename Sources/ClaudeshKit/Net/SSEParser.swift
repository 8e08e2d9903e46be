/// Server-sent events (the WHATWG `text/event-stream` format), fed bytes as they arrive.
struct SSEParser {
    struct Event: Equatable {
        var type: String
        var data: String
        var id: String?
    }

    private var pending: [UInt8] = []
    private var type = ""
    private var data: [String] = []
    private var id: String?
    private var lastWasCR = false

    /// The events `bytes` completes.
    mutating func feed(_ bytes: [UInt8]) -> [Event] {
        var events: [Event] = []
        for byte in bytes {
            if byte == 10 && lastWasCR { lastWasCR = false; continue } // the LF of a CRLF
            lastWasCR = byte == 13
            guard byte == 10 || byte == 13 else { pending.append(byte); continue }
            let line = String(decoding: pending, as: UTF8.self)
            pending = []
            if line.isEmpty {
                if !data.isEmpty { events.append(Event(type: type.isEmpty ? "message" : type, data: data.joined(separator: "\n"), id: id)) }
                type = ""
                data = []
                continue
            }
            if line.hasPrefix(":") { continue } // a comment, often a keep-alive
            let field: Substring
            var value: Substring
            if let colon = line.firstIndex(of: ":") {
                field = line[..<colon]
                value = line[line.index(after: colon)...]
                if value.hasPrefix(" ") { value = value.dropFirst() }
            } else {
                field = Substring(line)
                value = ""
            }
            switch field {
            case "event": type = String(value)
            case "data": data.append(String(value))
            case "id": id = String(value)
            default: break // retry and unknown fields
            }
        }
        return events
    }
}
