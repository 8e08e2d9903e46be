import ClaudeshKit

/// How probe results look in a table and under it.
@MainActor
enum ProbeReport {
    static func table(_ results: [ProbeResult], _ output: Output) -> String {
        let rows = results.map { result -> [String] in
            let status = result.passed ? output.styled("ok", .green) : result.needsAuthorization ? output.styled("AUTH", .yellow) : output.styled("FAIL", .red)
            let server = [result.serverName, result.serverVersion].compactMap { $0 }.joined(separator: " ")
            return [
                result.server, result.transport, status, result.attempts == 0 ? "-" : milliseconds(result), String(result.attempts),
                server.isEmpty ? "-" : server.clipped(40), result.era?.rawValue ?? "-", result.protocolVersion ?? "-", result.toolCount.map(String.init) ?? "-",
            ]
        }
        return Table(headers: ["NAME", "TRANSPORT", "STATUS", "LATENCY", "ATTEMPTS", "SERVER", "ERA", "PROTOCOL", "TOOLS"], rows: rows).render()
    }

    /// Why it failed, its last stderr lines and where its log is.
    static func failureDetail(_ result: ProbeResult, _ output: Output) -> String {
        var lines = ["", output.styled("\(result.server):", .bold) + " " + (result.reason ?? "")]
        if result.failure?.isPermanent == true { lines.append("  (not retried: trying again cannot fix this)") }
        let reason = result.reason ?? ""
        let alreadySaid = result.lastErrors.count == 1 && reason.hasSuffix(result.lastErrors[0])
        if !result.lastErrors.isEmpty && !alreadySaid {
            lines.append("  last lines on stderr:")
            lines += result.lastErrors.map { "    " + $0.clipped(200) }
        }
        if let log = result.logPath, !(result.failure?.isPermanent ?? false) { lines.append("  log: \(log)") }
        return lines.joined(separator: "\n")
    }

    static func milliseconds(_ result: ProbeResult) -> String {
        HealthChecks.milliseconds(result.latencyMilliseconds)
    }
}
