import ClaudeshKit

/// mcp canary add, list, remove: the one tool call per server that mcp check and health make
/// after the handshake, to tell a server that works from one that only starts.
enum MCPCanaryCommands {
    static let group = MCPCommands.group

    static let canary = Command(
        "canary", group: group, summary: "A server's canary: one tool call that mcp check and health make after its handshake",
        discussion: """
        One canary per server of a config file, kept in HOME/canaries.json (never in the
        client's config; a server of the same name in another file has its own). A
        canary fails when the call errors, the tool reports isError, or --expect TEXT is not in
        its text content; then mcp check exits 1 and health is unhealthy, naming the canary,
        while the server's own line says it starts. --no-canary on mcp check, mcp retry and
        health skips them.
        """,
        subcommands: [add, list, remove]
    )

    static let add = Command(
        "add", group: group, summary: "Set a server's canary: TOOL with NAME=VALUE arguments, typed and checked against its live schema",
        discussion: """
        The server is started (or its connected session used) to list its tools: the arguments
        are typed and checked as mcp call does, and kept as built. A wrong argument is refused
        with exit status 2 and nothing is written. A canary already set is replaced.
        """,
        arguments: [MCPClientCommands.server, Argument("TOOL", "the tool to call", completion: .toolNames),
                    Argument("NAME=VALUE", "its arguments", completion: .toolArguments, optional: true, variadic: true)],
        flags: [Flag("expect", value: "TEXT", "text the answer's text content must hold")] + MCPClientCommands.clientFlags.filter { $0.name != "json" },
        examples: ["mcp canary add time get_current_time timezone=UTC --expect UTC", "mcp canary add git git_status repo_path=/srv/repo"]
    ) { invocation in
        let arguments = invocation.arguments
        let (server, tool) = (arguments.positionals[0], arguments.positionals[1])
        let added = try await invocation.workspace.addCanary(tool, to: server, words: Array(arguments.positionals.dropFirst(2)),
                                                             expect: arguments.value("expect"), options: try MCPClientCommands.options(invocation))
        let what = describe(added.canary)
        if !added.written {
            invocation.output.line("would set \(server)'s canary to \(what) (dry run: \(added.path) not written)")
        } else {
            invocation.output.line("\(server)'s canary is \(what)" + (added.replaced.map { " (it was \(describe($0)))" } ?? "") + "; mcp check and health call it")
        }
        return .success
    }

    static let list = Command(
        "list", group: group, summary: "Every server's canary: tool, arguments and the text expected",
        discussion: """
        Canaries of every config file, those of servers of other files than the default one
        (mcp-config) with a CONFIG column; --config lists one file's.
        """,
        flags: [Flag.config, .json], examples: ["mcp canary list", "mcp canary list --json", "mcp canary list --config project"]
    ) { invocation in
        let canaries = try invocation.workspace.canaryList(in: invocation.arguments.value("config"))
        let output = invocation.output
        if invocation.wantsJSON {
            output.json(ServerStateTable.json(canaries) { canary in
                [("tool", .string(canary.tool)), ("arguments", canary.arguments), ("expect", canary.expect.map(JSONValue.string) ?? .null)]
            })
        } else if canaries.isEmpty {
            output.line("no canaries: mcp canary add SERVER TOOL [NAME=VALUE]... [--expect TEXT] sets one")
        } else {
            output.line(ServerStateTable.render(canaries, headers: ["TOOL", "ARGUMENTS", "EXPECT"], width: invocation.terminalWidth) { canary in
                [canary.tool, canary.arguments.serialized(), canary.expect ?? "-"]
            })
        }
        return .success
    }

    static let remove = Command(
        "remove", group: group, summary: "Remove a server's canary",
        arguments: [Argument("SERVER", "a server with a canary", completion: canaryServers)],
        flags: [Flag.config],
        examples: ["mcp canary remove time", "mcp canary remove time --config project"]
    ) { invocation in
        let server = invocation.arguments.positionals[0]
        if let removed = try invocation.workspace.removeCanary(of: server, in: invocation.arguments.value("config")) {
            invocation.output.line("removed \(server)'s canary (\(describe(removed)))")
        } else {
            invocation.output.line("would remove \(server)'s canary (dry run: nothing written)")
        }
        return .success
    }

    static let canaryServers = Completion.custom { input in
        ((try? Workspace(input.context).canaryList(in: input.flags["config"])) ?? []).map { $0.server }
    }

    /// `get_current_time {"timezone":"UTC"} expecting "UTC"`.
    static func describe(_ canary: Canary) -> String {
        "\(canary.tool) \(canary.arguments.serialized())" + (canary.expect.map { " expecting \"\($0)\"" } ?? "")
    }
}
