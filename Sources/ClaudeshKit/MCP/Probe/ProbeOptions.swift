/// How hard and how long to try.
package struct ProbeOptions: Sendable {
    /// One attempt's limit, start to the last answer; nil for the standard one (`attemptTimeout`).
    package var timeout: Duration?
    /// Attempts after the first, for failures that are not permanent.
    package var retries: Int
    /// All attempts of all servers end by then: a hanging server costs this once, not the sum of
    /// every timeout and backoff.
    package var deadline: Duration
    /// Servers probed at the same time.
    package var concurrency: Int
    var backoff: Backoff
    /// Where each server's stderr goes (`mcp-NAME.log`); nil keeps it in memory.
    var logFolder: String?
    /// `--protocol`: the era every server is spoken to in; nil leaves each to its own setting
    /// (`mcp protocol`), else auto.
    package var protocolMode: ProtocolMode?
    /// False (`--no-canary`): the servers' canaries are not called.
    package var runsCanaries = true

    /// What Claude gives a server to start and answer (Claude Desktop's handshake limit, Claude
    /// Code's without MCP_TIMEOUT): a server claudesh fails, Claude would fail too. 10 s failed
    /// Python servers started together on a busy two-core machine (README, design).
    static let standardTimeout: Duration = .seconds(30)

    /// The limit of one attempt.
    var attemptTimeout: Duration { timeout ?? Self.standardTimeout }

    package init(timeout: Duration? = nil, retries: Int = 0, deadline: Duration = .seconds(60), concurrency: Int = 16, backoff: Backoff = Backoff(), logFolder: String? = nil) {
        self.timeout = timeout
        self.retries = retries
        self.deadline = deadline
        self.concurrency = concurrency
        self.backoff = backoff
        self.logFolder = logFolder
    }
}
