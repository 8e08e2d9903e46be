import Foundation
import Testing

/// The binary run without a terminal: one-shot commands, -c, -f, scripts, a shebang, stdin.
@Suite
struct ScriptModeTests {
    let home = Claudesh.temporaryFolder("claudesh-script")

    func script(_ name: String, _ text: String, mode: mode_t = 0o644) -> String {
        let path = home + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        chmod(path, mode)
        return path
    }

    @Test func oneShotCommandExitsWithItsStatus() throws {
        defer { Claudesh.cleanUp(home) }
        let ok = try Claudesh.run(["echo", "hello", "world"], home: home)
        #expect(ok.status == 0)
        #expect(ok.stdout == "hello world\n")
        let failed = try Claudesh.run(["set", "output", "yaml"], home: home)
        #expect(failed.status == 1)
        #expect(failed.stderr == "claudesh: output: 'yaml' is not table or json\n")
        let usage = try Claudesh.run(["hepl"], home: home)
        #expect(usage.status == 2)
        #expect(usage.stderr == "claudesh: unknown command 'hepl': did you mean 'help'?\n")
        let option = try Claudesh.run(["--hom", "x"], home: home)
        #expect(option.status == 2)
        #expect(option.stderr.contains("did you mean --home?"))
    }

    @Test func commandsRunInOrderWithTheScript() throws {
        defer { Claudesh.cleanUp(home) }
        let path = script("greet.claudesh", "echo ${WHO} $1 $2\n")
        let result = try Claudesh.run(["-c", "set WHO first", "-c", "echo one", "-f", path, "a", "--b"], home: home)
        #expect(result.status == 0)
        #expect(result.stdout == "one\nfirst a --b\n")
    }

    @Test func aFailingScriptStopsWithFileLineAndStatus3() throws {
        defer { Claudesh.cleanUp(home) }
        let path = script("broken.claudesh", "echo before\nset output yaml\necho after\n")
        let result = try Claudesh.run([path], home: home)
        #expect(result.status == 3)
        #expect(result.stdout == "before\n")
        #expect(result.stderr == "\(path):2: output: 'yaml' is not table or json\n")
    }

    @Test func syntaxErrorOnLine40() throws {
        defer { Claudesh.cleanUp(home) }
        let lines = (1...39).map { "echo \($0)" } + ["echo \"unterminated", "echo never"]
        let path = script("syntax.claudesh", lines.joined(separator: "\n"))
        let result = try Claudesh.run(["-f", path], home: home)
        #expect(result.status == 3)
        #expect(result.stderr == "\(path):40: column 6: unterminated double quote\n")
        #expect(!result.stdout.contains("never"))
    }

    @Test func missingScriptIsOneClearLine() throws {
        defer { Claudesh.cleanUp(home) }
        let result = try Claudesh.run(["-f", home + "/nope.claudesh"], home: home)
        #expect(result.status == 3)
        #expect(result.stderr == "claudesh: no script at \(home)/nope.claudesh\n")
    }

