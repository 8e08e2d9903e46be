import Foundation
import Testing

/// Every server Claude knows, from files shaped as the clients write them: a `~/.claude.json`
/// with projects (local servers, the /mcp disabled list, older approvals) and user servers among
/// unrelated keys, a `.mcp.json` with approved and unapproved servers, an administrator's deny
/// list, a plugin, and a Desktop extension whose manifest uses `${__dirname}` and `${user_config}`.
@Suite
struct InventoryTests {
    let root = Claudesh.temporaryFolder("claudesh-inventory")
    var home: String { root + "/home" }
    var project: String { root + "/proj" }
    var claudeJSON: String { home + "/.claude.json" }
    var managed: String { root + "/managed" }

    /// `~/.claude.json` as Claude Code leaves it: keys claudesh never touches around the servers.
    var claudeJSONText: String {
        """
        {
          "numStartups": 42,
          "theme": "dark",
          "tipsHistory": {"new-user-warmup": 7},
          "projects": {
            "\(project)": {
              "allowedTools": [],
              "mcpServers": {
                "sentry": {"type": "http", "url": "https://mcp.sentry.dev/mcp"},
                "old": {"type": "stdio", "command": "old-server", "args": [], "env": {}}
              },
              "disabledMcpServers": ["old"],
              "enabledMcpjsonServers": ["approved"],
              "hasTrustDialogAccepted": true,
              "lastCost": 0.0123456789012345678
            },
            "\(root)/other": {"mcpServers": {"x": {"command": "x-server"}}, "hasTrustDialogAccepted": false}
          },
          "mcpServers": {
            "time": {"type": "stdio", "command": "uvx", "args": ["mcp-server-time"], "env": {}},
            "sentry": {"type": "http", "url": "https://user.example/mcp"},
            "blocked": {"command": "bad-server"}
          },
          "userID": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
          "cachedStatsig": {"big": 12345678901234567890}
        }

        """
    }

