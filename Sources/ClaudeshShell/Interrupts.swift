import CEditLine
import Dispatch
import Synchronization

/// Ctrl-C and termination signals. At the prompt, SIGINT makes libedit return so the line is
/// cleared; while a command runs, it cancels the command's task, which ends its work (and, through
/// the process layer, its children) and brings the prompt back.
enum Interrupts {
    private static let running = Mutex<Task<ExitStatus, Never>?>(nil)
    nonisolated(unsafe) private static var source: DispatchSourceRead?

    /// Installs the handlers; call once at start. Without a prompt to return to
    /// (`exitWhenIdle`), a signal that arrives between commands ends the process as it would
    /// any program, with 128 + the signal's number.
    static func install(exitWhenIdle: Bool) {
        let fd = csignal_install()
        guard fd >= 0 else { return }
        let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: .global())
        source.setEventHandler {
            var signals = [UInt8](repeating: 0, count: 64)
            var last: Int32 = 0
            while true {
                let count = signals.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count <= 0 { break }
                last = Int32(signals[count - 1])
            }
            running.withLock { task in
                if let task {
                    task.cancel()
                } else if exitWhenIdle && last != 0 {
                    _exit(128 + last)
                }
            }
        }
        source.resume()
        self.source = source
    }

    /// Runs `body` as a task that Ctrl-C cancels.
    @MainActor
    static func run(_ body: @escaping @MainActor () async -> ExitStatus) async -> ExitStatus {
        let task = Task { @MainActor in await body() }
        // A script line inside `source` runs within the outer command: restore that one after.
        let outer = running.withLock { current in
            defer { current = task }
            return current
        }
        // Ctrl-C pressed after the line was read but before the task was registered found
        // nothing to cancel: honour it now.
        if takePending() { task.cancel() }
        let status = await task.value
        running.withLock { $0 = outer }
        return status
    }

    /// Whether Ctrl-C was pressed since the last call (and forget it).
    static func takePending() -> Bool { csignal_take_interrupt() == 1 }

    /// The SIGHUP or SIGTERM that asked claudesh to end, if any.
    static var termination: Int32? {
        let signal = csignal_termination()
        return signal == 0 ? nil : signal
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
