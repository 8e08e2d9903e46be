import CEditLine
import Dispatch
import Synchronization

/// Ctrl-C and termination signals. At the prompt, SIGINT makes libedit return so the line is
/// cleared; while a command runs, it cancels the command's task, which ends its work (and, through
/// the process layer, its children) and brings the prompt back.
enum Interrupts {
    /// How to cancel the command running now, if one is.
    private static let running = Mutex<Canceller?>(nil)
    /// The pipe the signal handler writes to (non-blocking), once installed.
    private static let signalPipe = Mutex<Int32>(-1)

    /// Cancels a task; holds an `UnsafeCurrentTask` only while that task runs a command.
    private struct Canceller: @unchecked Sendable {
        let cancel: () -> Void
    }
    #if !os(Linux)
    nonisolated(unsafe) private static var source: DispatchSourceRead?
    #endif

    /// Installs the handlers; call once at start. Without a prompt to return to
    /// (`exitWhenIdle`), a signal that arrives between commands ends the process as it would
    /// any program, with 128 + the signal's number.
    @MainActor
    static func install(exitWhenIdle: Bool) {
        csignal_quit(exitWhenIdle ? 0 : 1)
        let fd = csignal_install()
        guard fd >= 0 else { return }
        signalPipe.withLock { $0 = fd }
        let handle: @Sendable () -> Void = {
            var signals = [UInt8](repeating: 0, count: 64)
            var last: Int32 = 0
            while true {
                let count = signals.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count <= 0 { break }
                last = Int32(signals[count - 1])
            }
            running.withLock { command in
                if let command {
                    command.cancel()
                } else if exitWhenIdle && last != 0 {
                    _exit(128 + last)
                }
            }
        }
        #if os(Linux)
        // The main thread waits in MainThreadLoop whenever a command awaits: it watches the
        // signal pipe there, and no dispatch source starts libdispatch's event thread.
        MainThreadLoop.watch(fd, handle)
        #else
        let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: .global())
        source.setEventHandler(handler: handle)
        source.resume()
        self.source = source
        #endif
    }

    /// Runs `body` as a task that Ctrl-C cancels.
    @MainActor
    static func run(_ body: @escaping @MainActor () async -> ExitStatus) async -> ExitStatus {
        // The task hands its status back through a continuation, which resumes this caller on
        // the main actor directly; awaiting `task.value` would resume it through the global
        // executor first, starting a thread for nothing.
        await withCheckedContinuation { (finished: CheckedContinuation<ExitStatus, Never>) in
            // A script line inside `source` runs within the outer command: restore that one after.
            let outer = running.withLock { $0 }
            let task = Task { @MainActor in
                let status = await body()
                running.withLock { $0 = outer }
                finished.resume(returning: status)
            }
            running.withLock { $0 = Canceller(cancel: task.cancel) }
            // Ctrl-C pressed after the line was read but before the task was registered found
            // nothing to cancel: honour it now.
            if takePending() { task.cancel() }
        }
    }

    /// Runs `body` in the current task, which Ctrl-C cancels: for the program's last commands
    /// (`-c`, one-shot), after which nothing runs that a cancelled task would stop. It spares the
    /// new task and the wait for it, whose wake-up starts libdispatch's threads.
    @MainActor
    static func runInCurrentTask(_ body: @MainActor () async -> ExitStatus) async -> ExitStatus {
        let registered = withUnsafeCurrentTask { current -> Bool in
            guard let current else { return false }
            running.withLock { $0 = Canceller(cancel: current.cancel) }
            return true
        }
        guard registered else { return await body() }
        if takePending() { withUnsafeCurrentTask { $0?.cancel() } }
        let status = await body()
        running.withLock { $0 = nil }
        return status
    }

    /// Whether Ctrl-C was pressed since the last call (and forget it).
    static func takePending() -> Bool { csignal_take_interrupt() == 1 }

    /// Forgets a Ctrl-C that was answered at the prompt (the line cleared): its byte on the
    /// signal pipe would otherwise cancel the next command the moment it starts.
    static func discardPending() {
        _ = takePending()
        let fd = signalPipe.withLock { $0 }
        guard fd >= 0 else { return }
        var bytes = [UInt8](repeating: 0, count: 64)
        while bytes.withUnsafeMutableBytes({ read(fd, $0.baseAddress, $0.count) }) > 0 {}
    }

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