    @Test func shebangRunsTheScript() throws {
        defer { Claudesh.cleanUp(home) }
        // The shebang finds claudesh on PATH, as an installed copy would be.
        let bin = home + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: bin + "/claudesh", withDestinationPath: Claudesh.binary)
        let path = script("tool", "#!/usr/bin/env -S claudesh -f\necho shebang $1\nexit 5\n", mode: 0o755)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["arg"]
        process.environment = Claudesh.environment(home: home, extra: ["PATH": bin + ":/usr/bin:/bin"])
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(text == "shebang arg\n")
        #expect(process.terminationStatus == 5)
    }

    @Test func commandsPipedOnStandardInput() throws {
        defer { Claudesh.cleanUp(home) }
        let result = try Claudesh.run([], home: home, input: "set X piped\necho ${X}\nbogus\necho never\n")
        #expect(result.status == 3)
        #expect(result.stdout == "piped\n")
        #expect(result.stderr == "<stdin>:3: unknown command 'bogus'; run 'claudesh help' for the list\n")
    }

    @Test func confirmNeedsATerminalOrYes() throws {
        defer { Claudesh.cleanUp(home) }
        let path = script("ask.claudesh", "confirm \"Wipe it?\"\necho wiped\n")
        let refused = try Claudesh.run([path], home: home)
        #expect(refused.status == 3)
        #expect(refused.stderr.contains("no terminal to ask \"Wipe it?\": add --yes to answer yes"))
        let accepted = try Claudesh.run(["--yes", path], home: home)
        #expect(accepted.status == 0)
        #expect(accepted.stdout == "Wipe it? [y/N] yes (--yes)\nwiped\n")
    }

    @Test func globalFlagsReachTheContext() throws {
        defer { Claudesh.cleanUp(home) }
        let result = try Claudesh.run(["--home", home + "/h2", "--dry-run", "--json", "context"], home: home)
        #expect(result.status == 0)
        #expect(result.stdout.contains("\"home\": \"\(home)/h2\""))
        #expect(result.stdout.contains("\"dry_run\": true"))
    }

    @Test func oneMegabyteLineAndBinaryInputGetOneMessage() throws {
        defer { Claudesh.cleanUp(home) }
        let long = try Claudesh.run([], home: home, input: String(repeating: "x", count: 1_000_000) + "\n")
        #expect(long.status == 3)
        #expect(long.stderr.hasPrefix("<stdin>:1: unknown command 'xxxx"))
        #expect(long.stderr.count < 200)
        let binary = try Claudesh.run([], home: home, input: "echo ok\n\u{1}\u{2}\u{0}\u{FF}\n")
        #expect(binary.status == 3)
        #expect(binary.stderr == "<stdin>:2: column 3: binary data (a NUL byte): is this a script?\n")
    }

    @Test func helpAndVersion() throws {
        defer { Claudesh.cleanUp(home) }
        #expect(try Claudesh.run(["--help"], home: home).stdout.hasPrefix("usage: claudesh"))
        #expect(try Claudesh.run(["--version"], home: home).stdout.hasPrefix("claudesh "))
        let help = try Claudesh.run(["help"], home: home)
        #expect(help.stdout.contains("Scripts:"))
    }

    @Test func sigtermStopsAScriptEvenInsideTry() throws {
        defer { Claudesh.cleanUp(home) }
        let path = script("long.claudesh", "echo started\ntry sleep 30\necho after-try\n")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Claudesh.binary)
        process.arguments = [path]
        process.environment = Claudesh.environment(home: home)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until the script is inside `try sleep`.
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("started") { seen += out.fileHandleForReading.availableData }
        usleep(200_000)
        kill(process.processIdentifier, SIGTERM)
        seen += out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 143)
        #expect(!String(decoding: seen, as: UTF8.self).contains("after-try"))
    }

    @Test func historyListsTheFileOutsideTheShell() throws {
        defer { Claudesh.cleanUp(home) }
        try FileManager.default.createDirectory(atPath: home + "/.claude", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: home + "/.claude/history", contents: Data("echo a\necho b\n".utf8))
        let result = try Claudesh.run(["history"], home: home)
        #expect(result.stdout == "1  echo a\n2  echo b\n")
    }

    @Test func sourceExpandsTheHomeFolder() throws {
        defer { Claudesh.cleanUp(home) }
        _ = script("lib.claudesh", "echo from-home-lib\n")
        let result = try Claudesh.run(["source", "~/lib.claudesh"], home: home)
        #expect(result.status == 0)
        #expect(result.stdout == "from-home-lib\n")
    }

    @Test func completionAfterProgramOptionsCompletesTheirValues() throws {
        defer { Claudesh.cleanUp(home) }
        _ = script("run-me.claudesh", "")
        try FileManager.default.createDirectory(atPath: home + "/homedir", withIntermediateDirectories: true)
        #expect(try Claudesh.run(["__complete", "-f", home + "/run-"], home: home).stdout == home + "/run-me.claudesh\n")
        #expect(try Claudesh.run(["__complete", "--home", home + "/home"], home: home).stdout == home + "/homedir/\n")
        #expect(try Claudesh.run(["__complete", "--home", home, "set", "out"], home: home).stdout == "output\n")
    }
}
