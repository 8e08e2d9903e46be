#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeshKit

/// compose health: every service of the file, whether it runs and is healthy, and its memory.
enum ComposeHealthCommand {
    static let command = Command(
        "health", group: CommandGroup.docker, summary: "Each service's state, health, restarts, uptime and memory against its limit (exit 1 if any is down or unhealthy)",
        flags: [.json],
        examples: ["compose health", "compose health --json"]
    ) { invocation in
        let compose = try await invocation.workspace.compose()
        let report = try await compose.health()
        let now = Timestamp.now
        if invocation.wantsJSON {
            invocation.output.json(.object([
                ("file", .string(compose.file.path)), ("project", .string(compose.project)), ("healthy", .bool(report.allSatisfy { $0.isHealthy })),
                ("services", .array(report.map { entry in
                    .object([("service", .string(entry.service)), ("healthy", .bool(entry.isHealthy)), ("problem", entry.problem.map(JSONValue.string) ?? .null),
                             ("containers", .array(entry.containers.map(json)))])
                })),
            ]))
        } else {
            var rows: [[String]] = []
            for entry in report {
                if entry.containers.isEmpty { rows.append([entry.service, "not created", "-", "-", "-", "-"]) }
                for container in entry.containers {
                    let uptime = container.state == "running" ? container.startedAt.map { Timestamp.age(seconds: now - $0) } ?? "-" : "-"
                    rows.append([entry.service, container.state, container.health ?? "-", String(container.restartCount), uptime, memory(container)])
                }
            }
            invocation.output.line(Table(headers: ["SERVICE", "STATE", "HEALTH", "RESTARTS", "UPTIME", "MEMORY"], rows: rows, width: invocation.terminalWidth).render())
            for entry in report where !entry.isHealthy {
                invocation.output.line(invocation.output.styled("\(entry.service): \(entry.problem ?? "unhealthy")", .red))
            }
        }
        return report.allSatisfy { $0.isHealthy } ? .success : .failure
    }

    /// "12.4 MiB / 2.0 GiB (1%)", or the use alone without a limit.
    static func memory(_ container: DockerEngine.Container) -> String {
        guard let used = container.memoryUsage else { return "-" }
        guard let limit = container.memoryLimit else { return Units.size(used) }
        return "\(Units.size(used)) / \(Units.size(limit)) (\(used * 100 / max(limit, 1))%)"
    }

    static func json(_ container: DockerEngine.Container) -> JSONValue {
        .object([
            ("service", .string(container.service)), ("container", .string(container.name)), ("id", .string(container.id)),
            ("state", .string(container.state)), ("health", container.health.map(JSONValue.string) ?? .null),
            ("restarts", .int(container.restartCount)), ("started_at", container.startedAt.map { .int($0) } ?? .null),
            ("exit_code", .int(container.exitCode)),
            ("memory_bytes", container.memoryUsage.map { .int(Int($0)) } ?? .null), ("memory_limit_bytes", container.memoryLimit.map { .int(Int($0)) } ?? .null),
        ])
    }
}
