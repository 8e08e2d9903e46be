#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeshKit

/// mcp tools, call, resources, read, prompts, prompt, connect, disconnect: a server used from
/// the shell, through the connected session or one opened for the command.
enum MCPClientCommands {
    static let group = MCPCommands.group

    @MainActor
    static var all: [Command] { [tools, call, resources, read, prompts, prompt, connect, disconnect] }

    static let timeout = Flag("timeout", value: "S", "seconds one request may take (default 60, or MCP_TOOL_TIMEOUT in milliseconds)")
    static let clientFlags = [Flag.config, Flag.protocolMode, timeout, Flag.json]

    static let server = Argument("SERVER", "a server of the config", completion: .serverNames)

    static let tools = Command(
        "tools", group: group, summary: "A server's tools as signatures; with TOOL, its whole description and schemas",
        discussion: """
        Each tool as name(argument: type, optional?: type), its title, the first line of its
        description and the hints the server gave (read-only, destructive, idempotent,
        open-world). Calls go to the connected session (mcp connect) when there is one; else
        the server is started for the command and stopped after. --diff compares the tools
        with their pin (mcp pin): each tool added, removed, or changed, with the fields that
        changed old and new.
        """,
        arguments: [server, Argument("TOOL", "one tool, in full", completion: .toolNames, optional: true)],
        flags: [Flag("diff", "what changed since the tools were pinned")] + clientFlags,
        examples: ["mcp tools time", "mcp tools git git_log", "mcp tools time --json", "mcp tools github --diff"]
    ) { invocation in
        let arguments = invocation.arguments
        let name = arguments.positionals[0]
        if arguments.has("diff") {
            guard arguments.positionals.count == 1 else { throw ShellError.usage("--diff compares all of a server's tools: give no TOOL") }
            let changes = try await invocation.workspace.toolChanges(of: name, options: try options(invocation))
            if invocation.wantsJSON { invocation.output.json(MCPPinCommands.json(changes)) } else { invocation.output.line(MCPPinCommands.render(changes, invocation.output)) }
            return .success
        }
        let found = try await invocation.workspace.tools(of: name, options: try options(invocation))
        let output = invocation.output
        if arguments.positionals.count > 1 {
            let wanted = arguments.positionals[1]
            let tool = try ToolDescription.named(wanted, in: found, server: name)
            if invocation.wantsJSON { output.json(tool.raw) } else { output.line(ClientRendering.detail(of: tool, output)) }
            return .success
        }
        if invocation.wantsJSON {
            output.json(.array(found.map { $0.raw }))
        } else if found.isEmpty {
            output.line("\(name) has no tools")
        } else {
            output.line(ClientRendering.toolTable(found, width: invocation.terminalWidth))
        }
        return .success
    }

