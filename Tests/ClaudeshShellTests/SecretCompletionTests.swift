import Foundation
import Testing
@testable import ClaudeshKit
@testable import ClaudeshShell

/// Secret names complete from the store's file tree, a folder at a time, without gpg: the store
/// here holds empty `.gpg` files, which no gpg could decrypt.
@MainActor
struct SecretCompletionTests {
    let store = NSTemporaryDirectory() + "claudesh-store-\(UUID().uuidString.prefix(8))"

    func completer() -> Completer {
        var environment = Environment(variables: ["HOME": "/nonexistent", "PASSWORD_STORE_DIR": store], currentDirectory: "/tmp")
        environment.isMacOS = false
        return Completer(registry: CommandRegistry(CommandCatalog.all), context: SessionContext(environment: environment))
    }

    func make(_ names: [String]) throws {
        for name in names {
            let path = store + "/" + name + ".gpg"
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: path, contents: Data())
        }
        _ = FileManager.default.createFile(atPath: store + "/.gpg-id", contents: Data("KEY\n".utf8))
        try FileManager.default.createDirectory(atPath: store + "/.git", withIntermediateDirectories: true)
    }

    @Test func namesCompleteOneFolderAtATimeAndHiddenFilesStayOut() throws {
        defer { try? FileManager.default.removeItem(atPath: store) }
        try make(["claude/github-token", "claude/linear-key", "claude/work/db", "personal"])
        let completer = completer()
        #expect(completer.candidates(words: ["secrets", "show"], partial: "") == ["claude/", "personal"])
        #expect(completer.candidates(words: ["secrets", "show"], partial: "claude/") == ["claude/github-token", "claude/linear-key", "claude/work/"])
        #expect(completer.candidates(words: ["secrets", "show"], partial: "claude/g") == ["claude/github-token"])
        #expect(completer.edit(forLineBeforeCursor: "secrets rm claude/w", expansion: .none).insertion == "ork/")
        // The same names wherever a secret is asked for: load's prefix, exec's and mcp add's ENV=NAME.
        #expect(completer.candidates(words: ["secrets", "load"], partial: "p") == ["personal"])
        #expect(completer.candidates(words: ["exec", "--secret"], partial: "TOKEN=claude/gi") == ["TOKEN=claude/github-token"])
        #expect(completer.candidates(words: ["mcp", "add", "github", "--secret"], partial: "GITHUB_TOKEN=cl") == ["GITHUB_TOKEN=claude/"])
    }

    @Test func aNameAddedToAFolderShowsAtTheNextTab() throws {
        defer { try? FileManager.default.removeItem(atPath: store) }
        try make(["claude/a"])
        // An old store: its folder last changed an hour ago, so its listing may be kept.
        let old = Date(timeIntervalSinceNow: -3600)
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: store + "/claude")
        let completer = completer()
        #expect(completer.candidates(words: ["secrets", "show"], partial: "claude/") == ["claude/a"])
        _ = FileManager.default.createFile(atPath: store + "/claude/b.gpg", contents: Data())
        #expect(completer.candidates(words: ["secrets", "show"], partial: "claude/") == ["claude/a", "claude/b"])
        try FileManager.default.removeItem(atPath: store + "/claude/a.gpg")
        #expect(completer.candidates(words: ["secrets", "show"], partial: "claude/") == ["claude/b"])
    }
}
