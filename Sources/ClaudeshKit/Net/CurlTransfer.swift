#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CCurl
import Synchronization

/// The system's libcurl, loaded with dlopen on the first request (`CCurl`): a command that makes
/// no request never loads it or the thirty libraries it pulls in.
enum Curl {
    static func load() throws(NetError) {
        var error = [CChar](repeating: 0, count: 256)
        guard ccurl_load(&error, error.count) == 1 else {
            throw .unavailable(String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
    }

    /// libcurl's version line, once loaded.
    static var version: String? { ccurl_version().map { String(cString: $0) } }
}

/// A libcurl share handle holding the connection cache (and DNS answers and TLS sessions) of
/// the requests that use it, which is how they reuse one connection. libcurl's lock callbacks
/// guard it (the C shim holds a mutex per kind of data).
final class ConnectionShare: @unchecked Sendable {
    let pointer: OpaquePointer

    init() throws(NetError) {
        try Curl.load()
        guard let pointer = ccurl_share_new() else { throw .io("libcurl could not make a share handle") }
        self.pointer = pointer
    }

    /// Closes the connections it kept; every easy handle that used it is gone by then (each
    /// transfer holds the share).
    deinit { ccurl_share_free(pointer) }
}

/// What another thread may do to a transfer: stop it. The flag is read by the transfer's loop;
/// the wake-up ends the poll it may be waiting in, at once.
final class TransferStop: Sendable {
    /// curl_multi_wakeup may be called from any thread while the handle exists.
    private struct Multi: @unchecked Sendable { let pointer: OpaquePointer }
    private let state: Mutex<(multi: Multi?, stopped: Bool)>

    init(multi: OpaquePointer) { state = Mutex((Multi(pointer: multi), false)) }

    var isStopped: Bool { state.withLock { $0.stopped } }

    func stop() {
        state.withLock { state in
            state.stopped = true
            if let multi = state.multi { _ = ccurl_multi_wakeup(multi.pointer) }
        }
    }

    /// Called before the multi handle is freed: no wake-up can reach it after this returns.
    fileprivate func retire() { state.withLock { $0.multi = nil } }
}

/// One HTTP exchange through libcurl's multi interface, driven by the thread that waits for it
/// (curl_multi_perform, then curl_multi_poll until the sockets have something or another thread
/// wakes it): a deadline is checked between polls, and a stop ends a blocked transfer at once.
/// The body arrives through curl's write callback into a buffer that `nextPiece` hands out as
/// it fills; the buffer only grows inside one curl_multi_perform (libcurl reads a bounded
/// number of blocks per call), since the loop runs again only once it has been emptied.
final class CurlTransfer {
    let url: HTTPURL
    let stop: TransferStop
    private let easy: OpaquePointer
    private let multi: OpaquePointer
    private let share: ConnectionShare?
    private let session: HTTPSession
    private let received = Received()
    private var headerList: OpaquePointer?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// The CURLcode once libcurl says the transfer is over.
    private var result: Int32?

    /// What curl's callbacks fill in, on the driving thread.
    private final class Received {
        var status = 0
        var headers: [(String, String)] = []
        var headComplete = false
        var headerBytes = 0
        var body: [UInt8] = []
    }

    /// Sets up `request` on a new easy handle and multi handle; nothing is sent until the first
    /// `waitForHead`.
    init(_ request: HTTPClient.Request, session: HTTPSession, share: ConnectionShare?) throws(NetError) {
        try Curl.load()
        guard let easy = ccurl_easy_init() else { throw .io("libcurl could not make a handle") }
        guard let multi = ccurl_multi_init() else {
            ccurl_easy_cleanup(easy)
            throw .io("libcurl could not make a multi handle")
        }
        self.url = request.url
        self.easy = easy
        self.multi = multi
        self.share = share
        self.session = session
        stop = TransferStop(multi: multi)
        errorBuffer = .allocate(capacity: Int(CCURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CCURL_ERROR_SIZE))
        try configure(request)
        guard ccurl_multi_add_handle(multi, easy) == 0 else { throw .io("libcurl could not start the request") }
        try session.enlist(stop)
    }

    deinit {
        session.dismiss(stop)
        stop.retire()
        ccurl_multi_remove_handle(multi, easy) // an unfinished transfer's connection is closed
        ccurl_easy_cleanup(easy)
        ccurl_multi_cleanup(multi)
        ccurl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    private func configure(_ request: HTTPClient.Request) throws(NetError) {
        func set(_ option: Int32, _ value: Int) { _ = ccurl_easy_setopt_long(easy, option, value) }
        func set(_ option: Int32, _ text: String) throws(NetError) {
            let code = text.withCString { ccurl_easy_setopt_pointer(easy, option, $0) } // libcurl copies strings
            guard code == CCURLE_OK else { throw .invalidURL("libcurl refused '\(text)': \(Self.describe(code))") }
        }
        try set(CCURLOPT_URL, request.url.description)
        set(CCURLOPT_NOSIGNAL, 1) // threads: no SIGALRM around name lookups
        _ = ccurl_easy_setopt_pointer(easy, CCURLOPT_ERRORBUFFER, errorBuffer)
        let context = Unmanaged.passUnretained(received).toOpaque()
        _ = ccurl_easy_setopt_callback(easy, CCURLOPT_WRITEFUNCTION, Self.onBody)
        _ = ccurl_easy_setopt_pointer(easy, CCURLOPT_WRITEDATA, context)
        _ = ccurl_easy_setopt_callback(easy, CCURLOPT_HEADERFUNCTION, Self.onHeader)
        _ = ccurl_easy_setopt_pointer(easy, CCURLOPT_HEADERDATA, context)
        // HTTP/2 when a TLS server offers it (ALPN), HTTP/1.1 otherwise; a libcurl without
        // nghttp2 refuses the option and speaks HTTP/1.1.
        set(CCURLOPT_HTTP_VERSION, Int(CCURL_HTTP_VERSION_2TLS))
        set(CCURLOPT_FOLLOWLOCATION, 0) // HTTPClient follows redirects itself, origin by origin
        set(CCURLOPT_SUPPRESS_CONNECT_HEADERS, 1) // a proxy's CONNECT answer is not the response
        set(CCURLOPT_SSL_VERIFYPEER, 1)
        set(CCURLOPT_SSL_VERIFYHOST, 2)
        // A private CA the OpenSSL way, as the curl tool reads these; the proxy variables
        // (http_proxy, HTTPS_PROXY, NO_PROXY...) libcurl reads from the environment itself.
        if let file = Self.variable("SSL_CERT_FILE") { try set(CCURLOPT_CAINFO, file) }
        if let folder = Self.variable("SSL_CERT_DIR") { try set(CCURLOPT_CAPATH, folder) }
        try set(CCURLOPT_USERAGENT, "claudesh/\(MCPProtocol.clientVersion)")
        if let share { _ = ccurl_easy_setopt_share(easy, share.pointer) }

        switch request.method {
        case "GET" where request.body.isEmpty: set(CCURLOPT_HTTPGET, 1)
        case "HEAD": set(CCURLOPT_NOBODY, 1)
        default:
            if request.method != "POST" { try set(CCURLOPT_CUSTOMREQUEST, request.method) }
            if !request.body.isEmpty || request.method == "POST" {
                set(CCURLOPT_POST, 1)
                _ = ccurl_easy_setopt_offset(easy, CCURLOPT_POSTFIELDSIZE_LARGE, Int64(request.body.count))
                // Copied by libcurl, so the body need not outlive this call.
                _ = (request.body + [0]).withUnsafeBytes { ccurl_easy_setopt_pointer(easy, CCURLOPT_COPYPOSTFIELDS, $0.baseAddress) }
            }
        }
        for (name, value) in request.headers { try HTTPClient.checkHeader(name, value) }
        var lines = request.headers.map { name, value in value.isEmpty ? "\(name);" : "\(name): \(value)" }
        // No "Expect: 100-continue" wait before a larger body; curl's own Accept only when the
        // request has none.
        lines.append("Expect:")
        for line in lines {
            guard let list = ccurl_slist_append(headerList, line) else { throw .io("out of memory for the request's headers") }
            headerList = list
        }
        _ = ccurl_easy_setopt_pointer(easy, CCURLOPT_HTTPHEADER, UnsafeRawPointer(headerList))
    }

    private static func variable(_ name: String) -> String? {
        guard let value = getenv(name), value.pointee != 0 else { return nil }
        return String(cString: value)
    }

    private static let onBody: ccurl_data_callback = { data, size, count, context in
        let received = Unmanaged<Received>.fromOpaque(context!).takeUnretainedValue()
        let length = size * count
        if length > 0, let data {
            data.withMemoryRebound(to: UInt8.self, capacity: length) { received.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length)) }
        }
        return length
    }

    /// One header line at a time, the status line first; an empty line ends the head. A 1xx
    /// head is followed by the real one.
    private static let onHeader: ccurl_data_callback = { data, size, count, context in
        let received = Unmanaged<Received>.fromOpaque(context!).takeUnretainedValue()
        let length = size * count
        guard !received.headComplete, let data else { return length } // trailers
        received.headerBytes += length
        let line = data.withMemoryRebound(to: UInt8.self, capacity: length) { String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self) }
            .trimmingWhitespace
        if line.hasPrefix("HTTP/") {
            let parts = line.split(separator: " ", maxSplits: 2)
            received.status = parts.count >= 2 ? Int(parts[1]) ?? 0 : 0
            received.headers = []
        } else if line.isEmpty {
            if received.status >= 200 { received.headComplete = true }
        } else if let colon = line.firstIndex(of: ":") {
            received.headers.append((line[..<colon].lowercased(), String(line[line.index(after: colon)...]).trimmingWhitespace))
        }
        return length
    }

