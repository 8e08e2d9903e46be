#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CMicroHTTPD
import Dispatch
import Synchronization

/// The statuses the gateway's listener answers with.
enum GatewayHTTPStatus: UInt32 {
    case ok = 200, accepted = 202, badRequest = 400, unauthorized = 401, forbidden = 403, notFound = 404
    case methodNotAllowed = 405, payloadTooLarge = 413, serviceUnavailable = 503
}

/// Who may use the gateway over HTTP: a bearer token (from the pass store) on every request,
/// and, as the spec asks of a local server against DNS rebinding, an `Origin` (when a browser
/// sends one) of this machine only.
package struct GatewayAccess: Sendable {
    let token: String

    package init(token: String, loopbackOnly: Bool) {
        self.token = token
        self.loopbackOnly = loopbackOnly
    }

    /// Whether the listener is on this machine's loopback: then a request's `Host` must name
    /// loopback too (a DNS-rebinding page's names its own host).
    let loopbackOnly: Bool

    /// 403 for a foreign origin (or host, on loopback), 401 for a missing or wrong token, nil
    /// when the request may pass.
    func refusal(origin: String?, host: String?, authorization: String?) -> GatewayHTTPStatus? {
        if let origin, !Self.isLocal(origin: origin) { return .forbidden }
        if loopbackOnly, let host, !Self.isLoopback(authority: host) { return .forbidden }
        guard let authorization, authorization.lowercased().hasPrefix("bearer "),
              Self.equalInConstantTime(String(authorization.dropFirst(7)).trimmingWhitespace, token) else { return .unauthorized }
        return nil
    }

    /// An origin whose host is this machine's loopback (`http://localhost:8811`, `http://127.0.0.1`,
    /// `http://[::1]`); `null` (a file, a sandboxed frame) is not, nor a name that merely
    /// starts like an address (`127.evil.example`).
    static func isLocal(origin: String) -> Bool {
        guard let scheme = origin.range(of: "://") else { return false }
        let authority = origin[scheme.upperBound...].prefix { $0 != "/" }
        return isLoopback(authority: String(authority))
    }

    /// `HOST[:PORT]` names this machine's loopback: `localhost`, an IPv4 address of 127/8
    /// written as four numbers, or `[::1]`.
    static func isLoopback(authority: String) -> Bool {
        if authority.hasPrefix("[") { return authority == "[::1]" || authority.hasPrefix("[::1]:") }
        let host = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        if host.lowercased() == "localhost" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) && Int($0)! <= 255 }) else { return false }
        return parts[0] == "127"
    }

    /// Compares without returning early, so the time taken says nothing of where they differ.
    static func equalInConstantTime(_ given: String, _ expected: String) -> Bool {
        let a = Array(given.utf8), b = Array(expected.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<b.count { difference |= (index < a.count ? a[index] : 0) ^ b[index] }
        return difference == 0
    }
}

/// The gateway over streamable HTTP at `/mcp` on an address of this machine: each POST one
/// JSON-RPC message, its answer as `application/json`; notifications 202; no event stream of
/// the server's own (GET is 405) and no sessions, which both eras allow. The HTTP is GNU
/// libmicrohttpd's (`CMicroHTTPD`, loaded when the listener starts): a thread per connection,
/// which waits for its request's answer and watches its client meanwhile.
package final class GatewayHTTPServer: Sendable {
    private let listener: Mutex<UncheckedBox?>
    private let handler: GatewayHTTPHandler
    /// Set by `close`; `wait` ends with it.
    private let closed = Mutex<(done: Bool, waiting: CheckedContinuation<Void, Never>?)>((false, nil))
    /// The port it listens on (the one picked when 0 was asked for).
    package let port: Int

    /// The longest request body read: longer is 413.
    static let bodyLimit = MCPProtocol.messageLimit
    /// Requests answered at once across all clients; more get 503 until some are done.
    static let inFlightLimit = 256
    /// Connections open at once; libmicrohttpd refuses more (each holds a thread).
    static let connectionLimit: UInt32 = 512

    private init(listener: OpaquePointer, handler: GatewayHTTPHandler) {
        self.listener = Mutex(UncheckedBox(listener))
        self.handler = handler
        port = Int(cmhd_port(listener))
    }

    package static func start(_ gateway: Gateway, host: String, port: Int, access: GatewayAccess) async throws -> GatewayHTTPServer {
        guard let address = SocketAddress(host: host, port: port) else {
            throw OperationError.failed("the gateway cannot listen on \(host):\(port): not an address of this machine's")
        }
        let handler = GatewayHTTPHandler(gateway: gateway, access: access)
        // A connection waits no longer idle than a call may take, and a minute more.
        let idle = UInt32(max(300, gateway.timeout.seconds + 60))
        var error = [CChar](repeating: 0, count: 512)
        // Held by the listener until it stops: its threads call into it.
        let context = Unmanaged.passRetained(handler).toOpaque()
        let started = address.withPointer { pointer, length in
            cmhd_start(pointer, length, bodyLimit, connectionLimit, idle, { context, request, answer in
                GatewayHTTPHandler.from(context).head(request!.pointee, answer!) ? 1 : 0
            }, { context, request, body, length, tooLarge, answer in
                GatewayHTTPHandler.from(context).body(request!.pointee, UnsafeBufferPointer(start: body, count: length), tooLarge: tooLarge != 0, answer!)
            }, context, &error, error.count)
        }
        guard let started else {
            Unmanaged<GatewayHTTPHandler>.fromOpaque(context).release()
            throw OperationError.failed("the gateway cannot listen on \(host):\(port): \(String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))")
        }
        return GatewayHTTPServer(listener: started, handler: handler)
    }

    /// Until the listener is closed.
    package func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = closed.withLock { state in
                if !state.done { state.waiting = continuation }
                return state.done
            }
            if done { continuation.resume() }
        }
    }

    /// Ends `wait` (whose caller then stops the listener). From any thread, any number of times.
    package func close() {
        closed.withLock { state in
            state.done = true
            return state.waiting.take()
        }?.resume()
    }

    /// Cancels what is in flight, closes the listener and ends its threads; once, after `wait`
    /// returned.
    package func stop() async {
        handler.stop()
        guard let box = listener.withLock({ $0.take() }) else { return }
        // Joins every connection's thread: on a thread of its own, not the pool's.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Blocking.run("gateway-stop") {
                cmhd_stop(box.value)
                continuation.resume()
            }
        }
        Unmanaged.passUnretained(handler).release() // its last callback is over
    }
}

