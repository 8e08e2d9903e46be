import Foundation
import Testing
@testable import ClaudeshKit

struct FileTests {
    func folder() -> String { temporaryFolder("files") }

    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber).intValue
    }

    @Test func atomicWriteReplacesAndKeepsTheMode() throws {
        let dir = folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/config.json"
        try AtomicFile.write(Array("one".utf8), to: path)
        #expect(try mode(path) == 0o600)
        chmod(path, 0o640)
        try AtomicFile.write(Array("two".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "two")
        #expect(try mode(path) == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["config.json"])
    }

    @Test func failedWriteLeavesTheOldFileAndNoTemporary() throws {
        let dir = folder()
        defer { chmod(dir, 0o700); try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/config.json"
        try AtomicFile.write(Array("old".utf8), to: path)
        let error = #expect(throws: FileError.self) { try AtomicFile.write(Array("new".utf8), to: dir + "/missing/config.json") }
        #expect(error?.description.contains("cannot create a temporary file in") == true)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old")
    }

    @Test func historyAppendsOnlyNewLinesAndKeepsTheNewest() throws {
        let dir = folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = HistoryFile(path: dir + "/home/history", limit: 5)
        #expect(try file.load() == [])
        try file.append(sealed(["a", "b"]))
        // Another shell appended meanwhile: both keep their lines.
        try HistoryFile(path: dir + "/home/history", limit: 5).append(sealed(["other"]))
        try file.append(sealed(["c", "d", "e"]))
        #expect(try file.load() == ["b", "other", "c", "d", "e"])
        #expect(try mode(dir + "/home/history") == 0o600)
        try file.append(sealed(["multi\nline"]))
        #expect(try file.load().last == "multi line")
    }

    @Test func historyPolicy() {
        let vault = SecretVault()
        vault.store("ghp_secretvalue123", as: "claude/github-token")
        #expect(HistoryFile.shouldRecord("mcp list", vault: vault))
        #expect(!HistoryFile.shouldRecord(" mcp list", vault: vault))
        #expect(!HistoryFile.shouldRecord("   ", vault: vault))
        #expect(!HistoryFile.shouldRecord("echo ghp_secretvalue123", vault: vault))
    }

    @Test func makeDirectoryCreatesParentsPrivately() throws {
        let dir = folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileIO.makeDirectory(dir + "/a/b/c")
        #expect(Path.kind(of: dir + "/a/b/c") == .directory)
        #expect(try mode(dir + "/a/b") == 0o700)
    }

    @Test func pathHelpers() {
        #expect(Path.normalize("/a/./b//../c/") == "/a/c")
        #expect(Path.normalize("/../..") == "/")
        #expect(Path.directory(of: "/a/b") == "/a")
        #expect(Path.directory(of: "/a") == "/")
        #expect(Path.lastComponent(of: "/a/b.yml") == "b.yml")
    }
}

/// Lines as the history file takes them: passed through a redactor.
func sealed(_ lines: [String]) -> [Redacted<String>] { lines.map(Redactor(values: []).seal) }
