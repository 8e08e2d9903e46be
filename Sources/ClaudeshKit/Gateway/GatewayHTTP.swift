import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

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
    func refusal(origin: String?, host: String?, authorization: String?) -> HTTPResponseStatus? {
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
/// the server's own (GET is 405) and no sessions, which both eras allow.
package final class GatewayHTTPServer: Sendable {
    private let channel: Channel
    private let group: MultiThreadedEventLoopGroup
    /// The port it listens on (the one picked when 0 was asked for).
    package let port: Int

    /// The longest request body read: longer is 413.
    static let bodyLimit = MCPProtocol.messageLimit
    /// Requests answered at once across all clients; more get 503 until some are done.
    static let inFlightLimit = 256

    private init(channel: Channel, group: MultiThreadedEventLoopGroup, port: Int) {
        self.channel = channel
        self.group = group
        self.port = port
    }

    package static func start(_ gateway: Gateway, host: String, port: Int, access: GatewayAccess) async throws -> GatewayHTTPServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let counter = InFlight()
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(GatewayHTTPHandler(gateway: gateway, access: access, counter: counter))
                }
            }
        let channel: Channel
        do {
            channel = try await bootstrap.bind(host: host, port: port).get()
        } catch {
            try? await group.shutdownGracefully()
            throw OperationError.failed("the gateway cannot listen on \(host):\(port): \(error)")
        }
        return GatewayHTTPServer(channel: channel, group: group, port: channel.localAddress?.port ?? port)
    }

    /// Until the listener is closed.
    package func wait() async {
        try? await channel.closeFuture.get()
    }

    /// Stops taking connections: `wait` returns. From any thread, any number of times.
    package func close() {
        channel.close(promise: nil)
    }

    /// Closes the listener and ends its thread; once, after `wait` returned.
    package func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
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

