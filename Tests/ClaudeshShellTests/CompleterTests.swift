import Foundation
import Testing
@testable import ClaudeshKit
@testable import ClaudeshShell

@MainActor
struct CompleterTests {
    let session = makeSession(variables: ["DIR": "/tmp"], commands: sampleCommands)
    var completer: Completer { Completer(registry: session.registry, context: session.context) }

    @Test func commandNames() {
        #expect(completer.candidates(words: [], partial: "hel") == ["help"])
        #expect(completer.candidates(words: [], partial: "he") == ["health", "help"])
        #expect(completer.candidates(words: [], partial: "h") == ["health", "help", "history"])
        #expect(completer.candidates(words: [], partial: "q") == ["quit"])
        #expect(completer.candidates(words: [], partial: "").contains("mcp"))
    }

    @Test func subcommandsThroughAbbreviations() {
        #expect(completer.candidates(words: ["mcp"], partial: "") == ["add", "check", "list"])
        #expect(completer.candidates(words: ["mc"], partial: "c") == ["check"])
    }

    @Test func flagsNotYetGiven() {
        #expect(completer.candidates(words: ["mcp", "check"], partial: "--") == ["--help", "--json", "--retries", "--timeout"])
        #expect(completer.candidates(words: ["mcp", "check", "--json"], partial: "--") == ["--help", "--retries", "--timeout"])
        #expect(completer.candidates(words: ["mcp", "add", "--env", "A=1"], partial: "--e") == ["--env"])
    }

    @Test func flagValues() {
        #expect(completer.candidates(words: ["mcp", "check", "--retries"], partial: "") == ["0", "1", "3"])
        #expect(completer.candidates(words: ["mcp", "check", "--timeout"], partial: "") == [])
    }

    @Test func argumentValuesFromProviders() {
        #expect(completer.candidates(words: ["mcp", "check"], partial: "") == ["filesystem", "github", "memory"])
        #expect(completer.candidates(words: ["mcp", "check", "github", "--timeout", "3"], partial: "m") == ["memory"])
    }

    @Test func settingsAndTheirValues() {
        #expect(completer.candidates(words: ["set"], partial: "co") == ["color", "compose-file"])
        #expect(completer.candidates(words: ["set", "output"], partial: "") == ["json", "table"])
        #expect(completer.candidates(words: ["set", "color"], partial: "a") == ["always", "auto"])
    }

    @Test func helpAndTryCompleteCommands() {
        #expect(completer.candidates(words: ["help"], partial: "mc") == ["mcp"])
        #expect(completer.candidates(words: ["help", "mcp"], partial: "l") == ["list"])
        #expect(completer.candidates(words: ["try", "mcp", "check"], partial: "g") == ["github"])
    }

    @Test func paths() throws {
        let folder = NSTemporaryDirectory() + "claudesh-complete-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: folder + "/sub dir", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: folder + "/install.claudesh", contents: Data())
        _ = FileManager.default.createFile(atPath: folder + "/.hidden", contents: Data())
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(completer.candidates(words: ["source"], partial: folder + "/") == [folder + "/install.claudesh", folder + "/sub dir/"])
        #expect(completer.candidates(words: ["source"], partial: folder + "/.") == [folder + "/.hidden"])
        #expect(completer.candidates(words: ["set", "backup-dir"], partial: folder + "/") == [folder + "/sub dir/"])
    }

    @Test func tabEditsTheLine() throws {
        let none = Tokenizer.Expansion.none
        #expect(completer.edit(forLineBeforeCursor: "hel", expansion: none) == CompletionEdit(insertion: "p ", listing: []))
        #expect(completer.edit(forLineBeforeCursor: "set c", expansion: none) == CompletionEdit(insertion: "o", listing: []))
        #expect(completer.edit(forLineBeforeCursor: "set co", expansion: none) == CompletionEdit(insertion: "", listing: ["color", "compose-file"]))
        #expect(completer.edit(forLineBeforeCursor: "zz", expansion: none) == CompletionEdit(insertion: "", listing: []))
    }

    @Test func insertionsAreQuotedForTheTokenizer() throws {
        let folder = NSTemporaryDirectory() + "claudesh-quote-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: folder + "/my file$1.claudesh", contents: Data())
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let bare = completer.edit(forLineBeforeCursor: "source \(folder)/my", expansion: .none)
        #expect(bare.insertion == #"\ file\$1.claudesh "#)
        let line = "source \(folder)/my" + bare.insertion
        #expect(try Tokenizer.words(line, expansion: .none) == ["source", folder + "/my file$1.claudesh"])
        let quoted = completer.edit(forLineBeforeCursor: "source \"\(folder)/my", expansion: .none)
        #expect(quoted.insertion == #" file\$1.claudesh" "#)
        let single = completer.edit(forLineBeforeCursor: "source '\(folder)/my", expansion: .none)
        #expect(single.insertion == " file$1.claudesh' ")
    }

    @Test func columnsFitTheWidth() {
        let text = LineEditor.columns(["alpha", "beta", "gamma", "delta"], width: 20)
        #expect(text == "alpha  gamma\nbeta   delta\n")
    }

    /// Written bare with a backslash, the break would continue the line and vanish.
    @Test func aNameWithALineBreakIsInsertedSoItReadsBackWhole() throws {
        let inserted = Completer.escape("new\nline.txt", in: nil)
        #expect(try Tokenizer.words("backup verify " + inserted, expansion: .none) == ["backup", "verify", "new\nline.txt"])
    }
}
