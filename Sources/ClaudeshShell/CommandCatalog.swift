/// Every command claudesh has, in the order `help` lists their groups.
package enum CommandCatalog {
    @MainActor
    package static var all: [Command] {
        ShellCommands.all + SessionCommands.all + ScriptCommands.all + [MCPCommands.command, GatewayCommands.command, SecretsCommands.command, GPGCommands.command, ExecCommand.command, ComposeCommands.command, BackupCommands.command, HealthCommands.command, RecoverCommand.command, SelftestCommand.command, ScheduleCommands.command]
    }
}
