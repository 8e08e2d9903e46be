#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CCurl

/// One email sent over SMTP by libcurl (smtp:// with MAIL FROM, RCPT TO and the message
/// uploaded through the read callback). The password goes to libcurl in memory only and is
/// wiped after the transfer.
enum CurlMail {
    struct Envelope: Sendable {
        var host: String
        var port: Int
        /// STARTTLS required: the transfer fails rather than send in clear text.
        var startTLS: Bool
        var from: String
        var to: String
        var user: String
        var password: [UInt8]
    }

    /// What the read callback hands out, a piece at a time.
    private final class Upload {
        let bytes: [UInt8]
        var offset = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
    }

    /// Sends `message` (headers and body, CRLF line ends); blocks up to `timeout` seconds.
    static func send(_ message: [UInt8], envelope: Envelope, timeout: Int = 60) throws(NetError) {
        try Curl.load()
        guard let easy = ccurl_easy_init() else { throw .io("libcurl could not make a handle") }
        defer { ccurl_easy_cleanup(easy) }
        let upload = Upload(message)
        let context = Unmanaged.passRetained(upload)
        defer { context.release() }
        let recipients: OpaquePointer? = ccurl_slist_append(nil, "<\(envelope.to)>")
        defer { ccurl_slist_free_all(recipients) }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CCURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CCURL_ERROR_SIZE))
        defer { errorBuffer.deallocate() }
        var password = envelope.password.map { CChar(bitPattern: $0) } + [0]
        defer { for index in password.indices { password[index] = 0 } }

        let host = envelope.host.contains(":") ? "[\(envelope.host)]" : envelope.host
        _ = ccurl_easy_setopt_pointer(easy, CCURLOPT_URL, "smtp://\(host):\(envelope.port)")
        _ = ccurl_easy_setopt_pointer(easy, CCURLOPT_MAIL_FROM, "<\(envelope.from)>")
        _ = ccurl_easy_setopt_pointer(easy, CCURLOPT_MAIL_RCPT, UnsafeRawPointer(recipients))
        _ = ccurl_easy_setopt_long(easy, CCURLOPT_UPLOAD, 1)
        _ = ccurl_easy_setopt_callback(easy, CCURLOPT_READFUNCTION) { buffer, size, count, context in
            let upload = Unmanaged<Upload>.fromOpaque(context!).takeUnretainedValue()
            let length = min(size * count, upload.bytes.count - upload.offset)
            upload.bytes.withUnsafeBufferPointer { source in
                UnsafeMutableRawPointer(buffer!).copyMemory(from: source.baseAddress! + upload.offset, byteCount: length)
            }
            upload.offset += length
            return length
        }
        _ = ccurl_easy_setopt_pointer(easy, CCURLOPT_READDATA, context.toOpaque())
        _ = ccurl_easy_setopt_pointer(easy, CCURLOPT_ERRORBUFFER, errorBuffer)
        _ = ccurl_easy_setopt_long(easy, CCURLOPT_NOSIGNAL, 1)
        _ = ccurl_easy_setopt_long(easy, CCURLOPT_CONNECTTIMEOUT, 20)
        _ = ccurl_easy_setopt_long(easy, CCURLOPT_TIMEOUT, timeout)
        if envelope.startTLS { _ = ccurl_easy_setopt_long(easy, CCURLOPT_USE_SSL, Int(CCURLUSESSL_ALL)) }
        if !envelope.user.isEmpty {
            _ = ccurl_easy_setopt_pointer(easy, CCURLOPT_USERNAME, envelope.user)
            _ = password.withUnsafeBufferPointer { ccurl_easy_setopt_pointer(easy, CCURLOPT_PASSWORD, $0.baseAddress) }
        }
        let code = ccurl_easy_perform(easy)
        guard code == CCURLE_OK else {
            let detail = String(cString: errorBuffer)
            let reason = detail.isEmpty ? String(cString: ccurl_easy_strerror(code)) : detail
            throw .io("the SMTP server \(envelope.host):\(envelope.port) did not take the email: \(reason)")
        }
    }
}