    /// Runs libcurl until `enough()` holds or the transfer is over.
    private func drive(deadline: ContinuousClock.Instant, until enough: () -> Bool) throws(NetError) {
        while result == nil && !enough() {
            if stop.isStopped { throw .cancelled }
            var running: Int32 = 0
            let code = ccurl_multi_perform(multi, &running)
            guard code == 0 else { throw .io("libcurl failed: \(String(cString: ccurl_multi_strerror(code)))") }
            var outcome: Int32 = 0
            if ccurl_multi_done(multi, &outcome) == 1 { result = outcome; return }
            if enough() { return }
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { throw timedOut() }
            _ = ccurl_multi_poll(multi, min(left.pollMilliseconds, 1000))
        }
    }

    /// Sends the request and waits for the response's head: its status and headers.
    func waitForHead(deadline: ContinuousClock.Instant) throws(NetError) -> (status: Int, headers: [(String, String)]) {
        let received = self.received
        try drive(deadline: deadline) { received.headComplete }
        guard received.headComplete else {
            if let result, result != CCURLE_OK { throw failure(result) }
            throw received.headerBytes == 0 ? .closed : .malformedResponse("the head ended early")
        }
        return (received.status, received.headers)
    }

    /// The next piece of the body as it arrives; nil at its end.
    func nextPiece(deadline: ContinuousClock.Instant) throws(NetError) -> [UInt8]? {
        let received = self.received
        try drive(deadline: deadline) { !received.body.isEmpty }
        if !received.body.isEmpty {
            defer { received.body = [] }
            return received.body
        }
        if let result, result != CCURLE_OK { throw failure(result) }
        return nil
    }

