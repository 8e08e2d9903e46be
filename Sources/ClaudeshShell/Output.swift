#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeshKit

/// Where commands' text goes: standard output and error, or memory in tests.
///
/// Every byte that leaves the process through a command passes here, which is where the
/// redactor masks loaded secrets.
@MainActor
public final class Output {
    public enum Destination {
        case standardStreams
        case memory
    }

    public let destination: Destination
    /// Whether to colour: a terminal, NO_COLOR unset, or `color always`.
    public var usesColor: Bool
    public private(set) var captured = ""
    public private(set) var capturedErrors = ""
    /// Masks secret values before anything is written.
    public var redact: @MainActor (String) -> String = { $0 }

    public init(destination: Destination = .standardStreams, usesColor: Bool = false) {
        self.destination = destination
        self.usesColor = usesColor
    }

    /// Writes `text` and a line break to standard output.
    public func line(_ text: String = "") { write(text + "\n") }

    public func write(_ text: String) {
        let safe = redact(text)
        switch destination {
        case .standardStreams: Self.send(safe, to: 1)
        case .memory: captured += safe
        }
    }

    /// Writes `text` and a line break unredacted: only for a value the user asked to see
    /// (`secrets show --reveal`).
    public func reveal(_ text: String) {
        switch destination {
        case .standardStreams: Self.send(text + "\n", to: 1)
        case .memory: captured += text + "\n"
        }
    }

    /// Writes an error or warning line to standard error.
    public func error(_ text: String) {
        let safe = redact(text) + "\n"
        switch destination {
        case .standardStreams: Self.send(safe, to: 2)
        case .memory: capturedErrors += safe
        }
    }

    public func json(_ value: JSONValue) { line(value.serialized(pretty: true)) }

    /// `text` in an SGR colour when colour is on.
    public func styled(_ text: String, _ style: Style) -> String {
        usesColor ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }

    public enum Style: String, Sendable {
        case bold = "1", dim = "2", red = "31", green = "32", yellow = "33", cyan = "36"
    }

    nonisolated static func send(_ text: String, to fd: Int32) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { systemWrite(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return // a closed pipe: nothing more can be said
            }
            offset += written
        }
    }

    /// Whether colour belongs on `fd` under `mode` and the environment.
    public static func colorWanted(_ mode: ColorMode, fd: Int32, environment: Environment) -> Bool {
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

// Output's own `write` would shadow the C function inside the class.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
