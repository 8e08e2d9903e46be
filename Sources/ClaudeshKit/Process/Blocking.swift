#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CProcess

/// Where work that blocks a thread (waitpid, a socket read, a pipe write) runs: a detached
/// thread of its own, which ends with the work.
///
/// Not the global dispatch queue: on Linux it keeps about as many threads as there are cores,
/// so with two cores two blocked waitpids stall every other probe until one frees up (seen as a
/// 1 s step in every latency). Not a new serial queue per job either: libdispatch on Linux
/// crashed in its event loop with queues made and dropped at this rate (seen 4 runs in 12).
enum Blocking {
    private final class Work {
        let name: String
        let body: @Sendable () -> Void
        init(_ name: String, _ body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }
    }

    /// Runs `work` on a new thread named `label` (as backtraces and `top -H` show it).
    static func run(_ label: String, _ work: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Work(label, work)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        // Room for a JSON document nested as deep as the parser allows; untouched pages cost nothing.
        pthread_attr_setstacksize(&attributes, 4 << 20)
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let started = pthread_create(&thread, &attributes, { raw in
            let work = Unmanaged<Work>.fromOpaque(raw!).takeRetainedValue()
            cprocess_name_thread(work.name)
            work.body()
            return nil
        }, box)
        if started != 0 {
            // No thread to be had: run it here rather than lose it.
            Unmanaged<Work>.fromOpaque(box).takeRetainedValue().body()
        }
    }
}