    var isFinished: Bool { result != nil && received.body.isEmpty }

    private func timedOut() -> NetError {
        var connectTime: Int64 = 0
        _ = ccurl_easy_getinfo_offset(easy, CCURLINFO_CONNECT_TIME_T, &connectTime)
        if received.headerBytes == 0 && connectTime == 0 {
            return .connect(host: url.host, port: url.port, reason: "no answer before the deadline")
        }
        return .timedOut
    }

    private static func describe(_ code: Int32) -> String { String(cString: ccurl_easy_strerror(code)) }

    /// libcurl's result in claudesh's words.
    private func failure(_ code: Int32) -> NetError {
        let detail = String(cString: errorBuffer)
        let message = detail.isEmpty ? Self.describe(code) : detail
        switch code {
        case CCURLE_COULDNT_RESOLVE_HOST:
            return .resolve(host: url.host, reason: "no address is known for this name")
        case CCURLE_COULDNT_RESOLVE_PROXY:
            return .io("cannot resolve the proxy: \(message) (check http_proxy, HTTPS_PROXY and NO_PROXY)")
        case CCURLE_COULDNT_CONNECT:
            var number = 0
            _ = ccurl_easy_getinfo_long(easy, CCURLINFO_OS_ERRNO, &number)
            let reason = number != 0 ? String(cString: strerror(Int32(number))) : "no answer"
            // curl names what it tried: the server, or a proxy on the way.
            let (host, port) = Self.connectTarget(message) ?? (url.host, url.port)
            return .connect(host: host, port: port, reason: reason)
        case CCURLE_OPERATION_TIMEDOUT:
            return .timedOut
        case CCURLE_PEER_FAILED_VERIFICATION:
            var verification = 0
            _ = ccurl_easy_getinfo_long(easy, CCURLINFO_SSL_VERIFYRESULT, &verification)
            let reason = Self.dropPrefix(message, ["SSL certificate problem: ", "SSL: "])
            // OpenSSL accepted the chain (0) and curl refused the name, or curl says so.
            if verification == 0 || verification == 62 || verification == 64 || reason.contains("name") {
                return .tls("the server's certificate is for another name than the URL's host: \(reason)")
            }
            return .tls("the server's certificate is not trusted: \(reason) (a private CA? point SSL_CERT_FILE at it)")
        case CCURLE_SSL_CACERT_BADFILE:
            return .tls("cannot read the trusted certificates: \(message) (check SSL_CERT_FILE and SSL_CERT_DIR)")
        case CCURLE_SSL_CERTPROBLEM, CCURLE_SSL_ISSUER_ERROR, CCURLE_SSL_PINNEDPUBKEYNOTMATCH, CCURLE_SSL_INVALIDCERTSTATUS:
            return .tls("TLS failed: \(message)")
        case CCURLE_SSL_CONNECT_ERROR:
            return .io("the TLS handshake failed: \(Self.dropPrefix(message, ["OpenSSL SSL_connect: "]))")
        case CCURLE_WEIRD_SERVER_REPLY:
            // libcurl says "Invalid Content-Length: value", without the value it refused.
            if message.lowercased().contains("content-length") { return .malformedResponse("a bad Content-Length header") }
            return .malformedResponse(message)
        case CCURLE_PARTIAL_FILE:
            return .malformedResponse("the body ended early")
        case CCURLE_GOT_NOTHING:
            return .closed
        case CCURLE_UNSUPPORTED_PROTOCOL where message.contains("HTTP/0.9"):
            return .malformedResponse("no status line") // bytes that are not HTTP
        case CCURLE_URL_MALFORMAT, CCURLE_UNSUPPORTED_PROTOCOL:
            return .invalidURL("'\(url)' cannot be used: \(message)")
        default:
            return .io(message)
        }
    }

    private static func dropPrefix(_ text: String, _ prefixes: [String]) -> String {
        for prefix in prefixes where text.hasPrefix(prefix) { return String(text.dropFirst(prefix.count)) }
        return text
    }

    /// "Failed to connect to HOST port PORT after N ms: ..." → (HOST, PORT).
    static func connectTarget(_ message: String) -> (String, Int)? {
        let lead = "Failed to connect to "
        guard message.hasPrefix(lead), let portWord = message.range(of: " port ") else { return nil }
        let host = String(message[message.index(message.startIndex, offsetBy: lead.count)..<portWord.lowerBound])
        let digits = message[portWord.upperBound...].prefix { $0.isASCIIDigit }
        guard !host.isEmpty, let port = Int(digits) else { return nil }
        return (host, port)
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
