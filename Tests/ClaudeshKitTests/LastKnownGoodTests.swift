import Foundation
import Testing
@testable import ClaudeshKit

struct LastKnownGoodTests {
    /// Odd spacing, key order and no final newline: a byte-for-byte copy keeps all of it.
    let goodText = "{\"zeta\": 1,\t\"mcpServers\":{\"time\":{\"command\":\"uvx\",\"args\":[\"mcp-server-time\"],\"env\":{\"TZ\":\"caf\u{E9}\"}}},\n\n  \"alpha\" : [true]}"
    let laterText = "{\"mcpServers\": {\"broken\": {\"command\": \"nope\"}}}\n"

    func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber).intValue
    }

    func write(_ text: String, to path: String, mode: Int16 = 0o644) {
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        chmod(path, mode_t(mode))
    }

    @Test func saveCopiesTheFileByteForByteWithMode0600() throws {
        let home = temporaryFolder("lkg")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let configPath = home + "/claude.json"
        write(goodText, to: configPath, mode: 0o644)
        let good = LastKnownGood(home: home)
        #expect(good.path == home + "/backups/mcp-config-good.json")
        #expect(!good.exists)

        try good.save(try ClientConfig(path: configPath))
        #expect(good.exists)
        #expect(bytes(good.path) == Data(goodText.utf8))
        #expect(try mode(good.path) == 0o600)
        #expect(try mode(configPath) == 0o644) // the config itself is not touched
    }

    /// Claude Code's ~/.claude.json: the servers of the config's location go back (the top
    /// level's, or a project's), and what Claude Code wrote since in its other keys stays.
    @Test func restoringClaudeJSONPutsBackItsServersAndKeepsItsOtherKeys() throws {
        let home = temporaryFolder("lkg")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let target = home + "/.claude.json"
        write("{\"numStartups\": 1, \"projects\": {\"/p\": {\"mcpServers\": {\"db\": {\"command\": \"db\", \"env\": {\"N\": 12345678901234567890}}}}}, \"mcpServers\": {\"time\": {\"command\": \"t\"}}}", to: target)
        let good = LastKnownGood(home: home)
        try good.save(try ClientConfig(path: target))
        write("{\"numStartups\": 9, \"projects\": {\"/p\": {\"mcpServers\": {}, \"history\": [1]}, \"/q\": {\"mcpServers\": {\"x\": {\"command\": \"x\"}}}}, \"mcpServers\": {}}", to: target)
        // The user scope's servers, then one project's (the local scope): each its own object.
        let restored = try good.restore(to: target, now: 0)
        #expect(restored.keptAs != nil)
        #expect(try JSONParser.parse(Array(bytes(target)!))["projects"]?["/p"]?["mcpServers"] == .object([]), "the user scope's restore leaves the projects")
        _ = try good.restore(to: ConfigLocation(path: target, project: "/p"), now: 1)
        let document = try JSONParser.parse(Array(bytes(target)!))
        #expect(document["numStartups"] == .int(9) && document["projects"]?["/p"]?["history"] == .array([.int(1)]))
        #expect(document["mcpServers"]?["time"]?["command"] == .string("t"))
        #expect(document["projects"]?["/q"]?["mcpServers"]?["x"] != nil, "a project added since keeps its servers")
        #expect(String(decoding: bytes(target)!, as: UTF8.self).contains("12345678901234567890"), "written as the copy wrote it")
    }

    @Test func saveReplacesAnOlderCopy() throws {
        let home = temporaryFolder("lkg")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let configPath = home + "/claude.json"
        let good = LastKnownGood(home: home)
        write(laterText, to: configPath)
        try good.save(try ClientConfig(path: configPath))
        write(goodText, to: configPath)
        try good.save(try ClientConfig(path: configPath))
        #expect(bytes(good.path) == Data(goodText.utf8))
        #expect(try mode(good.path) == 0o600)
    }

    /// A home whose config (`goodText`) was saved as the last known good.
    func savedHome() throws -> (home: String, configPath: String, good: LastKnownGood) {
        let home = temporaryFolder("lkg")
        let configPath = home + "/claude.json"
        write(goodText, to: configPath)
        let good = LastKnownGood(home: home)
        try good.save(try ClientConfig(path: configPath))
        return (home, configPath, good)
    }

    @Test func restoreWritesTheCopyBackAndKeepsThePreviousFile() throws {
        let (home, configPath, good) = try savedHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        write(laterText, to: configPath)

        let restored = try good.restore(to: configPath, now: 1_796_444_100)
        #expect(restored == LastKnownGood.Restored(path: configPath, keptAs: configPath + ".before-restore.20261205T041500Z"))
        #expect(bytes(configPath) == Data(goodText.utf8))
        #expect(bytes(configPath + ".before-restore.20261205T041500Z") == Data(laterText.utf8))
        #expect(bytes(good.path) == Data(goodText.utf8)) // the saved copy stays for next time
    }

    @Test func everyRestoreKeepsTheFileItReplacesUnderANewName() throws {
        let (home, configPath, good) = try savedHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        write("{\"first\": 1}", to: configPath)
        _ = FileManager.default.createFile(atPath: configPath + ".before-restore", contents: Data("{\"older\": 0}".utf8))
        let first = try good.restore(to: configPath, now: 1_796_444_100)
        write("{\"second\": 2}", to: configPath)
        let second = try good.restore(to: configPath, now: 1_796_444_100)
        #expect(first.keptAs == configPath + ".before-restore.20261205T041500Z")
        #expect(second.keptAs == configPath + ".before-restore.20261205T041500Z-2")
        #expect(bytes(first.keptAs!) == Data("{\"first\": 1}".utf8))
        #expect(bytes(second.keptAs!) == Data("{\"second\": 2}".utf8))
        #expect(bytes(configPath + ".before-restore") == Data("{\"older\": 0}".utf8))
        #expect(LastKnownGood.keptCopies(of: configPath) == [configPath + ".before-restore", first.keptAs!, second.keptAs!])
    }

    @Test func restoreToAMissingFileKeepsNothing() throws {
        let (home, _, good) = try savedHome()
        defer { try? FileManager.default.removeItem(atPath: home) }

        let target = home + "/new/folder/.mcp.json"
        let restored = try good.restore(to: target)
        #expect(restored == LastKnownGood.Restored(path: target, keptAs: nil))
        #expect(bytes(target) == Data(goodText.utf8))
        #expect(LastKnownGood.keptCopies(of: target).isEmpty)
    }

    /// Malformed, not an object, or blank (which would wipe the config): refused, nothing touched.
    @Test(arguments: ["{\"mcpServers\": {\"a\": {\"command\": \"x\",}}}", "[1, 2, 3]", "  \n"])
    func restoreRefusesASavedCopyThatIsNotAConfig(_ saved: String) throws {
        let home = temporaryFolder("lkg")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let configPath = home + "/claude.json"
        write(laterText, to: configPath)
        let good = LastKnownGood(home: home)
        try FileManager.default.createDirectory(atPath: home + "/backups", withIntermediateDirectories: true)
        write(saved, to: good.path, mode: 0o600)

        let error = #expect(throws: ClientConfig.Error.self) { try good.restore(to: configPath) }
        switch error {
        case .malformed(let path, _)?, .notAnObject(let path)?: #expect(path == good.path)
        default: Issue.record("expected malformed or notAnObject, got \(String(describing: error))")
        }
        #expect(bytes(configPath) == Data(laterText.utf8))
        #expect(try mode(configPath) == 0o644)
        #expect(LastKnownGood.keptCopies(of: configPath).isEmpty)
    }

    @Test func restoreWithoutASavedCopyThrows() throws {
        let home = temporaryFolder("lkg")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let configPath = home + "/claude.json"
        write(laterText, to: configPath)
        let good = LastKnownGood(home: home)

        let error = #expect(throws: ClientConfig.Error.self) { try good.restore(to: configPath) }
        guard case .file(let fileError)? = error else { Issue.record("expected a file error, got \(String(describing: error))"); return }
        #expect(fileError.path == good.path)
        #expect(fileError.code == ENOENT)
        #expect(bytes(configPath) == Data(laterText.utf8))
        #expect(LastKnownGood.keptCopies(of: configPath).isEmpty)
    }
}
