/// Server-sent events (the WHATWG `text/event-stream` format), fed bytes as they arrive.
///
/// An event (or a line) longer than `limit` is not kept: the parser stops there and says so
/// (`isOverLimit`), whether the peer sends one endless line or data lines without the blank
/// line that ends an event.
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
    /// The bytes of the event so far: its lines, and the one under way.
    private var eventBytes = 0
    let limit: Int
    private(set) var isOverLimit = false

    init(limit: Int) { self.limit = limit }

    /// The events `bytes` completes.
    mutating func feed(_ bytes: [UInt8]) -> [Event] {
        var events: [Event] = []
        for byte in bytes {
            guard !isOverLimit else { break }
            if byte == 10 && lastWasCR { lastWasCR = false; continue } // the LF of a CRLF
            lastWasCR = byte == 13
            eventBytes += 1
            if eventBytes > limit {
                isOverLimit = true
                pending = []
                data = []
                break
            }
            guard byte == 10 || byte == 13 else { pending.append(byte); continue }
            let line = String(decoding: pending, as: UTF8.self)
            pending = []
            if line.isEmpty {
                if !data.isEmpty { events.append(Event(type: type.isEmpty ? "message" : type, data: data.joined(separator: "\n"), id: id)) }
                type = ""
                data = []
                eventBytes = 0
                continue
            }
            if line.hasPrefix(":") { // a comment, often a keep-alive
                if data.isEmpty { eventBytes = 0 }
                continue
            }
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
