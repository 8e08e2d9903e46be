#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@preconcurrency import Dispatch
import CProcess
import Synchronization

/// A running program in its own process group, with pipes to its standard streams.
///
/// The one place claudesh starts anything. Ending it ends the whole group, so a server's own
/// children (an `npx` wrapper's node, a `uvx` venv's python) go with it: nothing is orphaned.
final class ChildProcess: Sendable {
    let pid: pid_t
    /// Standard output and error, in chunks as they arrive; each ends when the child closes it.
    /// The child waits on a full pipe while these are not read, as it would writing to a terminal.
    let output: BoundedStream<[UInt8]>
    let errors: BoundedStream<[UInt8]>
    /// Standard output's producing end, for `wakeOutputReader`.
    private let outputFeeder: BoundedStream<[UInt8]>.Feeder
    private let input: Mutex<Input>
    /// Set to end both pipe readers: at abort, or a while after the child exited.
    private let readersStopped: Latch

    /// Standard input's write end. It is closed only when no write is under way, so a writer
    /// polling it never sees the number reused by another file.
    private struct Input {
        var fd: Int32
        var writing = false
        var closeRequested = false
    }

    /// Output already in the pipes when the child exits is read within this; a grandchild that
    /// left the group and keeps them open does not hold the reader (or a probe) any longer.
    static let drainAfterExit: Duration = .milliseconds(500)
    private let exit = Mutex<ExitState>(ExitState())
    /// The value of `markerVariable` a contained child and its descendants carry; nil otherwise.
    private let marker: String?

    private struct ExitState {
        var termination: Termination?
        var waiters: [Int: CheckedContinuation<Termination?, Never>] = [:]
        var cancellable: Set<Int> = []
        var nextWaiter = 0
    }

    private init(pid: pid_t, input: Int32, output: (BoundedStream<[UInt8]>, BoundedStream<[UInt8]>.Feeder), errors: BoundedStream<[UInt8]>, readers: Latch, marker: String?) {
        self.pid = pid
        self.marker = marker
        self.input = Mutex(Input(fd: input))
        (self.output, outputFeeder) = output
        self.errors = errors
        readersStopped = readers
    }

    deinit {
        input.withLock { state in if state.fd >= 0 { close(state.fd) } }
        readersStopped.stop()
    }

