/// Where Claude knows a server from: Claude Code's scopes (local, project, user, managed,
/// plugin), Claude Desktop's config and its extensions, or a file named with `--config`.
package enum ServerScope: Sendable, Hashable {
    /// Claude Desktop's `claude_desktop_config.json`.
    case desktop
    /// A Desktop Extension (`.mcpb`, formerly `.dxt`), by its id.
    case desktopExtension(String)
    /// Claude Code: a project's servers in `~/.claude.json`, by the project's path.
    case local(String)
    /// Claude Code: a project's `.mcp.json`, by the project's path.
    case project(String)
    /// Claude Code: the top-level servers of `~/.claude.json`.
    case user
    /// Claude Code: `managed-mcp.json`, the administrator's.
    case managed
    /// Claude Code: a plugin's servers, by the plugin's id (`name@marketplace`).
    case plugin(String)
    /// A file named on the command line or in the mcp-config setting.
    case file

    /// `code`, `desktop` or `file`.
    package var client: String {
        switch self {
        case .desktop, .desktopExtension: return "desktop"
        case .local, .project, .user, .managed, .plugin: return "code"
        case .file: return "file"
        }
    }

    /// The scope's word, as `--scope` takes it.
    package var word: String {
        switch self {
        case .desktop: return "desktop"
        case .desktopExtension: return "extension"
        case .local: return "local"
        case .project: return "project"
        case .user: return "user"
        case .managed: return "managed"
        case .plugin: return "plugin"
        case .file: return "file"
        }
    }

    package static let words = ["local", "project", "user", "managed", "plugin", "desktop", "extension"]
    package static let clients = ["code", "desktop"]

    /// Managed, plugin and extension servers are the administrator's, a plugin's or an
    /// extension's: claudesh reads and checks them, and never writes them.
    package var isReadOnly: Bool {
        switch self {
        case .managed, .plugin, .desktopExtension: return true
        default: return false
        }
    }

    /// Claude Code's precedence when one name is defined in several scopes (lower wins):
    /// local, then project, then user, then plugins. Nil for what does not take part.
    var precedence: Int? {
        switch self {
        case .local: return 0
        case .project: return 1
        case .user: return 2
        case .plugin: return 3
        default: return nil
        }
    }
}