    static let call = Command(
        "call", group: group, summary: "Call a tool: NAME=VALUE arguments typed and checked against its schema",
        discussion: """
        Values are typed from the tool's input schema: strings as given, numbers, booleans,
        arrays and objects as JSON; --args takes a JSON object the NAME=VALUE words add to.
        Nothing is sent when an argument is missing, of the wrong type, not among the values
        the schema lists, or not one the tool takes. Text content prints as text, structured
        content as JSON, images and audio are saved under HOME/outputs (the path is printed),
        resource links are listed. Exit status 1 when the tool reports an error (isError).
        Ctrl-C cancels the call the way its era says and a connected session goes on. Progress
        the server reports shows on a terminal; its log messages go to HOME/logs/mcp-NAME.log.
        """,
        arguments: [server, Argument("TOOL", "the tool", completion: .toolNames),
                    Argument("NAME=VALUE", "the tool's arguments", completion: .toolArguments, optional: true, variadic: true)],
        flags: [Flag("args", value: "JSON", "the arguments as one JSON object")] + clientFlags,
        examples: ["mcp call time get_current_time timezone=UTC", "mcp call git git_log repo_path=. max_count=3",
                   "mcp call time convert_time --args '{\"source_timezone\": \"UTC\", \"time\": \"12:00\", \"target_timezone\": \"Asia/Tokyo\"}'"]
    ) { invocation in
        let arguments = invocation.arguments
        let (name, tool) = (arguments.positionals[0], arguments.positionals[1])
        let output = invocation.output
        let progress: ProgressLine? = isatty(2) == 1 && !invocation.wantsJSON ? ProgressLine(label: tool, output: output) : nil
        var onProgress: (@Sendable (MCPClient.Progress) -> Void)?
        if let progress {
            onProgress = { report in progress.show(status: ClientRendering.progress(report)) }
        }
        let words = Array(arguments.positionals.dropFirst(2))
        // The line goes however the call ends (an error, Ctrl-C), and before the result is shown.
        defer { if progress != nil { ProgressLine.clear(output) } }
        let result = try await invocation.workspace.callTool(tool, of: name, words: words, json: arguments.value("args"),
                                                             options: try options(invocation), onProgress: onProgress)
        if progress != nil { ProgressLine.clear(output) }
        if invocation.wantsJSON {
            output.json(result.result)
        } else {
            let text = ClientRendering.render(result.items, structured: result.structured, output)
            if result.isError {
                throw ShellError.failed("\(name) \(tool) reported an error" + (text.isEmpty ? "" : ": " + text))
            }
            if !text.isEmpty { output.line(text) }
        }
        return result.isError ? .failure : .success
    }

    static let resources = Command(
        "resources", group: group, summary: "A server's resources and resource templates",
        arguments: [server], flags: clientFlags,
        examples: ["mcp resources docs", "mcp resources docs --json"]
    ) { invocation in
        let name = invocation.arguments.positionals[0]
        let listing = try await invocation.workspace.resources(of: name, options: try options(invocation))
        let output = invocation.output
        if invocation.wantsJSON {
            output.json(ClientRendering.json(listing))
        } else if listing.resources.isEmpty && listing.templates.isEmpty {
            output.line("\(name) has no resources")
        } else {
            output.line(ClientRendering.resourceTable(listing, width: invocation.terminalWidth))
        }
        return .success
    }

    static let read = Command(
        "read", group: group, summary: "Read a resource: text as text, binary saved under HOME/outputs",
        arguments: [server, Argument("URI", "the resource (a template's URI with its variables filled)", completion: .resourceURIs)],
        flags: clientFlags,
        examples: ["mcp read docs file:///README.md", "mcp read docs greeting://alice"]
    ) { invocation in
        let (name, uri) = (invocation.arguments.positionals[0], invocation.arguments.positionals[1])
        let items = try await invocation.workspace.readResource(uri, of: name, options: try options(invocation))
        let output = invocation.output
        if invocation.wantsJSON {
            output.json(.array(items.map(ClientRendering.json)))
        } else {
            let text = ClientRendering.render(items, structured: nil, output)
            if !text.isEmpty { output.line(text) }
        }
        return .success
    }

    static let prompts = Command(
        "prompts", group: group, summary: "A server's prompts and their arguments",
        arguments: [server], flags: clientFlags,
        examples: ["mcp prompts docs"]
    ) { invocation in
        let name = invocation.arguments.positionals[0]
        let found = try await invocation.workspace.prompts(of: name, options: try options(invocation))
        let output = invocation.output
        if invocation.wantsJSON {
            output.json(.array(found.map(ClientRendering.json)))
        } else if found.isEmpty {
            output.line("\(name) has no prompts")
        } else {
            output.line(Table(headers: ["PROMPT", "DESCRIPTION"], rows: found.map { [$0.signature, ($0.title ?? $0.description ?? "").firstLine] },
                              width: invocation.terminalWidth).render())
        }
        return .success
    }