/// A pointer handed to another thread that owns it from then on.
private final class UncheckedBox: @unchecked Sendable {
    let value: OpaquePointer
    init(_ value: OpaquePointer) { self.value = value }
}

/// An IPv4 or IPv6 address to listen on, from a name (`localhost`) or a literal.
private struct SocketAddress {
    private var storage = sockaddr_storage()
    private let length: socklen_t

    init?(host: String, port: Int) {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &found) == 0, let first = found else { return nil }
        defer { freeaddrinfo(found) }
        length = first.pointee.ai_addrlen
        withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: UnsafeRawBufferPointer(start: first.pointee.ai_addr, count: Int(length))) }
    }

    func withPointer<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        var copy = storage
        return withUnsafePointer(to: &copy) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) } }
    }
}

/// How many requests all clients have in flight.
final class InFlight: Sendable {
    private let count = Atomic<Int>(0)

    func enter(limit: Int) -> Bool {
        if count.wrappingAdd(1, ordering: .relaxed).newValue > limit {
            count.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func leave() { count.wrappingSubtract(1, ordering: .relaxed) }

    var current: Int { count.load(ordering: .relaxed) }
}

/// The listener's requests, on libmicrohttpd's connection threads: each checked at its head,
/// then answered by the gateway in a task while its thread waits and watches the client, whose
/// leaving cancels the task (and with it the backend call it waits on).
final class GatewayHTTPHandler: Sendable {
    private let gateway: Gateway
    private let access: GatewayAccess
    private let counter = InFlight()
    /// The requests being answered, which `stop` cancels; and whether it did.
    private let active = Mutex<(next: Int, all: [Int: GatewayConnection], stopped: Bool)>((0, [:], false))

    init(gateway: Gateway, access: GatewayAccess) {
        self.gateway = gateway
        self.access = access
    }

    static func from(_ context: UnsafeMutableRawPointer?) -> GatewayHTTPHandler {
        Unmanaged<GatewayHTTPHandler>.fromOpaque(context!).takeUnretainedValue()
    }

    /// Answers a request that may not go on (another path, a foreign origin or host, no valid
    /// token, not a POST, a body said to be too long) and closes its connection; false when it
    /// may: who asks, and for what, is settled before a byte of the body is kept.
    func head(_ request: cmhd_request, _ answer: OpaquePointer) -> Bool {
        func text(_ pointer: UnsafePointer<CChar>?) -> String? { pointer.map { String(cString: $0) } }
        let path = String(cString: request.path)
        guard path == "/mcp" || path == "/mcp/" else {
            Self.set(answer, .notFound, text: "not found: the gateway is at /mcp", close: true)
            return true
        }
        if let refusal = access.refusal(origin: text(request.origin), host: text(request.host), authorization: text(request.authorization)) {
            let why = refusal == .unauthorized ? "a bearer token is required (gateway token makes one)" : "requests from this origin are refused"
            if refusal == .unauthorized { cmhd_answer_header(answer, "WWW-Authenticate", "Bearer realm=\"claudesh-gateway\"") }
            Self.set(answer, refusal, text: why, close: true)
            return true
        }
        guard String(cString: request.method) == "POST" else {
            cmhd_answer_header(answer, "Allow", "POST")
            Self.set(answer, .methodNotAllowed, text: "the gateway takes POST only", close: true)
            return true
        }
        if request.content_length > GatewayHTTPServer.bodyLimit {
            Self.set(answer, .payloadTooLarge, json: tooLargeError, close: true)
            return true
        }
        return false
    }

    private var tooLargeError: Redacted<JSONValue> {
        gateway.redactor.sealMessage(Gateway.error(id: .null, code: -32600, "a message longer than \(GatewayHTTPServer.bodyLimit >> 20) MiB"))
    }

    /// Answers a whole request; blocks its connection's thread until the gateway has, and
    /// leaves `answer` unset (the connection closes) when the client left first.
    func body(_ request: cmhd_request, _ bytes: UnsafeBufferPointer<UInt8>, tooLarge isTooLarge: Bool, _ answer: OpaquePointer) {
        // Every answer passes the gateway's redactor on its way out.
        let redactor = gateway.redactor
        guard !isTooLarge else { return Self.set(answer, .payloadTooLarge, json: tooLargeError, close: true) }
        let message: JSONValue
        do {
            message = try JSONParser.parse(Array(bytes))
        } catch {
            return Self.set(answer, .badRequest, json: redactor.sealMessage(Gateway.error(id: .null, code: -32700, "parse error: \(error.message) at column \(error.column)")))
        }
        let method = message["method"]?.stringValue
        if let said = request.mcp_method.map({ String(cString: $0) }), let method, said != method {
            return Self.set(answer, .badRequest, json: redactor.sealMessage(Gateway.error(id: message["id"] ?? .null, code: MCPProtocol.ModernError.headerMismatch,
                                                                                 "the Mcp-Method header says \(said), the body \(method)")))
        }
        let isRequest = message["id"].map { $0 != .null } == true && method != nil
        guard counter.enter(limit: GatewayHTTPServer.inFlightLimit) else {
            cmhd_answer_header(answer, "Retry-After", "1")
            return Self.set(answer, .serviceUnavailable, json: redactor.sealMessage(Gateway.error(id: message["id"] ?? .null, code: -32000,
                                                                                                "the gateway is answering \(GatewayHTTPServer.inFlightLimit) requests: try again")))
        }
        defer { counter.leave() }
        let connection = GatewayConnection(transport: "http")
        guard let ticket = enter(connection) else { return } // the listener is stopping
        defer { leave(ticket) }
        let done = DispatchSemaphore(value: 0)
        let reply = Mutex<JSONValue?>(nil)
        let gateway = self.gateway
        let work: @Sendable () async -> Void = {
            let answered = await gateway.answer(message, connection: connection)
            reply.withLock { $0 = answered }
            done.signal()
        }
        if isRequest, let id = message["id"] {
            // A connection of its own: never full, its id never in use; refused only once closed.
            guard connection.start(id, work) == nil else { return }
        } else {
            Task { await work() }
        }
        // The answer wakes the wait at once; a tenth of a second at most goes by before a client
        // that hung up is noticed, and its call cancelled.
        var left = false
        while done.wait(timeout: .now() + .milliseconds(100)) == .timedOut {
            if !left, Self.hungUp(request.fd) {
                left = true
                connection.close()
            }
        }
        guard !left else { return }
        if let answered = reply.withLock({ $0 }) {
            Self.set(answer, .ok, json: redactor.sealMessage(answered))
        } else if !isRequest {
            Self.set(answer, .accepted)
        }
        // A request cancelled while it ran: its client is gone, nothing to send.
    }

    /// Whether the client closed its end of `fd` (a peek that reads the end of the stream; a
    /// next request already sent is not a hang-up).
    static func hungUp(_ fd: Int32) -> Bool {
        guard fd >= 0 else { return false }
        var byte: UInt8 = 0
        let peeked = recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        return peeked == 0 || (peeked < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
    }

    private func enter(_ connection: GatewayConnection) -> Int? {
        active.withLock { state in
            guard !state.stopped else { return nil }
            state.next += 1
            state.all[state.next] = connection
            return state.next
        }
    }

    private func leave(_ ticket: Int) {
        _ = active.withLock { $0.all.removeValue(forKey: ticket) }
    }

    /// Cancels every request being answered; none is taken from now on.
    func stop() {
        let connections = active.withLock { state in
            state.stopped = true
            return Array(state.all.values)
        }
        for connection in connections { connection.close() }
    }

    static func set(_ answer: OpaquePointer, _ status: GatewayHTTPStatus, json: Redacted<JSONValue>, close: Bool = false) {
        set(answer, status, body: json.value.serializedBytes(), type: "application/json", close: close)
    }

    static func set(_ answer: OpaquePointer, _ status: GatewayHTTPStatus, text: String? = nil, close: Bool = false) {
        set(answer, status, body: text.map { Array(($0 + "\n").utf8) } ?? [], type: text == nil ? nil : "text/plain; charset=utf-8", close: close)
    }

    static func set(_ answer: OpaquePointer, _ status: GatewayHTTPStatus, body: [UInt8], type: String?, close: Bool) {
        body.withUnsafeBufferPointer { cmhd_answer_set(answer, status.rawValue, $0.baseAddress, $0.count, type, close ? 1 : 0) }
    }
}
