import Testing
@testable import ClaudeshKit
@testable import ClaudeshShell

@MainActor
struct SessionCommandTests {
    @Test func setValidatesSettingsAndVariables() async {
        let session = makeSession()
        #expect(await session.execute(line: "set output json") == .success)
        #expect(session.context.settings.output == .json)
        #expect(await session.execute(line: "set output yaml") == .failure)
        #expect(session.output.capturedErrors.contains("output: 'yaml' is not table or json"))
        #expect(await session.execute(line: "set backup-dir ~/b") == .success)
        #expect(session.context.settings.backupDir == "/home/op/b")
        #expect(await session.execute(line: "set home /x") == .failure)
        #expect(await session.execute(line: "set 9bad x") == .usage)
        #expect(await session.execute(line: "set GREETING hello world") == .success)
        #expect(session.context.variables["GREETING"] == "hello world")
        #expect(await session.execute(line: "unset GREETING") == .success)
        #expect(session.context.variables["GREETING"] == nil)
        #expect(await session.execute(line: "unset output") == .success)
        #expect(session.context.settings.output == .table)
    }

    @Test func aNameNearASettingIsATypoNotAVariable() async {
        let session = makeSession()
        #expect(await session.execute(line: "set colr never") == .usage)
        #expect(session.output.capturedErrors.contains("unknown setting 'colr': did you mean 'color'?"), "\(session.output.capturedErrors)")
        #expect(await session.execute(line: "set backupdir /x") == .usage)
        #expect(session.output.capturedErrors.contains("unknown setting 'backupdir': did you mean 'backup-dir'?"))
        #expect(session.context.variables.isEmpty, "no variable was made of a typo")
        #expect(await session.execute(line: "set SERVER time") == .success)
        #expect(session.context.variables["SERVER"] == "time")
    }

    @Test func backupDirMustNotBeAFile() async {
        let session = makeSession()
        #expect(await session.execute(line: "set backup-dir /etc/hostname") == .failure)
        #expect(session.output.capturedErrors.contains("is a file: give a folder"))
    }

    @Test func contextJSONHasTheDocumentedShape() async {
        let session = makeSession()
        await session.execute(line: "set X 1")
        await session.execute(line: "context --json")
        let text = session.output.captured
        for key in ["\"settings\"", "\"compose-file\"", "\"backup-dir\"", "\"gpg-id\": null", "\"mcp_config_path\"", "\"variables\"", "\"X\": \"1\"", "\"secrets_loaded\": 0", "\"dry_run\": false", "\"last_status\": 0"] {
            #expect(text.contains(key), "context --json lacks \(key)")
        }
    }

    @Test func outputSettingMakesCommandsPrintJSON() async {
        let session = makeSession()
        await session.execute(line: "set output json")
        await session.execute(line: "version")
        #expect(session.output.captured.contains("\"version\""))
    }

    @Test func statusesFollowTheConvention() async {
        let session = makeSession()
        #expect(await session.execute(line: "echo fine") == .success)
        #expect(await session.execute(line: "sleep") == .usage)
        #expect(await session.execute(line: "bogus") == .usage)
        #expect(await session.execute(line: "echo 'open") == .usage)
        #expect(session.context.lastStatus == 2)
        #expect(await session.execute(line: "") == .success)
        #expect(await session.execute(line: "exit 9") == ExitStatus(rawValue: 9))
        #expect(session.exitRequest == ExitStatus(rawValue: 9))
    }

    /// A sleep that ran its hour would succeed; a cancelled one reports the interruption.
    @Test func sleepIsCancellable() async {
        let session = makeSession()
        let task = Task { await session.execute(line: "sleep 3600") }
        try? await Task.sleep(for: .milliseconds(50))
        task.cancel()
        #expect(await task.value == .interrupted)
    }

    @Test func commandHelpComesFromTheRegistry() async {
        let session = makeSession()
        #expect(await session.execute(line: "sleep --help") == .success)
        #expect(session.output.captured.hasPrefix("usage: sleep SECONDS"))
        #expect(await session.execute(line: "help --json") == .success)
        #expect(session.output.captured.contains("\"name\": \"context\""))
    }

    @Test func historyListsNumberedEntries() async {
        let session = makeSession()
        session.history = ["echo a", "echo b", "echo c"]
        await session.execute(line: "history 2")
        #expect(session.output.captured == "2  echo b\n3  echo c\n")
    }
}
