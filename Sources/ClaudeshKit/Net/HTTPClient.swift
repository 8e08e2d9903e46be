/// HTTP through the system's libcurl (`CurlTransfer`): HTTP/1.1 with keep-alive, HTTP/2 where a
/// TLS server offers it, proxies from the environment, redirects followed here so that the
/// entry's headers never reach another origin, and the body read as it arrives.
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

    /// Whether `name` is an HTTP token: printable ASCII without spaces or separators.
    static func isHeaderName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && !"()<>@,;:\\\"/[]?={}".unicodeScalars.contains($0) }
    }

    /// Throws unless `name` is a header name (an HTTP token) and `value` holds no line break or
    /// other control character but tab: a CR or LF would end the header there and send the
    /// rest as header lines of its own (request splitting), from a config or a `${VAR}`.
    static func checkHeader(_ name: String, _ value: String) throws(NetError) {
        guard isHeaderName(name) else {
            throw .unsafeRequest("the header name '\(name.escapingControls.clipped(40))' is not a valid name (ASCII, no spaces, separators or line breaks); nothing was sent")
        }
        guard !value.containsControlCharacter(allowingTab: true) else {
            throw .unsafeRequest("the value of the header \(name) holds a line break or another control character; nothing was sent")
        }
    }

    /// Redirects followed before giving up, as browsers and curl count them.
    static let redirectLimit = 10

    /// Sends `request`, following redirects, and returns the response once its head is in; the
    /// body is read from the response. `session` can stop it from another thread. With
    /// `sharing`, the request may reuse (and leaves behind) a connection of the session's.
    static func send(_ request: Request, deadline: ContinuousClock.Instant, session: HTTPSession, sharing: Bool = true) throws(NetError) -> Response {
        var request = request
        var hops = 0
        while true {
            let transfer = try CurlTransfer(request, session: session, share: sharing ? session.share() : nil)
            let head = try transfer.waitForHead(deadline: deadline)
            let response = Response(status: head.status, headers: head.headers, url: request.url, transfer: transfer)
            guard let next = try redirect(request, status: response.status, location: response.header("location")) else { return response }
            guard hops < redirectLimit else {
                throw .redirect("more than \(redirectLimit) redirects; the last one was to \(next.url)")
            }
            response.finish(within: .milliseconds(100), deadline: deadline)
            hops += 1
            request = next
        }
    }

    /// The request a redirect asks for, or nil when the response is not one to follow. 307 and
    /// 308 keep the method and body; 303 turns into a GET; 301 and 302 keep them too (an MCP
    /// endpoint takes only POST). The headers (the entry's tokens) go along only to the same
    /// origin, or from http to https on the same host.
    static func redirect(_ request: Request, status: Int, location: String?) throws(NetError) -> Request? {
        guard [301, 302, 303, 307, 308].contains(status), let location, !location.isEmpty else { return nil }
        let target: HTTPURL
        do {
            target = try request.url.resolving(location)
        } catch {
            throw .redirect("a redirect (HTTP \(status)) to an unusable location: \(error)")
        }
        let from = request.url
        let sameOrigin = target.origin.lowercased() == from.origin.lowercased()
        let upgrade = target.isSecure && !from.isSecure && target.host.lowercased() == from.host.lowercased()
        guard sameOrigin || upgrade else {
            throw .redirect("the server redirected to another origin (\(target.origin), not \(from.origin)); refusing to send it the entry's headers")
        }
        var next = request
        next.url = target
        if status == 303 && request.method != "HEAD" {
            next.method = "GET"
            next.body = []
            next.headers.removeAll { $0.0.lowercased() == "content-type" }
        }
        return next
    }

    /// A response whose body is read in pieces as they arrive.
    final class Response {
        let status: Int
        /// Names in lower case.
        let headers: [(String, String)]
        /// Where the response came from, after redirects.
        let url: HTTPURL
        private let transfer: CurlTransfer

        fileprivate init(status: Int, headers: [(String, String)], url: HTTPURL, transfer: CurlTransfer) {
            self.status = status
            self.headers = headers
            self.url = url
            self.transfer = transfer
        }

        func header(_ name: String) -> String? { headers.last { $0.0 == name }?.1 }

        /// The media type without parameters, in lower case.
        var contentType: String {
            (header("content-type") ?? "").split(separator: ";").first.map { String($0).trimmingWhitespace.lowercased() } ?? ""
        }

        /// The next piece of the body; nil at its end.
        func next(deadline: ContinuousClock.Instant) throws(NetError) -> [UInt8]? {
            try transfer.nextPiece(deadline: deadline)
        }

        /// The whole body, at most `limit` bytes kept.
        func readAll(limit: Int = 8 << 20, deadline: ContinuousClock.Instant) throws(NetError) -> [UInt8] {
            var body: [UInt8] = []
            while let piece = try next(deadline: deadline) {
                if body.count < limit { body += piece.prefix(limit - body.count) }
            }
            return body
        }

        /// Reads what is left of the body for at most `grace` (and 1 MB), so that the connection
        /// can carry the next request; a body that goes on longer costs the connection instead.
        func finish(within grace: Duration, deadline: ContinuousClock.Instant) {
            let until = min(deadline, ContinuousClock.now + grace)
            var left = 1 << 20
            while !transfer.isFinished, left > 0, let piece = try? next(deadline: until) {
                left -= piece.count
            }
        }
    }
}