/// One HTTP connection: its requests read whole, checked, answered by the gateway in a task
/// that the connection's end cancels (and with it the backend call it waits on).
final class GatewayHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let gateway: Gateway
    private let access: GatewayAccess
    private let counter: InFlight
    private let connection = GatewayConnection(transport: "http")
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var tooLarge = false

    init(gateway: Gateway, access: GatewayAccess, counter: InFlight) {
        self.gateway = gateway
        self.access = access
        self.counter = counter
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            // Who asks, and for what, is settled before a byte of the body is kept: a client
            // without the token costs a head's worth of memory, and its connection is closed.
            if refuse(head, channel: context.channel) {
                self.head = nil
                body = nil
                return
            }
            self.head = head
            body = context.channel.allocator.buffer(capacity: 0)
            tooLarge = false
        case .body(var chunk):
            guard head != nil, !tooLarge else { return }
            if (body?.readableBytes ?? 0) + chunk.readableBytes > GatewayHTTPServer.bodyLimit {
                tooLarge = true
                body = nil
            } else {
                body?.writeBuffer(&chunk)
            }
        case .end:
            guard let head else { return }
            self.head = nil
            let bytes = body.map { Array($0.readableBytesView) } ?? []
            body = nil
            handle(head, bytes, context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        // The client left: what it asked for and still runs is cancelled.
        connection.close()
        context.fireChannelInactive()
    }

    /// Answers a request that may not go on (another path, a foreign origin or host, no valid
    /// token, not a POST) and closes its connection; false when it may.
    private func refuse(_ head: HTTPRequestHead, channel: Channel) -> Bool {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        guard path == "/mcp" || path == "/mcp/" else {
            Self.respond(channel, .notFound, text: "not found: the gateway is at /mcp", keepAlive: false)
            return true
        }
        if let refusal = access.refusal(origin: head.headers.first(name: "origin"), host: head.headers.first(name: "host"),
                                        authorization: head.headers.first(name: "authorization")) {
            let extra: [(String, String)] = refusal == .unauthorized ? [("WWW-Authenticate", "Bearer realm=\"claudesh-gateway\"")] : []
            let why = refusal == .unauthorized ? "a bearer token is required (gateway token makes one)" : "requests from this origin are refused"
            Self.respond(channel, refusal, text: why, headers: extra, keepAlive: false)
            return true
        }
        guard head.method == .POST else {
            Self.respond(channel, .methodNotAllowed, text: "the gateway takes POST only", headers: [("Allow", "POST")], keepAlive: false)
            return true
        }
        return false
    }

    private func handle(_ head: HTTPRequestHead, _ bytes: [UInt8], context: ChannelHandlerContext) {
        let channel = context.channel
        // Every answer passes the gateway's redactor on its way out.
        let redactor = gateway.redactor
        let keepAlive = head.isKeepAlive
        guard !tooLarge else {
            return Self.respond(channel, .payloadTooLarge, json: redactor.sealMessage(Gateway.error(id: .null, code: -32600, "a message longer than \(GatewayHTTPServer.bodyLimit >> 20) MiB")), keepAlive: false)
        }
        let message: JSONValue
        do {
            message = try JSONParser.parse(bytes)
        } catch {
            return Self.respond(channel, .badRequest, json: redactor.sealMessage(Gateway.error(id: .null, code: -32700, "parse error: \(error.message) at column \(error.column)")), keepAlive: keepAlive)
        }
        let method = message["method"]?.stringValue
        if let said = head.headers.first(name: "mcp-method"), let method, said != method {
            return Self.respond(channel, .badRequest, json: redactor.sealMessage(Gateway.error(id: message["id"] ?? .null, code: MCPProtocol.ModernError.headerMismatch,
                                                                        "the Mcp-Method header says \(said), the body \(method)")), keepAlive: keepAlive)
        }
        let isRequest = message["id"].map { $0 != .null } == true && method != nil
        guard counter.enter(limit: GatewayHTTPServer.inFlightLimit) else {
            return Self.respond(channel, .serviceUnavailable, json: redactor.sealMessage(Gateway.error(id: message["id"] ?? .null, code: -32000, "the gateway is answering \(GatewayHTTPServer.inFlightLimit) requests: try again")),
                                headers: [("Retry-After", "1")], keepAlive: keepAlive)
        }
        let gateway = self.gateway
        let connection = self.connection
        let counter = self.counter
        let work: @Sendable () async -> Void = {
            defer { counter.leave() }
            let reply = await gateway.answer(message, connection: connection)
            if let reply {
                Self.respond(channel, .ok, json: redactor.sealMessage(reply), keepAlive: keepAlive)
            } else if !isRequest {
                Self.respond(channel, .accepted, keepAlive: keepAlive)
            }
            // A request cancelled while it ran: its client is gone, nothing to send.
        }
        if isRequest, let id = message["id"] {
            if connection.start(id, work) != nil {
                counter.leave()
                Self.respond(channel, .serviceUnavailable, json: redactor.sealMessage(Gateway.error(id: id, code: -32000, "too many requests in flight on this connection")), keepAlive: keepAlive)
            }
        } else {
            Task { await work() }
        }
    }

    static func respond(_ channel: Channel, _ status: HTTPResponseStatus, json: Redacted<JSONValue>, headers: [(String, String)] = [], keepAlive: Bool) {
        respond(channel, status, body: json.value.serializedBytes(), type: "application/json", headers: headers, keepAlive: keepAlive)
    }

    static func respond(_ channel: Channel, _ status: HTTPResponseStatus, text: String? = nil, headers: [(String, String)] = [], keepAlive: Bool) {
        respond(channel, status, body: text.map { Array(($0 + "\n").utf8) } ?? [], type: "text/plain; charset=utf-8", headers: headers, keepAlive: keepAlive)
    }

    static func respond(_ channel: Channel, _ status: HTTPResponseStatus, body: [UInt8], type: String, headers: [(String, String)], keepAlive: Bool) {
        // A connection the client closed, or the listener's end, takes no answer (its loop
        // may be gone).
        guard channel.isActive else { return }
        var fields = HTTPHeaders(headers)
        if !body.isEmpty { fields.add(name: "Content-Type", value: type) }
        fields.add(name: "Content-Length", value: String(body.count))
        fields.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        let head = HTTPResponseHead(version: .http1_1, status: status, headers: fields)
        var buffer = channel.allocator.buffer(capacity: body.count)
        buffer.writeBytes(body)
        channel.write(HTTPServerResponsePart.head(head), promise: nil)
        if !body.isEmpty { channel.write(HTTPServerResponsePart.body(.byteBuffer(buffer)), promise: nil) }
        let done = channel.writeAndFlush(HTTPServerResponsePart.end(nil))
        if !keepAlive { done.whenComplete { _ in channel.close(promise: nil) } }
    }
}
