@preconcurrency import Dispatch

/// Where work that blocks a thread (waitpid, a socket read, a pipe write) runs.
///
/// Never the global queue: on Linux it keeps as many threads as there are cores, so with two
/// cores two blocked waitpids stall every other probe until a thread frees up (seen as a 1 s
/// step in every latency). A serial queue of its own targets the overcommitting pool, which
/// starts a thread when all are blocked.
public enum Blocking {
    public static func run(_ label: String, _ work: @escaping @Sendable () -> Void) {
        DispatchQueue(label: "claudesh.\(label)").async(execute: work)
    }
}