    static let prompt = Command(
        "prompt", group: group, summary: "Get a prompt's messages, with NAME=VALUE arguments",
        arguments: [server, Argument("NAME", "the prompt", completion: .promptNames),
                    Argument("ARG=VALUE", "its arguments", completion: .promptArguments, optional: true, variadic: true)],
        flags: clientFlags,
        examples: ["mcp prompt docs review code='x = 1' style=brief"]
    ) { invocation in
        let arguments = invocation.arguments
        let (name, prompt) = (arguments.positionals[0], arguments.positionals[1])
        let got = try await invocation.workspace.prompt(prompt, of: name, words: Array(arguments.positionals.dropFirst(2)), options: try options(invocation))
        let output = invocation.output
        if invocation.wantsJSON {
            output.json(.object([
                ("description", got.description.map(JSONValue.string) ?? .null),
                ("messages", .array(got.messages.map { .object([("role", .string($0.role)), ("content", ClientRendering.json($0.item))]) })),
            ]))
            return .success
        }
        if let description = got.description { output.line(output.styled(description, .dim)) }
        for message in got.messages {
            output.line(output.styled("\(message.role):", .bold))
            output.line(ClientRendering.render([message.item], structured: nil, output))
        }
        return .success
    }

    static let connect = Command(
        "connect", group: group, summary: "Keep a server running for this shell: calls reuse it, the prompt shows it",
        discussion: """
        Without SERVER, lists the connected servers. A connected server that exits is reported
        at the next prompt. mcp disconnect ends it; so does leaving claudesh.
        """,
        arguments: [Argument("SERVER", "the server to keep running", completion: .serverNames, optional: true)],
        flags: [Flag.config, Flag.protocolMode, Flag.json],
        examples: ["mcp connect time", "mcp connect"]
    ) { invocation in
        let output = invocation.output
        guard let name = invocation.arguments.positionals.first else {
            let connected = invocation.workspace.connectedServers()
            if invocation.wantsJSON {
                output.json(.array(connected.map { .object([("server", .string($0.server)), ("config", .string($0.config))]) }))
            } else if connected.isEmpty {
                output.line("no server is connected (mcp connect SERVER)")
            } else {
                output.line(Table(headers: ["SERVER", "CONFIG"], rows: connected.map { [$0.server, $0.config] }).render())
            }
            return .success
        }
        let connected = try await invocation.workspace.connect(name, options: try options(invocation))
        if invocation.wantsJSON {
            output.json(.object([
                ("server", .string(connected.server)), ("era", .string(connected.era.rawValue)), ("protocol_version", .string(connected.protocolVersion)),
                ("server_name", connected.serverName.map(JSONValue.string) ?? .null), ("server_version", connected.serverVersion.map(JSONValue.string) ?? .null),
                ("tools", connected.tools.map(JSONValue.int) ?? .null),
            ]))
        } else {
            let identity = [connected.serverName, connected.serverVersion].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            let tools = connected.tools.map { ", \($0) tool\($0 == 1 ? "" : "s")" } ?? ""
            output.line("\(connected.isNew ? "Connected to" : "Already connected to") \(name) (\(identity.isEmpty ? "" : identity + ", ")\(connected.era.rawValue) \(connected.protocolVersion)\(tools))")
        }
        return .success
    }

    static let disconnect = Command(
        "disconnect", group: group, summary: "End connected servers' sessions (all without SERVER)",
        arguments: [Argument("SERVER", "connected servers", completion: .connectedServers, optional: true, variadic: true)],
        examples: ["mcp disconnect time", "mcp disconnect"]
    ) { invocation in
        let ended = try await invocation.workspace.disconnect(invocation.arguments.positionals)
        invocation.output.line(ended.isEmpty ? "no server was connected" : "Disconnected \(ended.joined(separator: ", "))")
        return .success
    }

    @MainActor
    static func options(_ invocation: Invocation) throws -> ClientOptions {
        let arguments = invocation.arguments
        return ClientOptions(config: arguments.value("config"), protocolMode: try arguments.protocolMode(), timeout: try arguments.seconds("timeout"))
    }
}
