import Testing
@testable import ClaudeshKit

/// How the inventory reads Claude Code's allow and deny lists and a Desktop extension's manifest.
struct InventoryParsingTests {
    let stdio = ServerDefinition.Transport.stdio(command: "npx", arguments: ["-y", "@acme/mcp"], environment: [])
    let remote = ServerDefinition.Transport.http(url: "https://mcp.Example.com/v1/mcp", headers: [])

    func settings(_ text: String) throws -> CodeSettings {
        CodeSettings(files: [("settings.json", try JSONParser.parse(text))], managed: [], projectEntry: nil)
    }

    @Test func aDenyMatchWinsAndAnAllowListOfCommandsAdmitsOnlyThoseCommands() throws {
        let both = try settings(#"{"allowedMcpServers": [{"serverName": "acme"}], "deniedMcpServers": [{"serverName": "acme"}]}"#)
        #expect(both.policy(for: "acme", stdio) == #"deniedMcpServers: {"serverName":"acme"}"#)
        let byName = try settings(#"{"allowedMcpServers": [{"serverName": "acme"}]}"#)
        #expect(byName.policy(for: "acme", stdio) == nil)
        #expect(byName.policy(for: "other", stdio) == "not in allowedMcpServers")
        // Once the list names a command, a stdio server's name no longer admits it.
        let byCommand = try settings(#"{"allowedMcpServers": [{"serverName": "acme"}, {"serverCommand": ["npx", "-y", "@acme/mcp"]}]}"#)
        #expect(byCommand.policy(for: "anything", stdio) == nil)
        #expect(byCommand.policy(for: "acme", .stdio(command: "npx", arguments: ["@acme/mcp"], environment: [])) == "not in allowedMcpServers")
        #expect(byCommand.policy(for: "acme", remote) == nil, "a remote server is still admitted by name")
        #expect(try settings(#"{"allowedMcpServers": []}"#).policy(for: "acme", stdio) == "not in allowedMcpServers")
    }

    @Test(arguments: [
        ("https://*.example.com/*", true), ("https://mcp.example.com", true), ("HTTPS://MCP.EXAMPLE.COM/v1/*", true),
        ("https://mcp.example.com/V1/*", false), ("https://*.other.com/*", false), ("http://mcp.example.com/*", false),
    ])
    func urlPatternsMatchHostsWithoutCaseAndPathsWithIt(pattern: String, matches: Bool) throws {
        #expect(CodeSettings.urlMatches(pattern, "https://mcp.Example.com/v1/mcp") == matches)
    }

    func environment(macOS: Bool = false) -> Environment {
        Environment(variables: ["HOME": "/home/ann"], currentDirectory: "/", isMacOS: macOS)
    }

    let manifest = """
    {"name": "files", "server": {"type": "binary", "mcp_config": {
        "command": "${__dirname}/bin/files", "args": ["--roots", "${user_config.roots}", "--verbose=${user_config.verbose}", "${HOME}${/}x"],
        "env": {"TOKEN": "${user_config.token}", "LIMIT": "${user_config.limit}", "KEEP": "${UNKNOWN}"},
        "platform_overrides": {"darwin": {"command": "${__dirname}/bin/files-mac"}}}},
     "user_config": {"roots": {"type": "directory", "multiple": true, "required": true},
                     "verbose": {"type": "boolean", "default": false},
                     "token": {"type": "string", "sensitive": true, "required": true},
                     "limit": {"type": "number", "default": 10}}}
    """

    @Test func anExtensionsServerIsResolvedAsTheReferenceDoesAndItsSensitiveSettingNeverRead() throws {
        let settings = try JSONParser.parse(#"{"userConfig": {"roots": ["/a", "/b c"], "verbose": true, "token": "t0ps3cret"}}"#)
        let found = try DesktopExtension(id: "local.mcpb.me.files", folder: "/ext", manifest: try JSONParser.parse(manifest), settings: settings, environment: environment())
        #expect(found.enabled && found.missing.isEmpty)
        #expect(found.entry["command"] == .string("/ext/bin/files"))
        #expect(found.entry["args"] == .array(["--roots", "/a", "/b c", "--verbose=true", "/home/ann/x"].map(JSONValue.string)))
        #expect(found.entry["env"]?["LIMIT"] == .string("10") && found.entry["env"]?["KEEP"] == .string("${UNKNOWN}"))
        #expect(found.entry["env"]?["TOKEN"] == .string("${user_config.token}"), "a sensitive value stays out of the entry")
        #expect(!found.entry.serialized().contains("t0ps3cret"))
        #expect(found.notes == ["token (sensitive): set"])

        let mac = try DesktopExtension(id: "x", folder: "/ext", manifest: try JSONParser.parse(manifest), settings: settings, environment: environment(macOS: true))
        #expect(mac.entry["command"] == .string("/ext/bin/files-mac"))
        // Required settings unset: Claude Desktop would not start it; disabled in its settings.
        let bare = try DesktopExtension(id: "x", folder: "/ext", manifest: try JSONParser.parse(manifest),
                                        settings: try JSONParser.parse(#"{"isEnabled": false, "userConfig": {"roots": []}}"#), environment: environment())
        #expect(bare.missing.sorted() == ["roots", "token"] && !bare.enabled)
        #expect(bare.notes == ["token (sensitive): not set"])
        #expect(throws: OperationError.self) { try DesktopExtension(id: "x", folder: "/ext", manifest: .object([]), settings: nil, environment: environment()) }
        // An override that takes the command away is a manifest without one, not a crash.
        let noCommand = try JSONParser.parse(#"{"name": "e", "server": {"mcp_config": {"command": "node", "platform_overrides": {"linux": {"command": null}}}}}"#)
        #expect(throws: OperationError.self) { try DesktopExtension(id: "x", folder: "/ext", manifest: noCommand, settings: nil, environment: environment()) }
        // The entry uses a sensitive setting: it cannot be started as Desktop starts it.
        #expect(found.needsSensitive == ["token"])
        // An optional setting with no value and no default is empty, as the reference has it.
        let optional = try JSONParser.parse(#"{"name": "o", "server": {"mcp_config": {"command": "o", "args": ["--tag=${user_config.tag}"]}}, "user_config": {"tag": {"type": "string"}}}"#)
        let empty = try DesktopExtension(id: "o", folder: "/ext", manifest: optional, settings: nil, environment: environment())
        #expect(empty.entry["args"] == .array([.string("--tag=")]) && empty.needsSensitive.isEmpty)
    }

    @Test func managedServersAreNotHeldToTheAllowListAndManagedOnlyKeepsTheAdministratorsList() throws {
        let user = try JSONParser.parse(#"{"allowedMcpServers": [{"serverName": "mine"}]}"#)
        let managed = try JSONParser.parse(#"{"allowedMcpServers": [{"serverName": "github"}], "allowManagedMcpServersOnly": true}"#)
        let settings = CodeSettings(files: [("settings.json", user)], managed: [managed], projectEntry: nil)
        #expect(settings.policy(for: "mine", stdio) == "not in allowedMcpServers", "only the administrator's list counts")
        #expect(settings.policy(for: "github", stdio) == nil)
        #expect(settings.policy(for: "corp", stdio, checkAllow: false) == nil, "a managed server is not held to the allow list")
        let denying = CodeSettings(files: [("settings.json", try JSONParser.parse(#"{"deniedMcpServers": [{"serverName": "corp"}]}"#))], managed: [], projectEntry: nil)
        #expect(denying.policy(for: "corp", stdio, checkAllow: false) != nil, "the deny list reaches it")
        // Without the flag, every file's allow list counts.
        #expect(CodeSettings(files: [("settings.json", user)], managed: [], projectEntry: nil).policy(for: "mine", stdio) == nil)
    }
}
