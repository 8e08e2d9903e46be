import Synchronization

/// A client's stdio to a gateway listening over HTTP (`gateway bridge URL`): each line its
/// client writes is POSTed with the bearer token (read from the pass store, never in the
/// entry), each answer (JSON, or the events of an event stream) written back as a line. The
/// entry Claude Desktop needs to reach a long-running gateway: the seed's `socat STDIO TCP:…`
/// carries raw bytes, so it can neither speak HTTP nor carry a token.
enum GatewayBridge {
    /// Requests forwarded at once; past it, a request gets its error at once.
    static let inFlightLimit = 64

    static func serve(url: HTTPURL, token: String, redactor: Redactor, input: Int32 = 0, output: Int32 = 1) async {
        let writer = LineWriter(fd: output, redactor: redactor)
        let inFlight = InFlight()
        // The request each id is being forwarded by: a `notifications/cancelled` of the client
        // ends its exchange, and the gateway cancels what the hung-up exchange asked for.
        let forwarding = Forwarding()
        await GatewayStdio.untilEndOrCancelled(input) { line in
            guard !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) else { return }
            let message = try? JSONParser.parse(line)
            let id = message?["id"] ?? .null
            if message?["method"]?.stringValue == "notifications/cancelled", let cancelled = message?["params"]?["requestId"] {
                forwarding.tasks.withLock { $0[cancelled.serialized()] }?.cancel()
                return
            }
            guard inFlight.enter(limit: inFlightLimit) else {
                writer.send(Gateway.error(id: id, code: -32000, "too many requests in flight (\(inFlightLimit))"))
                return
            }
            let key = id.serialized()
            // Registered before it can end (its end takes the same lock to forget itself).
            forwarding.tasks.withLock { tasks in
                let task = Task {
                    defer { inFlight.leave() }
                    let replies = await forward(line, id: id, url: url, token: token)
                    if id != .null { _ = forwarding.tasks.withLock { $0.removeValue(forKey: key) } }
                    // Cancelled by the client: it expects no answer.
                    guard !Task.isCancelled else { return }
                    for reply in replies { writer.send(reply) }
                }
                if id != .null { tasks[key] = task }
            }
        } tooLong: {
            writer.send(Gateway.error(id: .null, code: -32700, "parse error: a message longer than \(MCPProtocol.messageLimit >> 20) MiB"))
        }
        let grace = ContinuousClock.now + GatewayStdio.closingGrace
        while inFlight.current > 0, ContinuousClock.now < grace { try? await Task.sleep(for: .milliseconds(10)) }
    }

    /// The messages the gateway answered `line` with; a JSON-RPC error for request `id` when
    /// the gateway could not be reached or refused it.
    static func forward(_ line: [UInt8], id: JSONValue, url: HTTPURL, token: String) async -> [JSONValue] {
        let request = HTTPClient.Request("POST", url, headers: [
            ("Content-Type", "application/json"), ("Accept", "application/json, text/event-stream"), ("Authorization", "Bearer " + token),
        ], body: line)
        let session = HTTPSession()
        do {
            let (status, type, body) = try await session.run { () throws(NetError) -> (Int, String, [UInt8]) in
                let deadline = ContinuousClock.now + .seconds(3600)
                let response = try HTTPClient.send(request, deadline: deadline, session: session, sharing: false)
                return (response.status, response.header("content-type") ?? "", try response.readAll(limit: MCPProtocol.messageLimit, deadline: deadline))
            }
            if type.hasPrefix("text/event-stream") {
                var parser = SSEParser(limit: MCPProtocol.messageLimit)
                let messages = parser.feed(body + [10, 10]).compactMap { try? JSONParser.parse(Array($0.data.utf8)) }
                // A stream cut before the answer: the request still gets one.
                if id != .null, !messages.contains(where: { $0["id"] == id && $0["method"] == nil }) {
                    return messages + [Gateway.error(id: id, code: -32603, "the gateway's event stream ended without the answer")]
                }
                return messages
            }
            if let message = try? JSONParser.parse(body), message["jsonrpc"] != nil { return [message] }
            if status == 202 || id == .null { return [] }
            let text = String(decoding: body.prefix(200), as: UTF8.self).trimmingWhitespace
            return [Gateway.error(id: id, code: -32603, "the gateway answered HTTP \(status)" + (text.isEmpty ? "" : ": \(text)"))]
        } catch {
            return id == .null ? [] : [Gateway.error(id: id, code: -32603, "the gateway at \(url) cannot be reached: \(error)")]
        }
    }
}

/// The bridge's exchanges in flight, by request id.
private final class Forwarding: Sendable {
    let tasks = Mutex<[String: Task<Void, Never>]>([:])
}
