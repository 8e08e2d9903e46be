@testable import ClaudeshKit

/// Swift Testing has an ExitStatus of its own.
typealias ExitStatus = ClaudeshShell.ExitStatus
@testable import ClaudeshShell

/// A session with output kept in memory and a private environment.
@MainActor
func makeSession(variables: [String: String] = [:], directory: String = "/tmp", commands: [Command]? = nil) -> Session {
    let environment = Environment(variables: ["HOME": "/home/op"].merging(variables) { $1 }, currentDirectory: directory, isMacOS: false)
    let context = SessionContext(environment: environment, home: "/home/op/.claude")
    return Session(context: context, registry: CommandRegistry(commands ?? CommandCatalog.all), destination: .memory)
}

/// Commands shaped like the ones later groups add, for registry and completion tests.
@MainActor
let sampleCommands: [Command] = CommandCatalog.all.filter { $0.name != "mcp" } + [
    Command("mcp", group: "MCP", summary: "MCP servers", subcommands: [
        Command("list", group: "MCP", summary: "list", flags: [.json]) { _ in .success },
        Command("check", group: "MCP", summary: "check",
                arguments: [Argument("NAME", "server", completion: .custom { _ in ["github", "filesystem", "memory"] }, optional: true, variadic: true)],
                flags: [Flag("timeout", value: "S", "deadline"), Flag("retries", value: "N", "retries", completion: .choices(["0", "1", "3"])), .json]) { invocation in
            invocation.output.line("checked " + invocation.arguments.positionals.joined(separator: ","))
            return .success
        },
        Command("add", group: "MCP", summary: "add",
                arguments: [Argument("NAME", "name"), Argument("COMMAND", "command", variadic: true)],
                flags: [Flag("env", short: "e", value: "K=V", "variable", repeatable: true)]) { invocation in
            invocation.output.line("env=" + invocation.arguments.values("env").joined(separator: ";") + " args=" + invocation.arguments.positionals.joined(separator: "|"))
            return .success
        },
    ]),
    Command("compose", group: "Docker", summary: "compose", subcommands: [
        Command("up", group: "Docker", summary: "up") { _ in .success },
    ]),
]
