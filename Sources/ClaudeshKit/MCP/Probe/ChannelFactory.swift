/// The channel for a launch target.
enum ChannelFactory {
    /// HTTP requests give up a second after the attempt's timeout: the watchdog speaks first,
    /// with the phase it caught the server in.
    /// A client session's channel lives `lifetime` (an HTTP+SSE event stream stays open that
    /// long) and sets each request's own deadline.
    /// `messageLimit`: the longest message read (a client's calls may take more than a probe).
    static func channel(for target: ServerLaunch.Target, log: ServerLog, timeout: Duration, lifetime: Duration? = nil,
                        messageLimit: Int = MCPProtocol.messageLimit) throws(ProbeFailure) -> MCPChannel {
        let deadline = ContinuousClock.now + (lifetime ?? timeout + .seconds(1))
        switch target {
        case .process(let spec):
            return try StdioChannel(spec, log: log, messageLimit: messageLimit)
        case .http(let text, let headers):
            do { return StreamableHTTPChannel(url: try HTTPURL(text), headers: headers, deadline: deadline, messageLimit: messageLimit) } catch { throw ProbeFailure(error) }
        case .sse(let text, let headers):
            do { return LegacySSEChannel(url: try HTTPURL(text), headers: headers, deadline: deadline, messageLimit: messageLimit) } catch { throw ProbeFailure(error) }
        }
    }
}
