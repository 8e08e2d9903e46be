#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CEditLine
import ClaudeshKit

/// libedit: emacs keys, history with up-arrow and Ctrl-R, TAB completion, UTF-8, resize.
@MainActor
final class LineEditor {
    enum Input: Equatable {
        case line(String)
        /// Ctrl-C at the prompt.
        case interrupted
        /// Ctrl-D on an empty line, or the terminal went away.
        case end
    }

    private var editor: OpaquePointer?
    /// Where a TAB's list of candidates goes, on libedit's own stream (standard output).
    private let output: Output
    /// Given the line up to the cursor, what TAB does.
    var complete: ((String) -> CompletionEdit)?

    /// Loads libedit (on first use) and opens the editor; throws what to install when it cannot.
    init(historySize: Int, output: Output) throws(OperationError) {
        if let failure = cedit_load_failure() { throw .failed(String(cString: failure)) }
        self.output = output
        let context = Unmanaged.passUnretained(self).toOpaque()
        editor = cedit_open("claudesh", Int32(historySize), context) { context, _ in
            MainActor.assumeIsolated {
                Unmanaged<LineEditor>.fromOpaque(context!).takeUnretainedValue().tab()
            }
        }
        if editor == nil { throw .failed("the line editor could not start (out of memory)") }
    }

    deinit {
        MainActor.assumeIsolated { cedit_close(editor) }
    }

    func read(prompt: Redacted<String>) -> Input {
        cedit_set_prompt(editor, prompt.value)
        // A Ctrl-C from before this prompt is stale; one from after the line is read belongs to
        // the command that line runs, so it must survive until Interrupts.run sees it.
        _ = Interrupts.takePending()
        var count: Int32 = 0
        var interrupted: Int32 = 0
        guard let line = cedit_gets(editor, &count, &interrupted) else {
            _ = Interrupts.takePending()
            // The reader says why it stopped: a signal byte that arrives late must not be
            // mistaken for Ctrl-D, which would close the shell.
            return interrupted == 1 && Interrupts.termination == nil ? .interrupted : .end
        }
        var text = String(cString: line)
        if text.hasSuffix("\n") { text.removeLast() }
        return .line(text)
    }

    func addHistory(_ entry: String) {
        cedit_history_add(editor, entry)
    }

    private func tab() -> UInt8 {
        guard let complete else { return UInt8(CEDIT_ERROR) }
        var cursor: Int32 = 0
        var length: Int32 = 0
        guard let buffer = cedit_line(editor, &cursor, &length) else { return UInt8(CEDIT_ERROR) }
        let bytes = UnsafeRawBufferPointer(start: buffer, count: Int(cursor))
        let edit = complete(String(decoding: bytes, as: UTF8.self))
        if !edit.insertion.isEmpty {
            cedit_insert(editor, edit.insertion)
            return UInt8(CEDIT_REFRESH)
        }
        guard !edit.listing.isEmpty else { return UInt8(CEDIT_ERROR) }
        // What libedit has buffered goes first, then the list, through the session's output.
        fflush(cedit_output(editor))
        output.write("\n" + Self.columns(edit.listing, width: Int(cedit_columns(editor))))
        return UInt8(CEDIT_REDISPLAY)
    }

    /// Candidates laid out in columns, as bash lists them; a path shows its last part only.
    static func columns(_ candidates: [String], width: Int, limit: Int = 200) -> String {
        let shown = candidates.prefix(limit).map { candidate -> String in
            let trimmed = candidate.hasSuffix("/") ? String(candidate.dropLast()) : candidate
            guard let slash = trimmed.lastIndex(of: "/") else { return candidate }
            return String(candidate[candidate.index(after: slash)...])
        }
        let cell = (shown.map(DisplayWidth.of).max() ?? 0) + 2
        let perLine = max(1, width / max(cell, 1))
        let rows = (shown.count + perLine - 1) / perLine
        var text = ""
        for row in 0..<rows {
            var line = ""
            for column in 0..<perLine {
                let index = column * rows + row
                guard index < shown.count else { continue }
                let last = (column + 1) * rows + row >= shown.count
                line += last ? shown[index] : DisplayWidth.pad(shown[index], to: cell)
            }
            text += line + "\n"
        }
        if candidates.count > limit { text += "… and \(candidates.count - limit) more: type more letters\n" }
        return text
    }
}
