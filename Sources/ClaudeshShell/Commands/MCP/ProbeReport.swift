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
                result.surface.map { String($0.contextTokens) } ?? "-",
            ]
        }
        return Table(headers: ["NAME", "TRANSPORT", "STATUS", "LATENCY", "ATTEMPTS", "SERVER", "ERA", "PROTOCOL", "TOOLS", "TOKENS"], rows: rows).render()
    }

    /// The lines under the table, per server: its canary ("  time  canary get_current_time  ok
    /// 12 ms", or FAIL and why), its warnings (tools changed since pinned, context weight), and
    /// a pin made on first sight.
    static func notes(_ results: [ProbeResult], _ output: Output) -> String {
        let width = results.map { DisplayWidth.of($0.server) }.max() ?? 0
        var lines: [String] = []
        for result in results {
            let name = DisplayWidth.pad(result.server, to: width)
            if let canary = result.canary {
                let verdict = canary.passed ? output.styled("ok", .green) + " " + HealthChecks.milliseconds(canary.latencyMilliseconds)
                    : output.styled("FAIL", .red) + " " + (canary.reason ?? "").clipped(120)
                lines.append("  \(name)  canary \(canary.tool)  \(verdict)")
            }
            for warning in result.warnings { lines.append("  \(name)  " + output.styled("warning:", .yellow) + " \(warning)") }
            if result.pin == .pinned, let surface = result.surface {
                lines.append(output.styled("  \(name)  tools pinned on first sight (\(surface.shortHash))", .dim))
            }
        }
        return lines.joined(separator: "\n")
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
