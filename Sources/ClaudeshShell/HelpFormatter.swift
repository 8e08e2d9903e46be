import ClaudeshKit

/// `help`, `help CMD` and `CMD --help`, all from the registry's declarations.
enum HelpFormatter {
    /// One line: `history [N] [--json]`.
    static func usage(of command: Command, path: String) -> String {
        var parts = [path]
        if !command.subcommands.isEmpty {
            parts.append("<\(command.subcommands.filter { !$0.isHidden }.map { $0.name }.joined(separator: "|"))>")
        }
        for flag in command.flags {
            var text = "--" + flag.name
            if let value = flag.valueName { text += " " + value }
            parts.append("[\(text)]" + (flag.isRepeatable ? "..." : ""))
        }
        for argument in command.arguments {
            let name = argument.name + (argument.isVariadic ? "..." : "")
            parts.append(argument.isOptional ? "[\(name)]" : name)
        }
        return parts.joined(separator: " ")
    }

    /// `width`: the terminal's columns, that long summaries wrap within at spaces.
    static func detail(of command: Command, path: String, width: Int? = nil) -> String {
        var lines = ["usage: " + usage(of: command, path: path), "", "  " + command.summary]
        if let discussion = command.discussion {
            lines += [""] + discussion.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
        }
        if !command.aliases.isEmpty { lines += ["", "aliases: " + command.aliases.joined(separator: ", ")] }
        let visible = command.subcommands.filter { !$0.isHidden }
        if !visible.isEmpty {
            lines += ["", "subcommands:"]
            lines += indented(Table(headers: [], rows: visible.map { [$0.name, $0.summary] }), width: width)
        }
        if !command.arguments.isEmpty {
            lines += ["", "arguments:"]
            lines += indented(Table(headers: [], rows: command.arguments.map { [$0.name, $0.summary] }), width: width)
        }
        let flagRows = command.flags.map { flag -> [String] in
            var name = flag.short.map { "-\($0), " } ?? ""
            name += "--" + flag.name + (flag.valueName.map { " " + $0 } ?? "")
            return [name, flag.summary + (flag.isRepeatable ? " (repeatable)" : "")]
        }
        lines += ["", "flags:"]
        lines += indented(Table(headers: [], rows: flagRows + [["--help", "show this help"]]), width: width)
        if !command.examples.isEmpty {
            lines += ["", "examples:"] + command.examples.map { "  " + $0 }
        }
        return lines.joined(separator: "\n")
    }

    static func overview(_ registry: CommandRegistry, width: Int? = nil) -> String {
        var lines = ["claudesh: the operator shell for MCP servers, their secrets, containers and backups.", ""]
        var groups: [String] = []
        for command in registry.commands where !command.isHidden && !groups.contains(command.group) {
            groups.append(command.group)
        }
        for group in groups {
            lines.append(group + ":")
            let rows = registry.commands.filter { $0.group == group && !$0.isHidden }.map { [$0.name, $0.summary] }
            lines += indented(Table(headers: [], rows: rows), width: width)
            lines.append("")
        }
        lines.append("'help COMMAND' or 'COMMAND --help' for details; TAB completes; unique prefixes work ('hist' is 'history').")
        return lines.joined(separator: "\n")
    }

    static func json(_ command: Command, path: String) -> JSONValue {
        .object([
            ("name", .string(path)),
            ("aliases", .array(command.aliases.map(JSONValue.string))),
            ("group", .string(command.group)),
            ("summary", .string(command.summary)),
            ("usage", .string(usage(of: command, path: path))),
            ("arguments", .array(command.arguments.map { argument in
                .object([("name", .string(argument.name)), ("summary", .string(argument.summary)),
                         ("optional", .bool(argument.isOptional)), ("variadic", .bool(argument.isVariadic))])
            })),
            ("flags", .array(command.flags.map { flag in
                .object([("name", .string("--" + flag.name)), ("value", flag.valueName.map(JSONValue.string) ?? .null),
                         ("summary", .string(flag.summary)), ("repeatable", .bool(flag.isRepeatable))])
            })),
            ("examples", .array(command.examples.map(JSONValue.string))),
            ("subcommands", .array(command.subcommands.filter { !$0.isHidden }.map { json($0, path: path + " " + $0.name) })),
        ])
    }

    private static func indented(_ table: Table, width: Int?) -> [String] {
        var table = table
        table.width = width.map { $0 - 2 }
        return table.lines().map { "  " + $0 }
    }
}
