#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import CTLS

/// A TCP connection, TLS when asked, with deadlines on every operation, and a `shutdown` any
/// thread may call to wake a blocked reader (how a probe's deadline or Ctrl-C ends a hung request).
final class Socket: Sendable {
    private let descriptor: Mutex<Int32>
    /// Set once, before the socket is shared; used by one reader or writer at a time.
    nonisolated(unsafe) private var session_: OpaquePointer?
    private var session: OpaquePointer? { session_ }

    private init(fd: Int32) { descriptor = Mutex(fd) }

    deinit {
        if let session_ { ctls_free(session_) }
        descriptor.withLock { if $0 >= 0 { close($0) } }
    }

    /// The TLS handshake on this connection: the certificate checked against the system's trust
    /// store and `host`. Call once, before anyone else uses the socket.
    func startTLS(host: String, deadline: ContinuousClock.Instant) throws(NetError) {
        var error = [CChar](repeating: 0, count: 512)
        var verification: Int32 = 0
        guard let session = ctls_connect(fd, host, Self.milliseconds(until: deadline), &verification, &error, error.count) else {
            let message = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            // A certificate problem stays; a reset or a slow peer may not.
            throw verification != 0 ? .tls(message) : .io(message)
        }
        session_ = session
    }

    private static func milliseconds(until deadline: ContinuousClock.Instant) -> Int32 {
        ContinuousClock.now.duration(to: deadline).pollMilliseconds
    }

    private var fd: Int32 { descriptor.withLock { $0 } }

    static func connect(host: String, port: Int, deadline: ContinuousClock.Instant) throws(NetError) -> Socket {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw .resolve(host: host, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }
        var lastError = ECONNREFUSED
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            candidate = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype | socketCloseOnExec, info.pointee.ai_protocol)
            guard fd >= 0 else { lastError = errno; continue }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            if systemConnect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return Socket(fd: fd) }
            guard errno == EINPROGRESS else { lastError = errno; close(fd); continue }
            do throws(NetError) {
                try wait(fd, for: Int16(POLLOUT), until: deadline)
            } catch {
                close(fd)
                throw error == .timedOut ? .connect(host: host, port: port, reason: "no answer before the deadline") : error
            }
            var code: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length)
            if code == 0 { return Socket(fd: fd) }
            lastError = code
            close(fd)
        }
        throw .connect(host: host, port: port, reason: String(cString: strerror(lastError)))
    }

    func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(NetError) {
        if let session {
            var offset = 0
            while offset < bytes.count {
                let sent = bytes.withUnsafeBytes { ctls_write(session, $0.baseAddress! + offset, $0.count - offset, Self.milliseconds(until: deadline)) }
                if sent == -2 { throw .timedOut }
                guard sent > 0 else { throw .closed }
                offset += sent
            }
            return
        }
        var offset = 0
        while offset < bytes.count {
            let fd = self.fd
            guard fd >= 0 else { throw .closed }
            let sent = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if sent >= 0 { offset += sent; continue }
            switch errno {
            case EINTR: continue
            case EAGAIN: try Self.wait(fd, for: Int16(POLLOUT), until: deadline)
            case EPIPE, ECONNRESET: throw .closed
            default: throw .io(String(cString: strerror(errno)))
            }
        }
    }

    /// Up to `limit` bytes; empty at the end of the stream.
    func read(limit: Int = 65536, deadline: ContinuousClock.Instant) throws(NetError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: limit)
        if let session {
            let count = buffer.withUnsafeMutableBytes { ctls_read(session, $0.baseAddress, $0.count, Self.milliseconds(until: deadline)) }
            if count == -2 { throw .timedOut }
            return count > 0 ? Array(buffer[..<count]) : [] // an error ends the stream, as a reset does
        }
        while true {
            let fd = self.fd
            guard fd >= 0 else { throw .closed }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count >= 0 { return Array(buffer[..<count]) }
            switch errno {
            case EINTR: continue
            case EAGAIN: try Self.wait(fd, for: Int16(POLLIN), until: deadline)
            case ECONNRESET: return []
            default: throw .io(String(cString: strerror(errno)))
            }
        }
    }

    /// Ends both directions: a reader blocked in `read` sees the end of the stream.
    func shutdown() {
        descriptor.withLock { fd in
            if fd >= 0 { _ = systemShutdown(fd) }
        }
    }

    private static func wait(_ fd: Int32, for events: Int16, until deadline: ContinuousClock.Instant) throws(NetError) {
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { throw .timedOut }
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&entry, 1, min(left.pollMilliseconds, 1000))
            if ready > 0 { return }
            if ready < 0 && errno != EINTR { throw .io(String(cString: strerror(errno))) }
        }
    }
}

// The class's own `connect` and `shutdown` would shadow the C functions inside it.
private func systemConnect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    connect(fd, address, length)
}

private func systemShutdown(_ fd: Int32) -> Int32 {
    #if canImport(Glibc)
    shutdown(fd, Int32(SHUT_RDWR))
    #else
    shutdown(fd, SHUT_RDWR)
    #endif
}

#if canImport(Glibc)
private let socketCloseOnExec = Int32(SOCK_CLOEXEC.rawValue)
#else
private let socketCloseOnExec: Int32 = 0
#endif
