#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// What ends a claudesh's servers when claudesh itself is killed (SIGKILL, a crash): each server
/// has SIGKILL as its parent-death signal, but a daemon it started in a session of its own has
/// not, and once claudesh is gone it is no longer claudesh's orphan to find.
///
/// A guardian is claudesh's own binary (`claudesh __guard PREFIX`) started, in a session of its
/// own, before the first server, reading a pipe that only claudesh holds. When claudesh ends, by
/// any death, the pipe ends: the guardian ends every process whose environment carries a
/// `CLAUDESH_SERVER_ID` of this claudesh (`PREFIX` is its pid), with its group, and exits. After a
/// normal exit it finds none. Linux only: it reads /proc.
package enum ServerGuardian {
    /// Set by claudesh's main before anything starts: the guardian is claudesh's own binary, and
    /// a program that links the kit (a test runner) must not start itself as one.
    package static let enabled = Atomic<Bool>(false)

    /// Started once, before the first contained child; claudesh keeps the pipe's write end
    /// (close-on-exec: no server holds it) until it ends. One that cannot start (the binary
    /// replaced under a running claudesh) leaves the parent-death signal and the subreaper.
    static let started: ChildProcess? = {
        #if os(Linux)
        guard enabled.load(ordering: .relaxed) else { return nil }
        var spec = ProcessSpec(Claudesh.executablePath, ["__guard", "\(getpid())-"], environment: ["PATH": "/usr/bin:/bin"])
        spec.ownSession = true // Ctrl-C at the terminal is not for it
        return try? ChildProcess.start(spec)
        #else
        return nil
        #endif
    }()

    /// The guardian's life: waits for the end of standard input, then ends what is marked.
    package static func watch(prefix: String) {
        // A claudesh's pid and a dash: anything else could match another claudesh's servers.
        guard prefix.count > 1, prefix.last == "-", prefix.dropLast().allSatisfy({ $0.isASCII && $0.isNumber }) else { return }
        var byte: UInt8 = 0
        while true {
            let count = read(0, &byte, 1)
            if count == 0 || (count < 0 && errno != EINTR) { break }
        }
        for _ in 0..<16 {
            let marked = ChildProcess.processes(markedWith: prefix)
            if marked.isEmpty { return }
            for pid in marked {
                kill(-pid, SIGKILL)
                kill(pid, SIGKILL)
            }
            usleep(20_000)
        }
    }
}