    init() throws {
        let folders = [home + "/.claude/plugins", project + "/.claude", root + "/other", managed, root + "/plug/.claude-plugin",
                       home + "/.config/Claude/Claude Extensions/local.mcpb.me.files", home + "/.config/Claude/Claude Extensions Settings"]
        for folder in folders { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        try write(claudeJSON, claudeJSONText)
        try write(project + "/.mcp.json", """
            {"mcpServers": {"approved": {"command": "a"}, "unapproved": {"command": "u"}, "time": {"command": "uvx", "args": ["mcp-server-time", "--local-timezone", "UTC"]}}}
            """)
        try write(project + "/.claude/settings.local.json", #"{"disabledMcpjsonServers": ["unwanted"]}"#)
        try write(managed + "/managed-settings.json", #"{"deniedMcpServers": [{"serverName": "blocked"}]}"#)
        try write(home + "/.claude/plugins/installed_plugins.json", """
            {"version": 2, "plugins": {"tools@market": [{"scope": "user", "installPath": "\(root)/plug", "version": "1.0.0"}]}}
            """)
        try write(root + "/plug/.mcp.json", #"{"mcpServers": {"db": {"command": "${CLAUDE_PLUGIN_ROOT}/bin/db"}, "clock": {"command": "uvx", "args": ["mcp-server-time"]}}}"#)
        try write(root + "/plug/.claude-plugin/plugin.json", #"{"name": "tools"}"#)
        try write(home + "/.config/Claude/Claude Extensions/local.mcpb.me.files/manifest.json", """
            {"manifest_version": "0.3", "name": "files", "version": "1.0.0", "description": "d", "author": {"name": "me"},
             "server": {"type": "node", "entry_point": "server/index.js",
               "mcp_config": {"command": "node", "args": ["${__dirname}/server/index.js", "${user_config.roots}"],
                              "env": {"API_KEY": "${user_config.api_key}", "MODE": "${user_config.mode}"}}},
             "user_config": {"roots": {"type": "directory", "multiple": true, "required": true, "title": "Roots"},
               "api_key": {"type": "string", "sensitive": true, "title": "Key"}, "mode": {"type": "string", "default": "fast"}}}
            """)
        try write(home + "/.config/Claude/Claude Extensions Settings/local.mcpb.me.files.json",
                  #"{"isEnabled": true, "userConfig": {"roots": ["/srv/a", "/srv/b"], "api_key": "sk-ant-api03-notarealkeybutlongenough"}}"#)
        try write(home + "/.config/Claude/claude_desktop_config.json", #"{"mcpServers": {"desk": {"command": "d"}}}"#)
    }

    func write(_ path: String, _ text: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func run(_ arguments: [String], directory: String? = nil, extra: [String: String] = [:]) throws -> Claudesh.Result {
        var environment = ["CLAUDESH_MANAGED_DIR": managed, "CLAUDESH_HOME": root + "/claudesh"]
        environment.merge(extra) { $1 }
        return try Claudesh.run(arguments, home: home, directory: directory ?? project, extra: environment)
    }

    func servers(_ result: Claudesh.Result) throws -> [[String: Any]] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)\(result.stderr)")
        return try #require(object["servers"] as? [[String: Any]])
    }

    /// `name scope state` of each entry, and its detail when it has one.
    func states(_ servers: [[String: Any]]) -> [String] {
        servers.map { "\($0["name"]!) \($0["scope"]!) \($0["state"]!)" + (($0["detail"] as? String).map { " (\($0))" } ?? "") }
    }

    @Test func everyScopeIsListedWithItsStateAndTheScopeThatWins() throws {
        defer { Claudesh.cleanUp(root) }
        let listed = try run(["mcp", "list", "--all", "--json"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let all = try servers(listed)
        #expect(states(all) == [
            "sentry local active",
            "old local disabled (disabledMcpServers of \(project) in \(claudeJSON))",
            "x local ignored (another project's: \(root)/other)",
            "approved project active",
            "unapproved project pending",
            "time project pending",
            "time user active",
            "sentry user shadowed (local)",
            "blocked user denied (deniedMcpServers: {\"serverName\":\"blocked\"})",
            "plugin:tools:db plugin active",
            "plugin:tools:clock plugin shadowed (user)",
            "desk desktop active",
            "files extension active",
        ], "\(states(all))")
        let files = try #require(all.first { $0["name"] as? String == "files" })
        #expect(files["target"] as? String == "node \(home)/.config/Claude/Claude Extensions/local.mcpb.me.files/server/index.js /srv/a /srv/b")
        #expect(files["notes"] as? [String] == ["api_key (sensitive): set"] && files["read_only"] as? Bool == true)
        #expect(!listed.stdout.contains("notarealkey"), "a sensitive setting is never shown")
        #expect(all.first { $0["name"] as? String == "plugin:tools:db" }?["target"] as? String == "\(root)/plug/bin/db")

        // The project's approvals: once the project's file approves every server, the user's time is shadowed.
        try write(project + "/.claude/settings.local.json", #"{"enableAllProjectMcpServers": true, "disabledMcpjsonServers": ["unapproved"]}"#)
        let approved = states(try servers(try run(["mcp", "list", "--all", "--json"])))
        #expect(approved.contains("time project active") && approved.contains("time user shadowed (project)") && approved.contains("unapproved project rejected"), "\(approved)")

        // Narrowed by scope and client; the table names the project and each state.
        #expect(states(try servers(try run(["mcp", "list", "--scope", "local", "--json"]))).count == 3)
        #expect(try servers(try run(["mcp", "list", "--client", "desktop", "--json"])).map { $0["name"] as? String } == ["desk", "files"])
        let table = try run(["mcp", "list", "--all"])
        #expect(table.stdout.contains("project \(project)") && table.stdout.contains("shadowed by local"), "\(table.stdout)")
        #expect(try run(["mcp", "list", "--scope", "galaxy"]).status == 2)

        // A managed file takes control: every other Claude Code server is ignored.
        try write(managed + "/managed-mcp.json", #"{"mcpServers": {"corp": {"command": "corp-server"}}}"#)
        let controlled = states(try servers(try run(["mcp", "list", "--client", "code", "--json"])))
        #expect(controlled.contains("corp managed active") && controlled.contains("sentry local ignored (managed-mcp.json has exclusive control)"), "\(controlled)")
    }

    @Test func addWithAScopeWritesWhereClaudeMcpAddWouldAndKeepsEveryOtherByte() throws {
        defer { Claudesh.cleanUp(root) }
        let added = try run(["mcp", "add", "-s", "local", "-t", "http", "linear", "https://mcp.linear.app/mcp", "-H", "X-Team: core"])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.contains("in \(claudeJSON) (local scope of \(project))"), "\(added.stdout)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: claudeJSON))) as? [String: Any])
        let local = ((document["projects"] as? [String: Any])?[project] as? [String: Any])?["mcpServers"] as? [String: Any]
        #expect((local?["linear"] as? [String: Any])?["url"] as? String == "https://mcp.linear.app/mcp", "\(String(describing: local))")
        #expect((document["mcpServers"] as? [String: Any])?["linear"] == nil)
        // Removed again, the file is the one Claude Code wrote, byte for byte (the long float and integer too).
        #expect(try run(["mcp", "remove", "-s", "local", "linear"]).status == 0)
        #expect(try String(contentsOfFile: claudeJSON, encoding: .utf8) == claudeJSONText)

        // A project the file does not know yet gets its entry; -s user and -s project write where claude does.
        let elsewhere = root + "/other"
        #expect(try run(["mcp", "add", "-s", "local", "memo", "--", "memo-server"], directory: root).status == 0)
        #expect(try run(["mcp", "get", "memo", "--config", "local:\(root)", "--json"]).stdout.contains("memo-server"))
        #expect(try run(["mcp", "add", "-s", "user", "clock", "--", "uvx", "mcp-server-time"], directory: elsewhere).status == 0)
        #expect(try run(["mcp", "add", "-s", "project", "shared", "--", "shared-server"]).status == 0)
        #expect(try String(contentsOfFile: project + "/.mcp.json", encoding: .utf8).contains("\"shared\""))
        let all = states(try servers(try run(["mcp", "list", "--all", "--json"])))
        #expect(all.contains("clock user active") && all.contains("shared project pending") && all.contains("memo local ignored (another project's: \(root))"), "\(all)")

        // -s is the scope now; --secret keeps its long form; a read-only scope is refused.
        let scopeOnly = try run(["mcp", "add", "-s", "managed", "y", "--", "y"])
        #expect(scopeOnly.status == 2 && scopeOnly.stderr.contains("--scope takes local, project or user"), "\(scopeOnly.stderr)")
        let both = try run(["mcp", "add", "-s", "user", "--config", "desktop", "y", "--", "y"])
        #expect(both.status == 2 && both.stderr.contains("--scope and --config"), "\(both.stderr)")
        let plugin = try run(["mcp", "remove", "plugin:tools:db"])
        #expect(plugin.status == 2 && plugin.stderr.contains("plugin:tools:db is a plugin server (\(root)/plug/.mcp.json), read-only"), "\(plugin.stderr)")
    }

    /// Real servers in three places: Claude Code's local and user scopes and Desktop's config,
    /// two of them named `time`. `mcp check --all` and `health` check each one Claude starts,
    /// with its own pin; the user's `time`, shadowed by a local one, is not started.
    @Test func checkAllAndHealthCoverEveryServerClaudeStarts() throws {
        defer { Claudesh.cleanUp(root) }
        try write(claudeJSON, """
            {"projects": {"\(project)": {"mcpServers": {"clock": {"type": "stdio", "command": "\(MCPFixtures.legacyTimeServer)", "args": [], "env": {}}}}},
             "mcpServers": {"time": {"type": "stdio", "command": "\(MCPFixtures.timeServer)", "args": [], "env": {}},
                            "clock": {"command": "/nonexistent/shadowed"}}}
            """)
        try write(project + "/.mcp.json", #"{"mcpServers": {}}"#)
        try FileManager.default.removeItem(atPath: home + "/.config/Claude/Claude Extensions")
        // The plugin's one server: the legacy time server with an argument of its own (so not the local clock's twin).
        try write(root + "/plug/.mcp.json", "{\"mcpServers\": {\"t\": {\"command\": \"\(MCPFixtures.legacyTimeServer)\", \"args\": [\"--local-timezone\", \"UTC\"]}}}")
        try write(managed + "/managed-settings.json", "{}")
        MCPFixtures.writeConfig(home + "/.config/Claude/claude_desktop_config.json", [("time", "{\"command\": \"\(MCPFixtures.legacyTimeServer)\"}")])

        let check = try run(["mcp", "check", "--all", "--json"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let servers = try MCPFixtures.servers(check.stdout)
        #expect(Set(servers.keys) == ["clock", "time@user", "time@desktop", "plugin:tools:t"], "\(servers.keys)")
        #expect(servers["time@user"]?["era"] as? String == "modern" && servers["time@desktop"]?["era"] as? String == "legacy")
        // Each pinned under its own config: the second check finds every pin the same.
        let again = try MCPFixtures.servers(try run(["mcp", "check", "--all", "--json"]).stdout)
        #expect(again.values.allSatisfy { $0["pin"] as? String == "same" }, "\(again)")
        #expect(try MCPFixtures.servers(try run(["mcp", "check", "--all", "--client", "desktop", "--json"]).stdout).keys.sorted() == ["time"])

        let health = try run(["health", "--json"])
        #expect(health.status == 0, "\(health.stdout)\(health.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(health.stdout.utf8)) as? [String: Any])
        let lines = try #require((report["sections"] as? [String: Any])?["mcp"] as? [[String: Any]])
        #expect(lines.map { "\($0["name"]!) \($0["state"]!)" }.sorted() == ["clock ok", "plugin:tools:t ok", "time@desktop ok", "time@user ok"], "\(lines)")
        // A server of no config of its own is pinned by the name the check gave it.
        let pinned = try run(["mcp", "pin", "plugin:tools:t", "time@user"])
        #expect(pinned.status == 0 && pinned.stdout.contains("pinned plugin:tools:t's 2 tools") && pinned.stdout.contains("(as it was)"), "\(pinned.stdout)\(pinned.stderr)")
        // Used, given a canary and diffed by that name too: its state kept under its own file.
        let called = try run(["mcp", "call", "plugin:tools:t", "get_current_time", "timezone=UTC"])
        #expect(called.status == 0 && called.stdout.contains("\"timezone\": \"UTC\""), "\(called.stdout)\(called.stderr)")
        #expect(try run(["mcp", "tools", "time@user", "--diff"]).stdout.contains("tools are as pinned"))
        #expect(try run(["mcp", "canary", "add", "plugin:tools:t", "get_current_time", "timezone=UTC", "--expect", "UTC"]).status == 0)
        let withCanary = try run(["mcp", "check", "--all"])
        #expect(withCanary.status == 0 && withCanary.stdout.contains("plugin:tools:t  canary get_current_time  ok"), "\(withCanary.stdout)\(withCanary.stderr)")
        let canaries = try String(contentsOfFile: root + "/claudesh/canaries.json", encoding: .utf8)
        #expect(canaries.contains(root + "/plug/.mcp.json#t"), "\(canaries)")
        #expect(try run(["mcp", "canary", "remove", "plugin:tools:t"]).status == 0)
        // Shown and completed by those names too.
        let shown = try run(["mcp", "get", "time@user", "--json"])
        #expect(shown.status == 0 && shown.stdout.contains("\"config\": \"\(claudeJSON)\""), "\(shown.stdout)\(shown.stderr)")
        let completed = try run(["__complete", "mcp", "call", ""])
        #expect(Set(completed.stdout.split(separator: "\n").map(String.init)).isSuperset(of: ["time", "clock", "time@user", "plugin:tools:t"]), "\(completed.stdout)")
        let unknown = try run(["mcp", "check", "--all", "nosuch"])
        #expect(unknown.status == 2 && unknown.stderr.contains("no server Claude starts is named 'nosuch'"), "\(unknown.stderr)")
    }

    /// Disable and enable, each the client's way: Desktop's entries parked and put back byte for
    /// byte wherever they stood; Claude Code's through /mcp's list and the approvals file.
    @Test func disableAndEnableLoseNothingAndLeaveTheFilesAsTheyWere() throws {
        defer { Claudesh.cleanUp(root) }
        let desktop = home + "/.config/Claude/claude_desktop_config.json"
        let desktopText = """
            {
              "globalShortcut": "Ctrl+Space",
              "mcpServers": {
                "first": {
                  "command": "uvx",
                  "args": ["mcp-server-time",   "--local-timezone", "UTC"]
                },
                "middle": {"command": "m", "env": {"BIG": "12345678901234567890", "E": "\\u00e9"}},
                "last": {
                  "command": "l"
                }
              }
            }

            """
        try write(desktop, desktopText)
        for name in ["middle", "first", "last"] {
            let off = try run(["mcp", "disable", name, "--config", "desktop"])
            #expect(off.status == 0 && off.stdout.contains("Disabled \(name) (desktop): parked in"), "\(off.stdout)\(off.stderr)")
            #expect(!(try String(contentsOfFile: desktop, encoding: .utf8)).contains("\"\(name)\""))
            let listed = states(try servers(try run(["mcp", "list", "--client", "desktop", "--json"])))
            #expect(listed.contains { $0.hasPrefix("\(name) desktop disabled (parked in ") }, "\(listed)")
            #expect(try run(["mcp", "enable", name, "-s", "desktop"]).status == 0)
            #expect(try String(contentsOfFile: desktop, encoding: .utf8) == desktopText, "after \(name)")
        }
        // All three out and back in another order: the file as it was.
        for name in ["last", "first", "middle"] { #expect(try run(["mcp", "disable", name, "-s", "desktop"]).status == 0) }
        #expect(try run(["mcp", "list", "--config", "desktop", "--json"]).stdout.contains("\"servers\": []"))
        for name in ["first", "middle", "last"] { #expect(try run(["mcp", "enable", name, "-s", "desktop"]).status == 0) }
        #expect(try String(contentsOfFile: desktop, encoding: .utf8) == desktopText)

        // Claude Code's local server: its own switch, per project; the rest of the file as it was.
        let off = try run(["mcp", "disable", "sentry", "-s", "local"])
        #expect(off.status == 0 && off.stdout.contains("added to disabledMcpServers of \(project)"), "\(off.stdout)\(off.stderr)")
        #expect(states(try servers(try run(["mcp", "list", "--scope", "local", "--json"]))).first == "sentry local disabled (disabledMcpServers of \(project) in \(claudeJSON))")
        #expect(try run(["mcp", "disable", "sentry", "-s", "local"]).stdout.contains("Already disabled"))
        #expect(try run(["mcp", "enable", "sentry", "-s", "local"]).status == 0)
        #expect(try run(["mcp", "enable", "old"]).status == 0, "the one /mcp turned off comes back too")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: claudeJSON))) as? [String: Any])
        #expect(((document["projects"] as? [String: Any])?[project] as? [String: Any])?["disabledMcpServers"] as? [String] == [])
        #expect(try String(contentsOfFile: claudeJSON, encoding: .utf8) == claudeJSONText.replacingOccurrences(of: "\"disabledMcpServers\": [\"old\"]", with: "\"disabledMcpServers\": []"))

        // A .mcp.json server: approved and rejected where Claude Code's dialog writes it.
        #expect(try run(["mcp", "enable", "unapproved"]).status == 0)
        #expect(states(try servers(try run(["mcp", "list", "--scope", "project", "--json"]))).contains("unapproved project active"))
        #expect(try run(["mcp", "disable", "unapproved"]).status == 0)
        #expect(states(try servers(try run(["mcp", "list", "--scope", "project", "--json"]))).contains("unapproved project rejected"))
        let settings = try String(contentsOfFile: project + "/.claude/settings.local.json", encoding: .utf8)
        #expect(settings.contains("\"disabledMcpjsonServers\"") && settings.contains("\"unapproved\""), "\(settings)")

        // A second server of a name already parked is refused: the first is never lost.
        #expect(try run(["mcp", "disable", "last", "-s", "desktop"]).status == 0)
        #expect(try run(["mcp", "add", "last", "--config", "desktop", "--", "second-last"]).status == 0)
        let again = try run(["mcp", "disable", "last", "--config", "desktop"])
        #expect(again.status == 1 && again.stderr.contains("is parked already"), "\(again.stdout)\(again.stderr)")
        let busy = try run(["mcp", "enable", "last", "-s", "desktop"])
        #expect(busy.status == 1 && busy.stderr.contains("is in \(desktop) again"), "\(busy.stderr)")
        #expect(try run(["mcp", "remove", "last", "--config", "desktop"]).status == 0)
        #expect(try run(["mcp", "enable", "last", "-s", "desktop"]).status == 0)
        #expect(try String(contentsOfFile: desktop, encoding: .utf8) == desktopText)

        // A file of no client's is parked as Desktop's is.
        let other = root + "/other.json"
        try write(other, "{\"mcpServers\": {\"a\": {\"command\": \"a\"}, \"b\": {\"command\": \"b\"}}}\n")
        #expect(try run(["mcp", "disable", "a", "--config", other]).status == 0)
        #expect(try run(["mcp", "enable", "a", "--config", other]).status == 0)
        #expect(try String(contentsOfFile: other, encoding: .utf8) == "{\"mcpServers\": {\"a\": {\"command\": \"a\"}, \"b\": {\"command\": \"b\"}}}\n")

        // Claude Code's switch goes by name: turning off the user's sentry turns off the local one too, and says so.
        let byName = try run(["mcp", "disable", "sentry", "-s", "user"])
        #expect(byName.stdout.contains("sentry (local) is disabled too"), "\(byName.stdout)")
        #expect(try run(["mcp", "enable", "sentry", "-s", "user"]).stdout.contains("sentry (local) is enabled too"))
        // A rejection in the committed settings keeps a .mcp.json server off: enable says so.
        try write(project + "/.claude/settings.json", #"{"disabledMcpjsonServers": ["approved"]}"#)
        let rejected = try run(["mcp", "enable", "approved"])
        #expect(rejected.status == 1 && rejected.stderr.contains("approved (project) is still not started: rejected"), "\(rejected.stdout)\(rejected.stderr)")

        // One name in two places needs saying which; read-only servers are refused.
        let both = try run(["mcp", "disable", "sentry"])
        #expect(both.status == 2 && both.stderr.contains("'sentry' is in several places (local, user)"), "\(both.stderr)")
        // Of two, the one that is on: the user's time (the project's waits for approval).
        #expect(try run(["mcp", "disable", "time"]).stdout.contains("Disabled time (user)"))
        let readOnly = try run(["mcp", "disable", "files"])
        #expect(readOnly.status == 2 && readOnly.stderr.contains("files is an extension server"), "\(readOnly.stderr)")
        #expect(try run(["mcp", "disable", "nosuch"]).status == 2)
    }

    /// A value on the way to a project's servers that is not an object: the add is an error
    /// that names it, and the file is left as it is.
    @Test func aProjectEntryThatIsNoObjectIsAnErrorNotANoOp() throws {
        defer { Claudesh.cleanUp(root) }
        let text = "{\"projects\": {\"\(project)\": null}, \"mcpServers\": {}}\n"
        try write(claudeJSON, text)
        let added = try run(["mcp", "add", "-s", "local", "x", "--", "x-server"])
        #expect(added.status == 1 && added.stderr.contains("projects[\"\(project)\"] is not a JSON object"), "\(added.stdout)\(added.stderr)")
        #expect(try String(contentsOfFile: claudeJSON, encoding: .utf8) == text)
    }

    /// An extension whose entry needs a setting from the keychain: listed, said to be not
    /// checked, and no failure of health or mcp check --all.
    @Test func anExtensionNeedingItsKeychainSettingIsNotCheckedAndSaysSo() throws {
        defer { Claudesh.cleanUp(root) }
        try write(claudeJSON, "{}")
        try write(project + "/.mcp.json", "{}")
        try FileManager.default.removeItem(atPath: home + "/.claude/plugins/installed_plugins.json")
        try write(managed + "/managed-settings.json", "{}")
        try write(home + "/.config/Claude/claude_desktop_config.json", "{}")
        let check = try run(["mcp", "check", "--all"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("files: not checked: it needs its sensitive setting api_key"), "\(check.stdout)")
        let health = try run(["health", "--json"])
        let lines = try #require(((try JSONSerialization.jsonObject(with: Data(health.stdout.utf8)) as? [String: Any])?["sections"] as? [String: Any])?["mcp"] as? [[String: Any]])
        let files = try #require(lines.first { $0["name"] as? String == "files" }, "\(lines)")
        #expect(files["state"] as? String == "off" && (files["detail"] as? String)?.contains("keychain") == true, "\(files)")
        // --all is what health covers anyway.
        let all = try run(["health", "--all", "--json"])
        let allLines = ((try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [String: Any])?["sections"] as? [String: Any])?["mcp"] as? [[String: Any]]
        #expect(allLines?.map { $0["name"] as? String } == lines.map { $0["name"] as? String }, "\(all.stdout)")
    }

    @Test func claudeConfigDirMovesClaudeJSONAsClaudeCodeReadsIt() throws {
        defer { Claudesh.cleanUp(root) }
        let moved = root + "/code-config"
        try FileManager.default.createDirectory(atPath: moved, withIntermediateDirectories: true)
        try write(moved + "/.claude.json", #"{"mcpServers": {"elsewhere": {"command": "e"}}}"#)
        let listed = states(try servers(try run(["mcp", "list", "--scope", "user", "--json"], extra: ["CLAUDE_CONFIG_DIR": moved])))
        #expect(listed == ["elsewhere user active"], "\(listed)")
        #expect(try run(["mcp", "add", "-s", "user", "more", "--", "m"], extra: ["CLAUDE_CONFIG_DIR": moved]).status == 0)
        #expect(try String(contentsOfFile: moved + "/.claude.json", encoding: .utf8).contains("\"more\""))
        #expect(try String(contentsOfFile: claudeJSON, encoding: .utf8) == claudeJSONText)
    }

    @Test func aMalformedFileIsReportedAtItsLineAndColumnAndTheRestIsListed() throws {
        defer { Claudesh.cleanUp(root) }
        try write(project + "/.mcp.json", "{\n  \"mcpServers\": {\n    \"a\": {\"command\": \"a\",}\n  }\n}\n")
        let listed = try run(["mcp", "list", "--all"])
        #expect(listed.status == 1)
        #expect(listed.stderr.contains("\(project)/.mcp.json:3:"), "\(listed.stderr)")
        #expect(listed.stdout.contains("sentry") && listed.stdout.contains("desk"), "\(listed.stdout)")
    }
}
