/// HTTP/1.1, one request per connection (`Connection: close`), the body read as it arrives:
/// what a probe needs to speak MCP's HTTP transports, without a networking framework's start-up cost.
enum HTTPClient {
    struct Request: Sendable {
        var method: String
        var url: HTTPURL
        var headers: [(String, String)]
        var body: [UInt8]

        init(_ method: String, _ url: HTTPURL, headers: [(String, String)] = [], body: [UInt8] = []) {
            self.method = method
            self.url = url
            self.headers = headers
            self.body = body
        }
    }

    /// Sends `request` and reads the response's head; the body is read from the response.
    /// `connected` gets the socket before anything blocks, so a deadline can shut it down.
    static func send(_ request: Request, deadline: ContinuousClock.Instant, connected: (Socket) -> Void = { _ in }) throws(NetError) -> Response {
        let socket = try Socket.connect(host: request.url.host, port: request.url.port, deadline: deadline)
        connected(socket) // before the TLS handshake, which a deadline must be able to cut short
        if request.url.isSecure { try socket.startTLS(host: request.url.host, deadline: deadline) }
        var head = "\(request.method) \(request.url.target) HTTP/1.1\r\nHost: \(request.url.hostHeader)\r\nConnection: close\r\nUser-Agent: claudesh/\(MCPProtocol.clientVersion)\r\n"
        for (name, value) in request.headers { head += "\(name): \(value)\r\n" }
        if !request.body.isEmpty || request.method == "POST" { head += "Content-Length: \(request.body.count)\r\n" }
        head += "\r\n"
        try socket.write(Array(head.utf8) + request.body, deadline: deadline)
        return try Response(socket: socket, deadline: deadline)
    }

    /// A response whose body is read in pieces, de-chunked.
    final class Response {
        let status: Int
        /// Names in lower case.
        let headers: [(String, String)]
        private let socket: Socket
        private var buffer: [UInt8] = []
        private var framing: Framing
        private var finished = false

        private enum Framing {
            case length(Int)
            case chunked(left: Int?)
            case untilClose
        }

        static let headLimit = 64 << 10

        fileprivate init(socket: Socket, deadline: ContinuousClock.Instant) throws(NetError) {
            self.socket = socket
            var data: [UInt8] = []
            var end: Int?
            while end == nil {
                let chunk = try socket.read(deadline: deadline)
                guard !chunk.isEmpty else { throw data.isEmpty ? .closed : .malformedResponse("the head ended early") }
                let searchFrom = max(0, data.count - 3)
                data += chunk
                end = Self.headEnd(data, from: searchFrom)
                if end == nil && data.count > Self.headLimit { throw .malformedResponse("a head longer than 64 KB") }
            }
            let lines = String(decoding: data[..<end!], as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
            let statusParts = lines[0].split(separator: " ", maxSplits: 2)
            guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/"), let code = Int(statusParts[1]) else {
                throw .malformedResponse(String(lines[0].prefix(40)))
            }
            status = code
            headers = lines.dropFirst().compactMap { line in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (line[..<colon].lowercased(), String(line[line.index(after: colon)...]).trimmingWhitespace)
            }
            buffer = Array(data[(end! + 4)...])
            let encoding = headers.last { $0.0 == "transfer-encoding" }?.1.lowercased() ?? ""
            if encoding.contains("chunked") {
                framing = .chunked(left: nil)
            } else if let text = headers.last(where: { $0.0 == "content-length" })?.1 {
                guard !text.isEmpty, text.allSatisfy(\.isASCIIDigit), let length = Int(text) else {
                    throw .malformedResponse("a bad Content-Length '\(text.prefix(20))'")
                }
                framing = .length(length)
            } else {
                framing = .untilClose
            }
        }

        private static func headEnd(_ data: [UInt8], from start: Int) -> Int? {
            guard data.count >= 4 else { return nil }
            for index in start...(data.count - 4) where data[index] == 13 && data[index + 1] == 10 && data[index + 2] == 13 && data[index + 3] == 10 {
                return index
            }
            return nil
        }

        func header(_ name: String) -> String? { headers.last { $0.0 == name }?.1 }

        /// The media type without parameters, in lower case.
        var contentType: String {
            (header("content-type") ?? "").split(separator: ";").first.map { String($0).trimmingWhitespace.lowercased() } ?? ""
        }

        /// The next piece of the body; nil at its end.
        func next(deadline: ContinuousClock.Instant) throws(NetError) -> [UInt8]? {
            while !finished {
                switch framing {
                case .length(let left):
                    if left == 0 { finished = true; return nil }
                    if buffer.isEmpty { try fill(deadline) }
                    let take = min(left, buffer.count)
                    let piece = Array(buffer[..<take])
                    buffer.removeFirst(take)
                    framing = .length(left - take)
                    return piece
                case .untilClose:
                    if buffer.isEmpty {
                        let chunk = try socket.read(deadline: deadline)
                        if chunk.isEmpty { finished = true; return nil }
                        return chunk
                    }
                    defer { buffer = [] }
                    return buffer
                case .chunked(let left):
                    if let left, left > 0 {
                        if buffer.isEmpty { try fill(deadline) }
                        let take = min(left, buffer.count)
                        let piece = Array(buffer[..<take])
                        buffer.removeFirst(take)
                        framing = .chunked(left: left - take)
                        return piece
                    }
                    // At a chunk boundary: the CRLF after the last chunk's data, then a size line.
                    if left == 0 {
                        let line = try readLine(deadline)
                        guard line.isEmpty else { throw .malformedResponse("no line break after a chunk") }
                    }
                    let sizeLine = try readLine(deadline)
                    let sizeText = sizeLine.split(separator: ";").first.map(String.init)?.trimmingWhitespace ?? ""
                    guard let size = Int(sizeText, radix: 16), size >= 0 else { throw .malformedResponse("a bad chunk size '\(sizeText.prefix(20))'") }
                    if size == 0 { finished = true; return nil }
                    framing = .chunked(left: size)
                }
            }
            return nil
        }

        /// The whole body, at most `limit` bytes kept.
        func readAll(limit: Int = 8 << 20, deadline: ContinuousClock.Instant) throws(NetError) -> [UInt8] {
            var body: [UInt8] = []
            while let piece = try next(deadline: deadline) {
                if body.count < limit { body += piece.prefix(limit - body.count) }
            }
            return body
        }

        private func fill(_ deadline: ContinuousClock.Instant) throws(NetError) {
            let chunk = try socket.read(deadline: deadline)
            if chunk.isEmpty { throw .malformedResponse("the body ended early") }
            buffer += chunk
        }

        private func readLine(_ deadline: ContinuousClock.Instant) throws(NetError) -> String {
            while true {
                if let newline = buffer.firstIndex(of: 10) {
                    var line = buffer[..<newline]
                    if line.last == 13 { line = line.dropLast() }
                    defer { buffer.removeSubrange(...newline) }
                    return String(decoding: line, as: UTF8.self)
                }
                guard buffer.count < 4096 else { throw .malformedResponse("a chunk size line longer than 4 KB") }
                try fill(deadline)
            }
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
