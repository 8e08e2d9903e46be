import ClaudeshKit

/// The prompt shows the session at a glance: loaded secrets, the compose file, connected
/// servers, dry-run, and the last status when it was not 0, e.g.
/// `claudesh (3 secrets, docker-compose.yml, mcp: time) [1]> `.
enum Prompt {
    /// libedit skips what stands between two of these when it counts the prompt's width.
    static let invisible = "\u{1}"

    /// The prompt of a continued line.
    static let continuation = "       -> "

    static func text(for context: SessionContext, color: Bool) -> String {
        var parts: [String] = []
        if context.vault.count > 0 { parts.append("\(context.vault.count) secret\(context.vault.count == 1 ? "" : "s")") }
        if Path.kind(of: context.settings.composeFile) == .file {
            parts.append(Path.lastComponent(of: context.settings.composeFile))
        }
        let connected = context.clients.connected.keys.sorted()
        if !connected.isEmpty { parts.append("mcp: " + connected.joined(separator: ",")) }
        if context.dryRun { parts.append("dry-run") }
        var prompt = paint("claudesh", "1;36", color)
        if !parts.isEmpty { prompt += " (" + parts.joined(separator: ", ") + ")" }
        if context.lastStatus != 0 { prompt += " " + paint("[\(context.lastStatus)]", "31", color) }
        return prompt + "> "
    }

    private static func paint(_ text: String, _ style: String, _ color: Bool) -> String {
        guard color else { return text }
        return invisible + "\u{1B}[\(style)m" + invisible + text + invisible + "\u{1B}[0m" + invisible
    }
}
