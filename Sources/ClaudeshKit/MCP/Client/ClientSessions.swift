import Synchronization

/// The servers `mcp connect` keeps running for a shell, and what servers said about
/// themselves this session (their tools, prompts, resource templates): completion reads these
/// without asking a server again. Shared by every copy of the session context.
package final class ClientSessions: Sendable {
    /// A connected server and the config it came from.
    package struct Connection: Sendable {
        package var client: MCPClient
        package var config: String
    }

    /// What a server offers, as last listed.
    struct Surface: Sendable {
        var tools: [ToolDescription]?
        var prompts: [PromptDescription]?
        var templates: [ResourceTemplate]?
        var resources: [ResourceDescription]?
    }

    private struct State {
        var connections: [String: Connection] = [:]
        var surfaces: [String: Surface] = [:]
    }

    private let state = Mutex(State())

    package init() {}

    package var connected: [String: Connection] { state.withLock { $0.connections } }

    /// The connected session of `server` from `config`, if there is one.
    func connection(_ server: String, config: String) -> MCPClient? {
        state.withLock { state in
            guard let connection = state.connections[server], connection.config == config else { return nil }
            return connection.client
        }
    }

    func keep(_ client: MCPClient, as server: String, config: String) {
        state.withLock { $0.connections[server] = Connection(client: client, config: config) }
    }

    /// Forgets the connection of `server`; the caller closes it.
    func remove(_ server: String) -> MCPClient? {
        state.withLock { $0.connections.removeValue(forKey: server)?.client }
    }

    func surface(_ server: String, config: String) -> Surface {
        state.withLock { $0.surfaces[Self.key(server, config)] ?? Surface() }
    }

    func update(_ server: String, config: String, _ change: (inout Surface) -> Void) {
        state.withLock { change(&$0.surfaces[Self.key(server, config), default: Surface()]) }
    }

    private static func key(_ server: String, _ config: String) -> String { config + "\u{0}" + server }
}
