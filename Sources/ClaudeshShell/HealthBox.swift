import ClaudeshKit

/// The health report drawn as a box whose right edge stays straight whatever the names hold
/// (wide characters, emoji, colour): every line is measured in terminal columns.
@MainActor
enum HealthBox {
    static func render(_ report: HealthReport, output: Output, width terminalWidth: Int) -> String {
        // "│  ✔ NAME  DETAIL │": 5 columns besides the name and the detail inside the edges. The
        // name takes up to 28 (and leaves the detail 10 at least), the detail what is left, so no
        // line is wider than the box, however narrow the terminal.
        let inner = max(40, min(terminalWidth, 120) - 4)
        let nameWidth = min(28, inner - 15, report.checks.map { DisplayWidth.of(plain($0.name)) }.max() ?? 4)
        let detailWidth = inner - nameWidth - 5
        var lines: [String] = []
        for section in HealthReport.Section.allCases {
            let checks = report.checks(in: section)
            guard !checks.isEmpty else { continue }
            lines.append(output.styled(section.rawValue, .bold))
            for check in checks {
                let name = DisplayWidth.pad(DisplayWidth.clip(plain(check.name), to: nameWidth), to: nameWidth)
                lines.append(" \(symbol(check.state, output)) \(name)  \(DisplayWidth.clip(plain(check.detail), to: detailWidth))")
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

    /// One line of text: control characters (a line break in an error, an escape sequence a
    /// server printed) become spaces, so they can neither break the box nor reach the terminal.
    static func plain(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) ? " " : $0 }))
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
        return output.styled("UNHEALTHY", .red) + ": \(failed.map { $0.label }.joined(separator: ", ")) failed; \(ok) ok\(warningText)."
    }
}