    /// Starts `spec`. Throws at once, without retrying, when the program cannot be found or run.
    static func start(_ spec: ProcessSpec) throws(ProcessError) -> ChildProcess {
        var spec = spec
        var marker: String?
        if spec.contained {
            marker = "\(getpid())-\(serials.withLock { $0 += 1; return $0 })"
            spec.environment[markerVariable] = marker
            _ = becameSubreaper
            _ = ServerGuardian.started
        }
        let path = try resolve(spec.executable, in: spec.environment["PATH"] ?? "")
        var stdinPipe: [Int32] = [-1, -1]
        var stdoutPipe: [Int32] = [-1, -1]
        var stderrPipe: [Int32] = [-1, -1]
        guard makePipe(&stdinPipe), makePipe(&stdoutPipe), makePipe(&stderrPipe) else {
            let code = errno
            (stdinPipe + stdoutPipe + stderrPipe).filter { $0 >= 0 }.forEach { close($0) }
            throw .spawnFailed(spec.executable, code: code)
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, spec.standardInput ?? stdinPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, spec.standardOutput ?? stdoutPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)
        if let directory = spec.directory { cprocess_addchdir(&actions, directory) }
        // Only the three pipes: not the descriptors claudesh inherited or holds (another
        // program's pipe, the history lock, a socket), which a server could keep open for ever.
        _ = cprocess_addclosefrom(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own group, so one kill ends all it started; a session leader leads its group too
        // (and setpgid would fail on one, so it is one or the other).
        let setsid = spec.ownSession ? cprocess_spawn_setsid_flag() : 0
        let grouping = setsid != 0 ? setsid : Int16(POSIX_SPAWN_SETPGROUP)
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        #if canImport(Darwin)
        posix_spawnattr_setflags(&attributes, grouping | Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_CLOEXEC_DEFAULT))
        #else
        posix_spawnattr_setflags(&attributes, grouping | Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        #endif

        let argv = ([spec.executable] + spec.arguments).map { strdup($0) } + [nil]
        let envp = spec.environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        var result = ENOSYS
        if spec.contained {
            result = cprocess_spawn_contained(&pid, path, argv, envp, spec.standardInput ?? stdinPipe[0], spec.standardOutput ?? stdoutPipe[1], stderrPipe[1], spec.directory, spec.ownSession ? 1 : 0)
        }
        if result == ENOSYS { result = posix_spawn(&pid, path, &actions, &attributes, argv, envp) }
        close(stdinPipe[0])
        close(stdoutPipe[1])
        close(stderrPipe[1])
        guard result == 0 else {
            close(stdinPipe[1])
            close(stdoutPipe[0])
            close(stderrPipe[0])
            throw result == EACCES || result == ENOEXEC ? .notExecutable(path) : .spawnFailed(spec.executable, code: result)
        }
        let started = pid
        // Writes must never block: a server that does not read its input would hold the writer,
        // and the writer would hold up its own deadline.
        _ = fcntl(stdinPipe[1], F_SETFL, fcntl(stdinPipe[1], F_GETFL) | O_NONBLOCK)
        let readers = Latch()
        let child = ChildProcess(pid: started, input: stdinPipe[1], output: stream(stdoutPipe[0], readers), errors: stream(stderrPipe[0], readers).0, readers: readers, marker: marker)
        // waitpid blocks: it runs on a thread of its own, never on the cooperative pool.
        Blocking.run("waitpid") {
            var status: Int32 = 0
            while waitpid(started, &status, 0) < 0 && errno == EINTR {}
            let termination: Termination = (status & 0x7f) == 0 ? .exited((status >> 8) & 0xff) : .signaled(status & 0x7f)
            let waiters = child.exit.withLock { state in
                state.termination = termination
                defer { state.waiters = [:] }
                return state.waiters.values
            }
            waiters.forEach { $0.resume(returning: termination) }
            usleep(UInt32(drainAfterExit.nanoseconds / 1000))
            readers.stop()
        }
        return child
    }

    /// Writes to the child's standard input; false when the child closed it, or when input was
    /// closed (by `closeInput`, `terminate` or a deadline) before all of it went. A full pipe is
    /// waited on a tenth of a second at a time, without holding anything `closeInput` needs.
    @discardableResult
    func write(_ bytes: [UInt8], unless stop: () -> Bool = { false }) -> Bool {
        guard let fd = claimInput() else { return false }
        defer { releaseInput() }
        var offset = 0
        while true {
            if let done = writeTurn(bytes, from: &offset, to: fd, unless: stop) { return done }
            var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            _ = poll(&entry, 1, 100)
        }
    }

    /// As `write`, but a full pipe is waited on as a task, a few milliseconds at a time, not by
    /// blocking the thread: the caller's actor is free meanwhile (a session's reader goes on
    /// reading the server's output, which a server that writes before it reads again waits for).
    /// It runs where its caller runs: a write that finds room costs no hop off the caller's actor.
    nonisolated(nonsending) func write(_ bytes: [UInt8], unless stop: () -> Bool) async -> Bool {
        guard let fd = claimInput() else { return false }
        defer { releaseInput() }
        var offset = 0
        while true {
            if let done = writeTurn(bytes, from: &offset, to: fd, unless: stop) { return done }
            // Not a cancellable sleep: a cancelled caller's write still ends at `stop`, not in a spin.
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(5)) { continuation.resume() }
            }
        }
    }

    /// One turn of a write: what the pipe takes of `bytes` from `offset` on. True when all of it
    /// went; false when the pipe cannot be written to, input is being closed, or `stop` says so;
    /// nil when the pipe is full (a server that stopped reading) and the caller waits for room.
    private func writeTurn(_ bytes: [UInt8], from offset: inout Int, to fd: Int32, unless stop: () -> Bool) -> Bool? {
        guard writeWhatFits(bytes, from: &offset, to: fd) else { return false }
        if offset == bytes.count { return true }
        guard !input.withLock({ $0.closeRequested }), !stop() else { return false }
        return nil
    }

    /// Standard input's descriptor, taken for one write (nil when it is closed or another write
    /// has it); `closeInput` leaves a taken descriptor for `releaseInput` to close.
    private func claimInput() -> Int32? {
        input.withLock { state -> Int32? in
            guard state.fd >= 0, !state.closeRequested, !state.writing else { return nil }
            state.writing = true
            return state.fd
        }
    }

    private func releaseInput() {
        input.withLock { state in
            state.writing = false
            if state.closeRequested && state.fd >= 0 {
                close(state.fd)
                state.fd = -1
            }
        }
    }

    /// Writes what the pipe takes of `bytes` from `offset` on, moving `offset`: true when all of
    /// it went or the pipe is full, false when it cannot be written to.
    private func writeWhatFits(_ bytes: [UInt8], from offset: inout Int, to fd: Int32) -> Bool {
        while offset < bytes.count {
            let start = offset
            let written = bytes.withUnsafeBytes { Glibc_writeFD(fd, $0.baseAddress! + start, $0.count - start) }
            if written >= 0 { offset += written; continue }
            if errno == EINTR { continue }
            return errno == EAGAIN
        }
        return true
    }

    /// Closes standard input: the polite first step of ending an MCP stdio server. A write under
    /// way stops within a tenth of a second and closes it.
    func closeInput() {
        input.withLock { state in
            state.closeRequested = true
            if !state.writing && state.fd >= 0 {
                close(state.fd)
                state.fd = -1
            }
        }
    }

    /// Ends both output streams within a quarter second, whoever still holds the pipes.
    private func stopReading() { readersStopped.stop() }

    /// Hands the reader of `output` an empty chunk, so that one waiting for a message until a
    /// given time looks at its clock: how a wait for a silent server ends without a byte from it.
    func wakeOutputReader() { outputFeeder.wake(with: []) }

    /// Waits for the child to end, whatever happens to the calling task.
    func waitForExit() async -> Termination {
        await wait(timeout: nil, cancellable: false)!
    }

    /// Waits for the child to end, at most `timeout`; nil when the time passed or the task was
    /// cancelled first. Unlike a task group racing a sleep, this returns on time even though the
    /// exit itself cannot be cancelled.
    /// With `signalling`, that signal goes to the child's group when the time passes, from the
    /// timer, whenever the waiting task gets to run again.
    func waitForExit(timeout: Duration?, signalling signal: Int32? = nil) async -> Termination? {
        await withTaskCancellationHandler {
            await wait(timeout: timeout, cancellable: true, signalling: signal)
        } onCancel: {
            giveUpAll()
        }
    }

    private func wait(timeout: Duration?, cancellable: Bool, signalling signal: Int32? = nil) async -> Termination? {
        await withCheckedContinuation { (continuation: CheckedContinuation<Termination?, Never>) in
            let (id, done) = exit.withLock { state -> (Int, Termination??) in
                if let termination = state.termination { return (0, .some(termination)) }
                if cancellable && Task.isCancelled { return (0, .some(nil)) }
                state.nextWaiter += 1
                if cancellable { state.cancellable.insert(state.nextWaiter) }
                state.waiters[state.nextWaiter] = continuation
                return (state.nextWaiter, .none)
            }
            if let done { continuation.resume(returning: done); return }
            if let timeout {
                let group = pid
                Self.deadlines.asyncAfter(deadline: .now() + .nanoseconds(timeout.nanoseconds)) {
                    // Only a wait still waiting signals: one whose child ended has nothing to stop.
                    if self.giveUp(waiter: id), let signal { kill(-group, signal) }
                }
            }
        }
    }

    /// Where a wait's deadline fires: a serial queue of its own, which libdispatch serves with a
    /// thread of its own (overcommit) even when every thread of the global pool is blocked (a
    /// process full of synchronous waits, as a test run is): on the global queue a deadline of
    /// 300 ms was seen to fire only when the child had ended by itself, 312 s later.
    private static let deadlines = DispatchQueue(label: "claudesh.deadlines")

    /// Cancellation reaches every cancellable wait of this child: the handler cannot know its id.
    private func giveUpAll() {
        let waiting = exit.withLock { state -> [CheckedContinuation<Termination?, Never>] in
            let ids = state.cancellable
            state.cancellable = []
            return ids.compactMap { state.waiters.removeValue(forKey: $0) }
        }
        waiting.forEach { $0.resume(returning: nil) }
    }

    /// Ends the wait `id` with nil; false when it was over already.
    @discardableResult
    private func giveUp(waiter id: Int) -> Bool {
        guard let waiting = exit.withLock({ state in
            state.cancellable.remove(id)
            return state.waiters.removeValue(forKey: id)
        }) else { return false }
        waiting.resume(returning: nil)
        return true
    }

    var termination: Termination? { exit.withLock { $0.termination } }

    /// Ends the child's whole process group: SIGTERM, then SIGKILL after `grace`; then its
    /// output streams, once what is in the pipes is read (a process outside the group may
    /// still hold them).
    @discardableResult
    func terminate(grace: Duration = .seconds(2)) async -> Termination {
        closeInput()
        defer {
            stopReading()
            if let marker { Self.endOrphans(marked: marker, group: pid) }
        }
        if let done = termination {
            kill(-pid, SIGKILL) // anything the child left behind in its group
            return done
        }
        kill(-pid, SIGTERM)
        let ended = await waitForExit(timeout: grace)
        kill(-pid, SIGKILL)
        if let ended { return ended }
        return await waitForExit()
    }

    /// The variable that marks a contained child's environment, and so its descendants'.
    static let markerVariable = "CLAUDESH_SERVER_ID"
    private static let serials = Mutex(0)
    /// Made once, before the first contained child starts: from then on its orphaned
    /// descendants become claudesh's children (Linux), and `endOrphans` can find them.
    private static let becameSubreaper = cprocess_become_subreaper() == 1

    /// Ends the processes that a contained child left behind and that came to claudesh as
    /// orphans (a daemon in a session of its own, out of reach of a group kill), with their own
    /// groups, and reaps them; again while ending one orphans more. Then reaps the orphans of
    /// the child's own group or session that died with it (an `npx` wrapper's node), which no
    /// one else would: a dead process has no environment to be found by.
    static func endOrphans(marked marker: String, group: pid_t) {
        guard becameSubreaper else { return }
        let me = getpid()
        defer { reapZombies(of: group) }
        for _ in 0..<16 {
            let orphans = processTable(childrenOf: me).filter { $0.parent == me && environment(of: $0.pid).contains("\(markerVariable)=\(marker)") }
            if orphans.isEmpty { return }
            for orphan in orphans {
                kill(-orphan.pid, SIGKILL) // its group, when it leads one
                kill(orphan.pid, SIGKILL)
                var status: Int32 = 0
                while waitpid(orphan.pid, &status, 0) < 0 && errno == EINTR {}
            }
        }
    }

    /// Reaps claudesh's dead children of the group or session `group` leads. Only those: any
    /// other child is some other code's to wait for.
    private static func reapZombies(of group: pid_t) {
        let me = getpid()
        for entry in processTable(childrenOf: me) where entry.parent == me && entry.state == UInt8(ascii: "Z") && entry.pid != group && (entry.group == group || entry.session == group) {
            var status: Int32 = 0
            _ = waitpid(entry.pid, &status, WNOHANG)
        }
    }

    /// Every process whose environment carries a marker that starts with `prefix` (a claudesh's
    /// pid and a dash: all of its servers and what they left), from /proc.
    static func processes(markedWith prefix: String) -> [pid_t] {
        let wanted = "\(markerVariable)=\(prefix)"
        let me = getpid()
        return processTable().map { $0.pid }.filter { $0 != me && environment(of: $0).contains { $0.hasPrefix(wanted) } }
    }

    /// Each process in /proc with its parent, state letter, group and session (none where there
    /// is no /proc); with `parent`, only that process's children, read from its threads'
    /// `children` lists when the kernel keeps them (a server's end then reads a few files, not
    /// every process's).
    private static func processTable(childrenOf parent: pid_t? = nil) -> [(pid: pid_t, parent: pid_t, state: UInt8, group: pid_t, session: pid_t)] {
        var candidates: [pid_t]?
        if let parent, let tasks = opendir("/proc/\(parent)/task") {
            var listed: [pid_t] = []
            while let entry = readdir(tasks) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                guard pid_t(name) != nil else { continue }
                guard let text = try? FileIO.read("/proc/\(parent)/task/\(name)/children") else { listed = []; candidates = nil; break }
                listed += text.split(separator: UInt8(ascii: " ")).compactMap { pid_t(String(decoding: $0, as: UTF8.self)) }
                candidates = listed
            }
            closedir(tasks)
        }
        var table: [(pid: pid_t, parent: pid_t, state: UInt8, group: pid_t, session: pid_t)] = []
        func add(_ pid: pid_t) {
            // "PID (NAME) STATE PPID PGRP SESSION ...": the name may hold spaces and parentheses, so count from the last ')'.
            guard let stat = try? FileIO.read("/proc/\(pid)/stat"), let close = stat.lastIndex(of: UInt8(ascii: ")")) else { return }
            let fields = stat[(close + 1)...].split(separator: UInt8(ascii: " "))
            func number(_ index: Int) -> pid_t? { index < fields.count ? pid_t(String(decoding: fields[index], as: UTF8.self)) : nil }
            guard let state = fields.first?.first, let parent = number(1), let group = number(2), let session = number(3) else { return }
            table.append((pid, parent, state, group, session))
        }
        if let candidates {
            candidates.forEach(add)
            return table
        }
        guard let folder = opendir("/proc") else { return [] }
        defer { closedir(folder) }
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if let pid = pid_t(name) { add(pid) }
        }
        return table
    }

    private static func environment(of pid: pid_t) -> [String] {
        guard let bytes = try? FileIO.read("/proc/\(pid)/environ") else { return [] }
        return bytes.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Chunks read ahead of the consumer, per stream: 512 KiB.
    static let chunksInFlight = 8
    /// What is read after a stop, at most: a full pipe's worth (Linux's largest unprivileged
    /// pipe). A process outside the group that holds the pipe and keeps writing ends no later.
    static let drainLimit = 1 << 20

    /// Bytes from `fd` as they arrive, read by a thread of its own that polls, so a consumer
    /// that stops listening ends it within a quarter second even if a grandchild holds the pipe.
    ///
    /// Not a dispatch read source: on Linux, libdispatch's epoll loop crashed (a freed note's
    /// event) when sources on pipes of short-lived children were cancelled while others were
    /// being spawned.
    private static func stream(_ fd: Int32, _ readers: Latch) -> (BoundedStream<[UInt8]>, BoundedStream<[UInt8]>.Feeder) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        let (stream, feeder) = BoundedStream<[UInt8]>.make(window: chunksInFlight)
        Blocking.run("pipe-reader") {
            var chunk = [UInt8](repeating: 0, count: 65536)
            var drained = 0
            reading: while true {
                // Told to stop: take what is already in the pipe, then go. A child's last words
                // are often written just before it exits.
                let stopping = feeder.abandoned.isStopped || readers.isStopped
                if !stopping {
                    var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                    let ready = poll(&entry, 1, 250)
                    if ready < 0 && errno != EINTR { break }
                    guard ready > 0 else { continue }
                }
                while true {
                    let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                    if count > 0 {
                        let piece = Array(chunk[0..<count])
                        if stopping {
                            feeder.force(piece)
                            drained += count
                            if drained >= drainLimit { break reading }
                        } else if !feeder.send(piece, unless: { readers.isStopped }) {
                            feeder.force(piece) // stopped while the consumer was behind: the drain begins
                            continue reading
                        }
                        continue
                    }
                    if count < 0 && errno == EINTR { continue }
                    if count < 0 && errno == EAGAIN && !stopping { continue reading }
                    break reading // end of file, a broken pipe, or drained after a stop
                }
            }
            close(fd)
            feeder.finish()
        }
        return (stream, feeder)
    }

    /// Starts `first` with its standard output piped into `second`'s standard input, as
    /// `first | second` would, without a shell; the pipe is the children's alone.
    static func startPipeline(_ first: ProcessSpec, _ second: ProcessSpec) throws -> (ChildProcess, ChildProcess) {
        var fds: [Int32] = [-1, -1]
        guard makePipe(&fds) else { throw FileError("make a pipe for", "\(first.executable) and \(second.executable)") }
        // Closed here once both have started (or failed to): the reader sees the end of its
        // input when the writer exits.
        defer { close(fds[0]); close(fds[1]) }
        var writer = first
        writer.standardOutput = fds[1]
        var reader = second
        reader.standardInput = fds[0]
        return (try start(writer), try start(reader))
    }

    /// A pipe whose ends are closed in every child but the one they are given to.
    static func makePipe(_ fds: inout [Int32]) -> Bool {
        guard pipe(&fds) == 0 else { return false }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return true
    }

    /// The file `executable` names: a path as given, or the first match on `path`.
    static func resolve(_ executable: String, in path: String) throws(ProcessError) -> String {
        if executable.contains("/") {
            guard Path.kind(of: executable) != .missing else { throw .commandNotFound(executable, path: path) }
            guard access(executable, X_OK) == 0, Path.kind(of: executable) == .file else { throw .notExecutable(executable) }
            return executable
        }
        for folder in path.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = Path.join(String(folder), executable)
            if Path.kind(of: candidate) == .file && access(candidate, X_OK) == 0 { return candidate }
        }
        throw .commandNotFound(executable, path: path)
    }
}

@inline(__always) private func Glibc_writeFD(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}

/// A one-way switch shared between threads and tasks: a pipe reader's stop, a deadline's firing.
final class Latch: Sendable {
    private let value = Mutex(false)
    func stop() { value.withLock { $0 = true } }
    var isStopped: Bool { value.withLock { $0 } }
}

/// A flag raised from any thread and taken down by the one who acts on it: a call's
/// interruption, seen once by the wait it ended.
final class Signal: Sendable {
    private let value = Mutex(false)
    func raise() { value.withLock { $0 = true } }
    /// Raised and not yet taken down.
    var isRaised: Bool { value.withLock { $0 } }

    /// True once after each `raise`.
    func take() -> Bool { value.withLock { raised in defer { raised = false }; return raised } }
}
