/// Why a server failed its probe, in words that tell the operator what to do next.
package enum ProbeFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The entry cannot be used as written: unset variable, no command, unknown type.
    case invalidConfig(String)
    case cannotStart(ProcessError)
    /// The server ended before the handshake finished.
    case exited(Termination, lastError: String?)
    case timedOut(seconds: Double, phase: String)
    /// Something that is not a JSON-RPC message arrived.
    case notMCP(firstBytes: String)
    /// The server answered a request with a JSON-RPC error.
    case rejected(method: String, code: Int, message: String)
    case unsupportedVersion(String)
    /// `--protocol modern` met a server of the handshake era: how it showed it.
    case legacyOnly(String)
    /// `--protocol legacy` met a server of the stateless era: the versions it offers.
    case modernOnly(supported: [String])
    /// A modern server that speaks no version claudesh speaks.
    case noCommonVersion(offered: [String])
    /// A modern result asking the client for input (`resultType: input_required`).
    case inputRequired(method: String)
    /// HTTP 401 or 403 with a `WWW-Authenticate` challenge to an entry that sends no credentials:
    /// the server is up and wants the OAuth sign-in Claude does (the metadata URL it names).
    case needsAuthorization(status: Int, resourceMetadata: String?)
    case http(status: Int, method: String, body: String)
    case connection(String)
    case unsupportedURL(String)
    /// The TLS handshake failed: trying again meets the same certificate.
    case tls(String)
    /// A redirect that is not followed: to another origin, or one too many.
    case redirect(String)
    /// What this transport needs is not installed (libcurl).
    case unavailable(String)
    /// A message (a line on stdout, an event, a JSON body) longer than claudesh reads.
    case messageTooLarge(limit: Int)
    /// The server broke the protocol in some other way.
    case protocolError(String)
    /// The overall deadline passed before this server could be tried (again).
    case deadline

    /// Trying again cannot help: the seed's retry loop spends half a minute on these, claudesh none.
    package var isPermanent: Bool {
        switch self {
        case .invalidConfig, .cannotStart, .unsupportedVersion, .unsupportedURL, .tls, .redirect, .unavailable,
             .legacyOnly, .modernOnly, .noCommonVersion, .inputRequired, .needsAuthorization: return true
        case .http(let status, _, _): return status == 401 || status == 403
        default: return false
        }
    }

    package var description: String {
        switch self {
        case .invalidConfig(let problem): return problem
        case .cannotStart(let error): return error.description
        case .exited(let termination, let line):
            let said = line.map { ": \($0)" } ?? " without a word on stderr"
            return "the server \(termination) before the handshake finished\(said)"
        case .timedOut(let seconds, let phase):
            return "timed out after \(Self.seconds(seconds)) during \(phase) (raise --timeout if the server is slow to start)"
        case .notMCP(let bytes):
            return "not an MCP server: it answered \"\(bytes)\" where a JSON-RPC message belongs"
        case .rejected(let method, let code, let message):
            var text = "\(method) failed: \(message) (JSON-RPC error \(code))"
            if method == "tools/list" { text += "; the server may need credentials in its env" }
            return text
        case .unsupportedVersion(let version):
            return "the server speaks protocol \(version); claudesh speaks \(MCPProtocol.supportedVersions.joined(separator: ", "))"
        case .legacyOnly(let how):
            return "the server is legacy-only (initialize handshake): \(how); check it with --protocol auto or legacy"
        case .modernOnly(let supported):
            return "the server is modern-only: it refused initialize and speaks \(supported.joined(separator: ", ")); check it with --protocol auto or modern"
        case .noCommonVersion(let offered):
            return "no protocol version in common: the server speaks \(offered.joined(separator: ", ")), claudesh \(MCPProtocol.supportedVersions.joined(separator: ", "))"
        case .needsAuthorization(let status, let metadata):
            let where_ = metadata.map { "; its authorization metadata: \($0)" } ?? ""
            return "needs authorization: HTTP \(status) asks for a sign-in (OAuth) that Claude does and claudesh does not\(where_); a token in a header (--header 'Authorization: Bearer ...') lets claudesh check it"
        case .inputRequired(let method):
            return "the server asks for input during \(method) (resultType input_required), which a check does not give"
        case .http(let status, let method, let body):
            var text = "HTTP \(status) on \(method)"
            switch status {
            case 401, 403: text += ": the server wants credentials (add a header: --header 'Authorization: Bearer ...')"
            case 404: text += ": no MCP endpoint at this URL (check the path, often /mcp or /sse)"
            default: break
            }
            return body.isEmpty ? text : text + ": " + body
        case .connection(let reason): return reason
        case .unsupportedURL(let reason), .tls(let reason), .redirect(let reason), .unavailable(let reason): return reason
        case .messageTooLarge(let limit): return "protocol error: a message over \(limit >> 20) MiB (claudesh reads no longer one; the mcp-result-limit setting raises it for calls)"
        case .protocolError(let reason): return "protocol error: \(reason)"
        case .deadline: return "the overall deadline passed before the server answered"
        }
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\((value * 10).rounded() / 10) s"
    }

    /// The first bytes of something that is not JSON, printable.
    static func printable(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes.prefix(40), as: UTF8.self)
        let printable = String(text.unicodeScalars.map { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
        return printable.trimmingWhitespace + (bytes.count > 40 ? "…" : "")
    }
}

extension ProbeFailure {
    /// A stream no longer read in step (a message over the limit, a line that is not JSON-RPC, a
    /// request cut off as it was written) cannot carry another answer: the session ends with it.
    var endsTheSession: Bool {
        switch self {
        case .messageTooLarge, .notMCP, .protocolError: return true
        default: return false
        }
    }
}
