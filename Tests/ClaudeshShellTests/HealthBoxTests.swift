@testable import ClaudeshKit
import Testing
@testable import ClaudeshShell

/// The dashboard's box keeps its right edge straight whatever the names hold.
@MainActor
struct HealthBoxTests {
    func report() -> HealthReport {
        HealthReport(time: 1_795_600_000, checks: [
            .init(.servers, "time", .ok, "12 ms, 2 tools", latency: 12),
            .init(.servers, "日本語のサーバー", .failed, "command not found: /nonexistent (searched PATH=/usr/bin:/bin); install it or give its full path"),
            .init(.servers, "emoji-🚀-server", .warning, "slow ✓ but answering"),
            .init(.servers, "a-server-with-a-name-much-longer-than-the-column", .ok, "a reason\nover two lines\u{1B}[31m with an escape"),
            .init(.containers, "compose", .off, "no compose file"),
            .init(.store, "store", .ok, "3 secrets in /home/op/.password-store; git: clean (no remote)"),
            .init(.backups, "newest", .warning, "claude-backup-20261125-020000.tar.gz.gpg, 3d old, verified whole 3d ago"),
        ])
    }

    @Test(arguments: [false, true], [21, 44, 60, 100, 200])
    func everyLineOfTheBoxIsAsWideAsItsTop(color: Bool, columns: Int) {
        let output = Output(destination: .memory, redactor: Redactor(values: []), usesColor: color)
        let lines = HealthBox.render(report(), output: output, width: columns).split(separator: "\n").map(String.init)
        let box = lines.filter { $0.hasPrefix("┌") || $0.hasPrefix("│") || $0.hasPrefix("└") }
        #expect(box.count == 2 + 4 + 7, "\(lines)")
        let width = DisplayWidth.of(box[0])
        #expect(width <= max(columns, 44), "fits the terminal (or the narrowest box, 44): \(width) > \(columns)")
        for line in box { #expect(DisplayWidth.of(line) == width, "\(line)") }
        #expect(lines.last?.contains("UNHEALTHY") == true && lines.last?.contains("日本語のサーバー failed") == true, "\(lines.last ?? "")")
        #expect(lines.joined().contains("\u{1B}[") == color, "colour only when asked for")
        #expect(!lines.joined().contains("\u{1B}[31m with"), "a server's escape sequence never reaches the terminal")
    }

    @Test func aHealthyReportSaysSoWithItsWarnings() {
        var healthy = report()
        healthy.checks.removeAll { $0.state == .failed }
        let text = HealthBox.render(healthy, output: Output(destination: .memory, redactor: Redactor(values: [])), width: 100)
        #expect(text.hasSuffix("Healthy: 3 ok, 2 warnings."), "\(text)")
    }
}
