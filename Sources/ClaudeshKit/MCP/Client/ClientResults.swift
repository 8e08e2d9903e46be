/// How a client command reaches its server.
package struct ClientOptions: Sendable {
    /// `--config`: the client config the server is in.
    package var config: String?
    /// `--protocol`: the era to speak, over the server's own setting.
    package var protocolMode: ProtocolMode?
    /// `--timeout`: how long one request may take.
    package var timeout: Duration?

    package init(config: String? = nil, protocolMode: ProtocolMode? = nil, timeout: Duration? = nil) {
        self.config = config
        self.protocolMode = protocolMode
        self.timeout = timeout
    }
}

/// What `tools/call` returned, ready to show.
package struct ToolCall: Sendable {
    /// The result as the server sent it (masked): `--json` prints it.
    package var result: JSONValue
    package var items: [ContentItem]
    package var structured: JSONValue?
    /// The tool failed (`isError`): its content says why.
    package var isError: Bool
    package var latency: Duration
}

package struct ResourceListing: Sendable {
    package var resources: [ResourceDescription]
    package var templates: [ResourceTemplate]
}

package struct PromptMessages: Sendable {
    package struct Message: Sendable {
        package var role: String
        package var item: ContentItem
    }

    package var description: String?
    package var messages: [Message]
}

/// A server `mcp connect` keeps.
package struct ConnectedServer: Sendable {
    package var server: String
    package var era: ProtocolEra
    package var protocolVersion: String
    package var serverName: String?
    package var serverVersion: String?
    package var tools: Int?
    /// False when it was connected already.
    package var isNew: Bool

    init(_ client: MCPClient, tools: Int?, isNew: Bool) async {
        server = client.server
        era = await client.era
        protocolVersion = await client.protocolVersion
        serverName = await client.serverName
        serverVersion = await client.session.serverInfo?["version"]?.stringValue
        self.tools = tools
        self.isNew = isNew
    }
}
