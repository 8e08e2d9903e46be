import ClaudeshKit

/// The health report drawn as a box whose right edge stays straight whatever the names hold
/// (wide characters, emoji, colour): every line is measured in terminal columns.
@MainActor
enum HealthBox {
    static func render(_ report: HealthReport, output: Output, width terminalWidth: Int) -> String {
        let nameWidth = min(28, report.checks.map { DisplayWidth.of($0.name) }.max() ?? 4)
        // "│  ✔ NAME  DETAIL │" (5 columns besides name and detail inside the edges): the detail
        // takes what the terminal leaves.
        let inner = max(40, min(terminalWidth, 120) - 4)
        let detailWidth = max(10, inner - nameWidth - 5)
        var lines: [String] = []
        for section in HealthReport.Section.allCases {
            let checks = report.checks(in: section)
            guard !checks.isEmpty else { continue }
            lines.append(output.styled(section.rawValue, .bold))
            for check in checks {
                let name = DisplayWidth.pad(DisplayWidth.clip(check.name, to: nameWidth), to: nameWidth)
                lines.append(" \(symbol(check.state, output)) \(name)  \(DisplayWidth.clip(check.detail, to: detailWidth))")
            }
        }
        let width = min(inner, max(lines.map(DisplayWidth.of).max() ?? 0, 40))
        let title = " claudesh health · \(Units.clock(report.time)) "
        var box = ["┌─" + title + String(repeating: "─", count: max(0, width - DisplayWidth.of(title) + 1)) + "┐"]
        box += lines.map { "│ " + DisplayWidth.pad($0, to: width) + " │" }
        box.append("└" + String(repeating: "─", count: width + 2) + "┘")
        box.append(verdict(report, output))
        return box.joined(separator: "\n")
    }

    static func symbol(_ state: HealthReport.State, _ output: Output) -> String {
        switch state {
        case .ok: return output.styled("✔", .green)
        case .warning: return output.styled("!", .yellow)
        case .failed: return output.styled("✘", .red)
        case .off: return output.styled("–", .dim)
        }
    }

    /// "Healthy: 7 ok, 1 warning." or "UNHEALTHY: github, compose failed; 1 warning."
    static func verdict(_ report: HealthReport, _ output: Output) -> String {
        let failed = report.checks.filter { $0.state == .failed }
        let warnings = report.checks.filter { $0.state == .warning }.count
        let ok = report.checks.filter { $0.state == .ok }.count
        let warningText = warnings == 0 ? "" : ", \(warnings) warning\(warnings == 1 ? "" : "s")"
        if failed.isEmpty { return output.styled("Healthy", .green) + ": \(ok) ok\(warningText)." }
        return output.styled("UNHEALTHY", .red) + ": \(failed.map(\.name).joined(separator: ", ")) failed; \(ok) ok\(warningText)."
    }
}
