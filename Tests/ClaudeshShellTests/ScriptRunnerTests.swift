import Foundation
import Testing
@testable import ClaudeshKit
@testable import ClaudeshShell

/// Scripts run in-process against a session whose output is kept in memory.
@MainActor
struct ScriptRunnerTests {
    func write(_ text: String, name: String = "test.claudesh", in folder: String) -> String {
        let path = folder + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    func folder() -> String {
        let path = NSTemporaryDirectory() + "claudesh-script-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func runsEveryLineAndKeepsVariables() async {
        let dir = folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let session = makeSession(directory: dir)
        let path = write("""
        #!/usr/bin/env -S claudesh -f
        # a comment
        set NAME world

        echo hello ${NAME} \\
          and $1
        """, in: dir)
        let status = await ScriptRunner.run(path: path, arguments: ["arg-one"], relativeTo: dir, in: session)
        #expect(status == .success)
        #expect(session.output.captured == "hello world and arg-one\n")
        #expect(session.context.variables["NAME"] == "world")
    }

    @Test func stopsAtTheFirstFailureWithFileAndLine() async {
        let dir = folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let session = makeSession(directory: dir)
        let path = write("echo one\n\nnosuchcommand\necho never\n", in: dir)
        let status = await ScriptRunner.run(path: path, arguments: [], relativeTo: dir, in: session)
        #expect(status == .scriptStopped)
        #expect(session.output.captured == "one\n")
        #expect(session.output.capturedErrors == "test.claudesh:3: unknown command 'nosuchcommand'; run 'claudesh help' for the list\n")
    }

    @Test func tryLetsOneCommandFail() async {
        let dir = folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let session = makeSession(directory: dir)
        let path = write("try sleep nope\necho after\n", in: dir)
        #expect(await ScriptRunner.run(path: path, arguments: [], relativeTo: dir, in: session) == .success)
        #expect(session.output.captured == "after\n")
        #expect(session.output.capturedErrors.contains(":1: SECONDS must be a number"))
    }

    @Test func sourceIsRelativeToTheSourcingScript() async throws {
        let dir = folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/lib", withIntermediateDirectories: true)
        _ = write("echo from lib with $1\nset LOADED yes\n", name: "lib/common.claudesh", in: dir)
        let main = write("source lib/common.claudesh passed\necho loaded=${LOADED}\n", name: "main.claudesh", in: dir)
        let session = makeSession(directory: "/")
        #expect(await ScriptRunner.run(path: main, arguments: [], relativeTo: "/", in: session) == .success)
        #expect(session.output.captured == "from lib with passed\nloaded=yes\n")
    }

    @Test func nestedFailureNamesTheInnerFileOnce() async throws {
        let dir = folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = write("echo inner\nexitt\n", name: "inner.claudesh", in: dir)
        let outer = write("source inner.claudesh\necho never\n", name: "outer.claudesh", in: dir)
        let session = makeSession(directory: dir)
        #expect(await ScriptRunner.run(path: outer, arguments: [], relativeTo: dir, in: session) == .scriptStopped)
        #expect(session.output.capturedErrors == "inner.claudesh:2: unknown command 'exitt': did you mean 'exit'?\n")
    }

    @Test func selfSourcingStopsAtTheDepthLimit() async {
        let dir = folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = write("source loop.claudesh\n", name: "loop.claudesh", in: dir)
        let session = makeSession(directory: dir)
        #expect(await ScriptRunner.run(path: path, arguments: [], relativeTo: dir, in: session) == .scriptStopped)
        #expect(session.output.capturedErrors.contains("nested more than 64 deep"))
    }

    @Test func exitEndsTheScriptWithItsStatus() async {
        let dir = folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = write("echo a\nexit 4\necho b\n", in: dir)
        let session = makeSession(directory: dir)
        #expect(await ScriptRunner.run(path: path, arguments: [], relativeTo: dir, in: session) == ExitStatus(rawValue: 4))
        #expect(session.output.captured == "a\n")
    }

    @Test func syntaxErrorOnLineFortyIsReportedWithItsLine() async {
        let dir = folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lines = (1...39).map { "echo line \($0)" } + ["echo 'unterminated"]
        let path = write(lines.joined(separator: "\n"), in: dir)
        let session = makeSession(directory: dir)
        #expect(await ScriptRunner.run(path: path, arguments: [], relativeTo: dir, in: session) == .scriptStopped)
        #expect(session.output.capturedErrors == "test.claudesh:40: column 6: unterminated single quote\n")
    }

    @Test func binaryAndNonUTF8InputStopWithALine() async {
        let dir = folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/bin.claudesh"
        _ = FileManager.default.createFile(atPath: path, contents: Data("echo ok\necho \u{0}x\n".utf8))
        let session = makeSession(directory: dir)
        #expect(await ScriptRunner.run(path: path, arguments: [], relativeTo: dir, in: session) == .scriptStopped)
        #expect(session.output.capturedErrors.hasPrefix("bin.claudesh:2: column 6: binary data"))
        let latin1 = dir + "/latin1.claudesh"
        _ = FileManager.default.createFile(atPath: latin1, contents: Data([0x65, 0x63, 0x68, 0x6F, 0x20, 0xE9, 0x0A]))
        let second = makeSession(directory: dir)
        #expect(await ScriptRunner.run(path: latin1, arguments: [], relativeTo: dir, in: second) == .scriptStopped)
        #expect(second.output.capturedErrors == "latin1.claudesh:1: column 6: not UTF-8 text: is this a script?\n")
    }

    @Test func missingScriptAndTrailingBackslash() async {
        let dir = folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let session = makeSession(directory: dir)
        #expect(await ScriptRunner.run(path: "absent.claudesh", arguments: [], relativeTo: dir, in: session) == .scriptStopped)
        #expect(session.output.capturedErrors == "claudesh: no script at absent.claudesh\n")
        let path = write("echo a \\", in: dir)
        let second = makeSession(directory: dir)
        #expect(await ScriptRunner.run(path: path, arguments: [], relativeTo: dir, in: second) == .scriptStopped)
        #expect(second.output.capturedErrors == "test.claudesh:1: the line ends with a backslash but the script ends\n")
    }

    @Test func messagesNameScriptsOutsideTheFolderByFullPath() async {
        let dir = folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = write("bogus\n", in: dir)
        let session = makeSession(directory: "/")
        #expect(await ScriptRunner.run(path: path, arguments: [], relativeTo: "/", in: session) == .scriptStopped)
        #expect(session.output.capturedErrors.hasPrefix("\(path.dropFirst()):1: "))
    }

    @Test func confirmWithoutTerminalNamesYes() async {
        let session = makeSession()
        #expect(await session.execute(line: "confirm 'Restore now?'") == .failure)
        #expect(session.output.capturedErrors.contains("add --yes to answer yes"))
        session.context.assumeYes = true
        #expect(await session.execute(line: "confirm 'Restore now?'") == .success)
        session.context.assumeYes = false
        session.askUser = { .line("n") }
        #expect(await session.execute(line: "confirm 'Restore now?'") == .failure)
        session.askUser = { .line(" Yes ") }
        #expect(await session.execute(line: "confirm 'Restore now?'") == .success)
    }
}
