/// One look at everything claudesh operates: the MCP servers, the containers, the secrets store,
/// GnuPG and the backups, each as checks with a state and a line that says why.
package struct HealthReport: Sendable, Equatable {
    package enum Section: String, Sendable, CaseIterable {
        case servers = "MCP servers"
        /// Each server's canary: whether it works, apart from whether it starts.
        case canaries = "MCP canaries"
        case containers = "Containers"
        /// The gateway's listener and its backends' calls.
        case gateway = "Gateway"
        case store = "Secrets store"
        case gnupg = "GnuPG"
        case backups = "Backups"

        /// The key of the section in JSON and in the history.
        var key: String {
            switch self {
            case .servers: return "mcp"
            case .canaries: return "canary"
            case .containers: return "containers"
            case .gateway: return "gateway"
            case .store: return "store"
            case .gnupg: return "gnupg"
            case .backups: return "backups"
            }
        }
    }

    package enum State: String, Sendable {
        /// Nothing to check here (no compose file): neither good nor bad.
        case off
        case ok
        /// Worth a look, but not a failure (a backup a few days old).
        case warning
        case failed
    }

    package struct Check: Sendable, Equatable {
        var section: Section
        package var name: String
        package var state: State
        /// What was found, or why it failed and what to do.
        package var detail: String
        /// Milliseconds, for probes.
        var latency: Double?

        /// The name as a verdict says it: a canary is "NAME canary", apart from its server.
        package var label: String { section == .canaries ? "\(name) canary" : name }

        init(_ section: Section, _ name: String, _ state: State, _ detail: String, latency: Double? = nil) {
            self.section = section
            self.name = name
            self.state = state
            self.detail = detail
            self.latency = latency
        }
    }

    /// Seconds since 1970.
    package var time: Int
    package var checks: [Check]

    init(time: Int, checks: [Check]) {
        self.time = time
        self.checks = checks
    }

    /// Unhealthy when any check failed; warnings do not fail a health check.
    package var isHealthy: Bool { !checks.contains { $0.state == .failed } }

    package func checks(in section: Section) -> [Check] { checks.filter { $0.section == section } }

    package var json: JSONValue {
        .object([
            ("time", .int(time)), ("healthy", .bool(isHealthy)),
            ("sections", .object(Section.allCases.map { section in
                (section.key, .array(checks(in: section).map { check in
                    .object([
                        ("name", .string(check.name)), ("state", .string(check.state.rawValue)), ("detail", .string(check.detail)),
                        ("latency_ms", check.latency.map(JSONValue.double) ?? .null),
                    ])
                }))
            })),
        ])
    }
}

extension HealthReport: Redactable {
    /// Names and details masked: a server's reason may quote its token.
    package func redacted(by redactor: Redactor) -> HealthReport {
        var masked = self
        for index in masked.checks.indices {
            masked.checks[index].name = redactor.clean(masked.checks[index].name)
            masked.checks[index].detail = redactor.clean(masked.checks[index].detail)
        }
        return masked
    }
}
