import Testing
@testable import ClaudeshKit

struct SettingsTests {
    let environment = Environment(variables: ["HOME": "/home/op", "XDG_CONFIG_HOME": "/cfg"], currentDirectory: "/work", isMacOS: false)

    @Test func defaultsFollowThePlatform() {
        let context = SessionContext(environment: environment)
        #expect(context.home == "/home/op/.claude")
        #expect(context.settings.composeFile == "/home/op/.claude/docker/docker-compose.yml")
        #expect(context.settings.backupDir == "/home/op/backups/claude")
        #expect(environment.desktopConfigPath == "/cfg/Claude/claude_desktop_config.json")
        var mac = environment
        mac.isMacOS = true
        #expect(mac.desktopConfigPath == "/home/op/Library/Application Support/Claude/claude_desktop_config.json")
        #expect(environment.userConfigPath == "/home/op/.claude.json")
        #expect(environment.projectConfigPath == "/work/.mcp.json")
    }

    @Test func alertSettingsAreValidatedAndReset() throws {
        var settings = Settings(home: "/h", environment: environment)
        #expect(settings.value(of: .smtpPort) == "587" && settings.value(of: .smtpStartTLS) == "yes" && !settings.alert.isConfigured)
        try settings.set(.alert, to: "mail -s \"$CLAUDESH_ALERT_SUBJECT\" ops@example.org", environment: environment)
        try settings.set(.alertEmail, to: "ops@example.org", environment: environment)
        try settings.set(.smtpStartTLS, to: "no", environment: environment)
        #expect(settings.alert.isConfigured && !settings.alert.startTLS)
        #expect(throws: Settings.Error.self) { try settings.set(.smtpPort, to: "70000", environment: environment) }
        #expect(throws: Settings.Error.self) { try settings.set(.smtpStartTLS, to: "maybe", environment: environment) }
        #expect(throws: Settings.Error.self) { try settings.set(.alertEmail, to: "Ops <ops@example.org>", environment: environment) }
        #expect(throws: Settings.Error.self) { try settings.set(.alert, to: "mail\nrm -rf ~", environment: environment) }
        try settings.reset(.smtpStartTLS, environment: environment)
        #expect(settings.value(of: .smtpStartTLS) == "yes")
    }

    @Test func claudeshHomeOverrides() {
        var env = environment
        env.variables["CLAUDESH_HOME"] = "rel/home"
        #expect(SessionContext(environment: env).home == "/work/rel/home")
        #expect(SessionContext(environment: env, home: "~/other").home == "/home/op/other")
    }

    @Test func pathsAreExpandedAndValidated() throws {
        var settings = Settings(home: "/h", environment: environment)
        try settings.set(.composeFile, to: "../x/./compose.yml", environment: environment)
        #expect(settings.composeFile == "/x/compose.yml")
        #expect(throws: Settings.Error.self) { try settings.set(.composeFile, to: "/", environment: environment) }
        #expect(throws: Settings.Error.self) { try settings.set(.backupDir, to: "  ", environment: environment) }
        try settings.set(.mcpConfig, to: "project", environment: environment)
        #expect(settings.mcpConfig == .project)
        try settings.set(.mcpConfig, to: "cfg.json", environment: environment)
        #expect(settings.mcpConfig == .file("/work/cfg.json"))
        #expect(throws: Settings.Error.fixedAtStart(.home)) { try settings.set(.home, to: "/x", environment: environment) }
    }

    @Test func backupIncludeAndExcludeAreCommaSeparatedAbsolutePaths() throws {
        var settings = Settings(home: "/h", environment: environment)
        #expect(settings.backupInclude.isEmpty && settings.value(of: .backupExclude) == "")
        try settings.set(.backupInclude, to: "~/.claude/CLAUDE.md, notes ,~/.claude/CLAUDE.md", environment: environment)
        #expect(settings.backupInclude == ["/home/op/.claude/CLAUDE.md", "/work/notes"])
        #expect(settings.value(of: .backupInclude) == "/home/op/.claude/CLAUDE.md,/work/notes")
        for bad in ["", "~/a,,~/b", "~", "/", "a\0b"] {
            #expect(throws: Settings.Error.self, "\(bad)") { try settings.set(.backupExclude, to: bad, environment: environment) }
        }
        try settings.reset(.backupInclude, environment: environment)
        #expect(settings.backupInclude.isEmpty)
    }

    @Test func variableNames() {
        #expect(SessionContext.isValidVariableName("GITHUB_TOKEN"))
        #expect(SessionContext.isValidVariableName("_x1"))
        #expect(!SessionContext.isValidVariableName("1x"))
        #expect(!SessionContext.isValidVariableName("compose-file"))
        #expect(!SessionContext.isValidVariableName(""))
    }

    @Test func jsonIsStableAndEscaped() {
        let value = JSONValue.object([("b", .int(1)), ("a", .string("q\"\n\u{1}")), ("c", .array([.bool(true), .null]))])
        #expect(value.serialized() == #"{"b":1,"a":"q\"\n\u0001","c":[true,null]}"#)
    }
}
