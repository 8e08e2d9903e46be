#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeshKit

/// The interactive loop: read a line (continued lines joined), record it, run it, until `exit`,
/// Ctrl-D or a termination signal; then append this session's lines to the history file.
@MainActor
enum Repl {
    static let historySize = 1000

    static func run(session: Session, runRC: Bool) async -> ExitStatus {
        let historyFile = HistoryFile(path: session.context.historyPath, limit: historySize)
        let editor: LineEditor
        do {
            editor = try LineEditor(historySize: historySize, output: session.output)
        } catch {
            // Commands still run with -c, from scripts and from a pipe; only the prompt needs libedit.
            session.output.error("claudesh: no interactive prompt: \(error)")
            return .failure
        }
        editor.complete = { [unowned session] text in
            Completer(registry: session.registry, context: session.context)
                .edit(forLineBeforeCursor: text, expansion: session.expansion)
        }
        do {
            session.history = try historyFile.load()
        } catch {
            session.output.error("claudesh: history not loaded: \(error)")
            session.history = []
        }
        for entry in session.history ?? [] { editor.addHistory(entry) }
        session.isInteractive = true
        let added = AddedLines()

        if runRC && Path.kind(of: session.context.rcPath) == .file {
            // Like .psqlrc: an error in it is reported and the shell starts anyway.
            _ = await ScriptRunner.run(path: session.context.rcPath, arguments: [], relativeTo: "/", in: session)
        }

        // exec replaces the process: the lines typed so far are saved first, as at exit.
        session.beforeReplacingProcess = { [historyFile] in
            try? historyFile.append(added.lines.compactMap(session.context.redactor.historyEntry))
            added.lines = [] // should exec fail after all, the exit must not save them twice
        }
        var status = ExitStatus.success
        while session.exitRequest == nil && Interrupts.termination == nil {
            // A connected server that ended is told now, not at its next call.
            for ended in await Workspace(session.context).endedConnections() {
                session.output.error("claudesh: \(ended.server) disconnected: \(ended.reason)")
            }
            let color = session.output.usesColor
            guard var text = readLogicalLine(editor, output: session.output, prompt: Prompt.text(for: session.context, color: color)) else {
                if Interrupts.termination == nil { session.output.line() }
                break
            }
            // A break in a continued line is a backslash and a newline; history keeps one line.
            text = text.replacing("\\\n", with: "")
            if session.context.redactor.historyEntry(text) != nil {
                editor.addHistory(text)
                session.history = Array(((session.history ?? []) + [text]).suffix(historySize))
                added.lines.append(text)
            }
            let line = text
            status = await Interrupts.run { await session.execute(line: line) }
            if status == .interrupted { _ = Interrupts.takePending() }
        }
        do {
            // A secret loaded after a line was typed may be in that line: check again.
            try historyFile.append(added.lines.compactMap(session.context.redactor.historyEntry))
        } catch {
            session.output.error("claudesh: history not saved: \(error)")
        }
        if let signal = Interrupts.termination { return ExitStatus(rawValue: 128 + signal) }
        return session.exitRequest ?? .success
    }

    /// One logical line: physical lines joined while one ends in a continuing backslash.
    /// nil at the end of input.
    private static func readLogicalLine(_ editor: LineEditor, output: Output, prompt: String) -> String? {
        var text = ""
        var continuing = false
        while true {
            switch editor.read(prompt: output.redactor.seal(continuing ? Prompt.continuation : prompt)) {
            case .line(let line):
                text += continuing ? "\n" + line : line
                if !Tokenizer.needsContinuation(text) { return text }
                continuing = true
            case .interrupted:
                // The terminal does not echo ^C while libedit has it; show it, clear the line.
                output.write("^C\n")
                text = ""
                continuing = false
                if Interrupts.termination != nil { return nil }
                Interrupts.discardPending()
            case .end:
                return nil
            }
        }
    }
}

/// The lines this session added to the history: what is appended to the file at the end.
@MainActor
private final class AddedLines {
    var lines: [String] = []
}
