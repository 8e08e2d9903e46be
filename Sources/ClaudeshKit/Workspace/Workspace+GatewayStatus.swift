#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `gateway status` and `health` say of a gateway: its listener, and per backend its
/// state, restarts and calls, from the health history the gateway keeps.
package struct GatewayStatus: Sendable {
    package struct Backend: Sendable, Equatable {
        package var name: String
        package var kind: String
        /// `up`, `failed: why`, or `not started` (no request has needed it yet).
        package var state: String
        package var restarts: Int
        package var callsPerMinute: Double
        package var calls: Int
        package var failures: Int
        package var p50: Double?
        package var p95: Double?
    }

    /// A listener that runs (`gateway --listen`): where, its process, since when.
    package struct Listener: Sendable, Equatable {
        package var url: String
        package var pid: Int32
        package var since: Int
    }

    package var profile: String
    package var listener: Listener?
    package var backends: [Backend]
    /// The span the call figures cover, in seconds (the last hour).
    package var span: Int
}

extension Workspace {
    /// `HOME/run/gateway-PROFILE.json`: the listener of a profile, while it runs.
    func gatewayListenerFile(_ profile: String) -> HomeJSONFile { HomeJSONFile(home: home, name: "run/gateway-\(profile).json") }

    /// Says where the listener of `profile` is, for `gateway status` and `health`.
    func writeGatewayListener(_ profile: String, url: String) {
        try? gatewayListenerFile(profile).write([("url", .string(url)), ("pid", .int(Int(getpid()))), ("since", .int(now))])
    }

    func removeGatewayListener(_ profile: String) {
        unlink(gatewayListenerFile(profile).path)
    }

    /// The URL a listener of `profile` said it took, if one did and did not say it stopped.
    func gatewayListenerURL(_ profile: String) -> String? {
        (try? gatewayListenerFile(profile).members(shape: "the listener"))?.first { $0.0 == "url" }?.1.stringValue
    }

    /// The listener of `profile` if its process still runs.
    func gatewayListener(_ profile: String) -> GatewayStatus.Listener? {
        guard let members = try? gatewayListenerFile(profile).members(shape: "the listener") else { return nil }
        let value = JSONValue.object(members)
        guard let url = value["url"]?.stringValue, case .int(let pid)? = value["pid"], pid > 0, kill(Int32(pid), 0) == 0 || errno == EPERM else { return nil }
        let since: Int = if case .int(let time)? = value["since"] { time } else { 0 }
        return GatewayStatus.Listener(url: url, pid: Int32(pid), since: since)
    }

    /// The status of `profile`'s gateway over the last hour.
    package func gatewayStatus(profile name: String = GatewayProfile.defaultName) throws -> GatewayStatus {
        let (profile, entries) = try gatewayBackends(profile: name)
        let span = 3600
        let until = Timestamp.preciseNow
        var summaries: [HealthHistory.CallSummary] = []
        var events: [GatewayEvent] = []
        var recent: [HealthHistory.CallSummary] = []
        if HealthHistory.exists(home: home) {
            let history = try HealthHistory(home: home)
            summaries = try history.callSummaries(profile: profile.name, since: until - Double(span), until: until)
            recent = try history.callSummaries(profile: profile.name, since: until - 300, until: until)
            events = try history.events(profile: profile.name, since: until - 86_400)
        }
        let backends = entries.map { entry -> GatewayStatus.Backend in
            let mine = events.filter { $0.backend == entry.backend }
            let state: String = switch mine.last?.kind {
            case .started?, .restarted?: "up"
            case .failed?: "failed: " + (mine.last?.detail ?? "")
            case .stopped?: "stopped"
            case nil: "not started"
            }
            let summary = summaries.first { $0.backend == entry.backend }
            return GatewayStatus.Backend(
                name: entry.backend, kind: entry.kind, state: state, restarts: mine.filter { $0.kind == .restarted }.count,
                callsPerMinute: Double(recent.first { $0.backend == entry.backend }?.calls ?? 0) / 5,
                calls: summary?.calls ?? 0, failures: summary?.failures ?? 0, p50: summary?.p50, p95: summary?.p95)
        }
        return GatewayStatus(profile: profile.name, listener: gatewayListener(profile.name), backends: backends, span: span)
    }
}

extension Workspace {
    /// The gateway in `health`: each profile's listener (when one was started and has not been
    /// stopped: a listener that died is a failure), and each backend's calls of the last hour
    /// (some failed: a warning; the last three or more all failed: a failure). A gateway that
    /// nothing called is nothing to check.
    func gatewayChecks() -> [HealthReport.Check] {
        guard let profiles = try? gatewayProfiles.all(), !profiles.isEmpty else { return [] }
        var checks: [HealthReport.Check] = []
        for profile in profiles {
            let label = profile.name == GatewayProfile.defaultName ? "gateway" : "gateway \(profile.name)"
            if let url = gatewayListenerURL(profile.name) {
                if let listener = gatewayListener(profile.name) {
                    checks.append(.init(.gateway, label, .ok, "listening on \(url) (pid \(listener.pid))"))
                } else {
                    checks.append(.init(.gateway, label, .failed, "not running: it was listening on \(url) and ended without stopping; gateway --listen starts it"))
                }
            }
            guard let status = try? gatewayStatus(profile: profile.name) else { continue }
            for backend in status.backends where backend.calls > 0 {
                let name = profile.name == GatewayProfile.defaultName ? backend.name : "\(profile.name)/\(backend.name)"
                let figures = "\(backend.calls) call\(backend.calls == 1 ? "" : "s") in the last hour, p95 \(backend.p95.map(HealthChecks.milliseconds) ?? "-")"
                let restarts = backend.restarts > 0 ? ", \(backend.restarts) restart\(backend.restarts == 1 ? "" : "s") in 24 hours" : ""
                if backend.failures == 0 {
                    checks.append(.init(.gateway, name, .ok, figures + restarts, latency: backend.p50))
                } else {
                    let allFailed = backend.failures == backend.calls && backend.calls >= 3
                    checks.append(.init(.gateway, name, allFailed ? .failed : .warning,
                                        "\(backend.failures) of \(figures)\(restarts); state: \(backend.state)", latency: backend.p50))
                }
            }
        }
        return checks
    }
}
