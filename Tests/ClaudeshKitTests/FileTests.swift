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

    @Test func anUpdateMakesItsChangeAgainOnWhatAnotherWriterWroteMeanwhile() throws {
        let dir = folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/config.json"
        try AtomicFile.write(Array("a".utf8), to: path)
        var seen: [String] = []
        // The first change is overtaken: another program writes "b" before the rename.
        let result = try AtomicFile.update(path) { bytes in
            let text = String(decoding: bytes ?? [], as: UTF8.self)
            seen.append(text)
            if seen.count == 1 { try "ab".write(toFile: path, atomically: false, encoding: .utf8) }
            return (Array((text + "+mine").utf8), seen.count)
        }
        #expect(seen == ["a", "ab"])
        #expect(result == 2)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "ab+mine")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["config.json"])
    }

    @Test func anUpdateOvertakenEveryTimeWritesNothingAndSaysSo() throws {
        let dir = folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/config.json"
        try AtomicFile.write(Array("0".utf8), to: path)
        var calls = 0
        let error = #expect(throws: AtomicFile.Conflict.self) {
            try AtomicFile.update(path) { _ in
                calls += 1
                try "theirs \(calls)".write(toFile: path, atomically: true, encoding: .utf8)
                return (Array("mine".utf8), ())
            }
        }
        #expect(calls == AtomicFile.attempts)
        #expect(error?.description.contains("nothing was written") == true)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "theirs \(calls)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["config.json"])
    }

    @Test func anUpdateWaitsForClaudeCodesLockAndTakesOverAStaleOne() throws {
        let dir = folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/.claude.json"
        try AtomicFile.write(Array("{}".utf8), to: path)
        // Held by a live writer: the update waits until it is let go.
        #expect(mkdir(path + ".lock", 0o700) == 0)
        let release = Thread { usleep(300_000); rmdir(path + ".lock") }
        release.start()
        let clock = ContinuousClock()
        let start = clock.now
        _ = try AtomicFile.update(path) { _ in (Array("one".utf8), ()) }
        #expect(clock.now - start >= .milliseconds(250))
        #expect(!FileManager.default.fileExists(atPath: path + ".lock"))
        // Left by a writer that died 20 s ago: taken over at once, and removed after.
        #expect(mkdir(path + ".lock", 0o700) == 0)
        var old = [timeval(tv_sec: time(nil) - 20, tv_usec: 0), timeval(tv_sec: time(nil) - 20, tv_usec: 0)]
        #expect(utimes(path + ".lock", &old) == 0)
        _ = try AtomicFile.update(path) { _ in (Array("two".utf8), ()) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "two")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == [".claude.json"])
    }

    @Test func writesGoThroughAChainOfLinksAndKeepThem() throws {
        let dir = folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/dotfiles", withIntermediateDirectories: true)
        try AtomicFile.write(Array("old".utf8), to: dir + "/dotfiles/real.json", mode: 0o640)
        #expect(symlink("dotfiles/real.json", dir + "/middle") == 0)
        #expect(symlink(dir + "/middle", dir + "/config.json") == 0)
        try AtomicFile.write(Array("new".utf8), to: dir + "/config.json")
        _ = try AtomicFile.update(dir + "/config.json") { bytes in (bytes.map { $0 + Array("er".utf8) }, ()) }
        #expect(try String(contentsOfFile: dir + "/dotfiles/real.json", encoding: .utf8) == "newer")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/config.json") == dir + "/middle")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/middle") == "dotfiles/real.json")
        #expect(try mode(dir + "/dotfiles/real.json") == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/dotfiles") == ["real.json"])

        #expect(symlink(dir + "/gone/x.json", dir + "/dangling.json") == 0)
        let error = #expect(throws: FileError.self) { try AtomicFile.write(Array("x".utf8), to: dir + "/dangling.json") }
        #expect(error?.description.contains("cannot write through the link \(dir)/dangling.json (it leads to \(dir)/gone/x.json, which is not there)") == true, "\(String(describing: error))")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/dangling.json") == dir + "/gone/x.json")
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
