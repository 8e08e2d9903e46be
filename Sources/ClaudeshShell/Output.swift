#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeshKit

/// Where commands' text goes: standard output and error, or memory in tests.
///
/// It is made with the session's redactor and is the only code that writes to standard output
/// or error: every byte passes the redactor on its way, including a secret loaded after the
/// output was made.
@MainActor
final class Output {
    enum Destination: Sendable {
        case standardStreams
        case memory
    }

    nonisolated let destination: Destination
    /// Masks secret values before anything is written.
    nonisolated let redactor: Redactor
    /// Whether to colour: a terminal, NO_COLOR unset, or `color always`.
    var usesColor: Bool
    private(set) var captured = ""
    private(set) var capturedErrors = ""

    init(destination: Destination = .standardStreams, redactor: Redactor, usesColor: Bool = false) {
        self.destination = destination
        self.redactor = redactor
        self.usesColor = usesColor
    }

    /// Writes `text` and a line break to standard output.
    func line(_ text: String = "") { write(text + "\n") }

    /// Writes `text` masked, its control characters neutralised: much of what is printed came
    /// from a server or a config, and an escape sequence in it must not reach the terminal.
    func write(_ text: String) { emit(redactor.sealForDisplay(text), to: 1) }

    /// Clears a terminal's screen (`health --watch`): the one escape `write` would neutralise.
    func clearScreen() { emit(redactor.seal("\u{1B}[H\u{1B}[J"), to: 1) }

    /// Writes `text` and a line break unredacted: only for a value the user asked to see
    /// (`secrets show --reveal`).
    func reveal(_ text: String) { emit(redactor.revealing(text + "\n"), to: 1) }

    /// Writes an error or warning line to standard error.
    func error(_ text: String) { emit(redactor.sealForDisplay(text + "\n"), to: 2) }

    /// Writes `text` to standard error as it is, without a line break: a question, a prompt.
    func ask(_ text: String) { emit(redactor.sealForDisplay(text), to: 2) }

    /// Every string masked before serialising (`JSONValue.redacted`), the result once more.
    func json(_ value: JSONValue) { line(redactor.seal(value).value.serialized(pretty: true)) }

    /// A progress line on standard error, from any thread (a pipeline's reader); a terminal
    /// thing, so memory output drops it.
    nonisolated func progress(_ text: String) {
        guard destination == .standardStreams else { return }
        Self.send(redactor.seal(text), to: 2)
    }

    /// `text` in an SGR colour when colour is on.
    func styled(_ text: String, _ style: Style) -> String {
        usesColor ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }

    enum Style: String, Sendable {
        case bold = "1", dim = "2", red = "31", green = "32", yellow = "33", cyan = "36"
    }

    private func emit(_ text: Redacted<String>, to fd: Int32) {
        switch destination {
        case .standardStreams: Self.send(text, to: fd)
        case .memory: if fd == 1 { captured += text.value } else { capturedErrors += text.value }
        }
    }

    /// The one write to standard output and error.
    nonisolated private static func send(_ text: Redacted<String>, to fd: Int32) {
        // A closed pipe: nothing more can be said.
        try? FileIO.writeAll(fd, text.value.utf8, path: fd == 1 ? "standard output" : "standard error")
    }

    /// Whether colour belongs on `fd` under `mode` and the environment.
    static func colorWanted(_ mode: ColorMode, fd: Int32, environment: Environment) -> Bool {
        switch mode {
        case .always: return true
        case .never: return false
        case .auto:
            if let noColor = environment.variables["NO_COLOR"], !noColor.isEmpty { return false }
            if environment.variables["TERM"] == "dumb" { return false }
            return isatty(fd) == 1
        }
    }
}
