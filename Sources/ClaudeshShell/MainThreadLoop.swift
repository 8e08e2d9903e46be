#if os(Linux)
import CEditLine
import Glibc

/// Runs the program's main-actor work on the main thread, which drains the main queue itself.
///
/// An `async` main hands the main thread to `dispatch_main()`, which parks it and starts
/// threads to run the main queue: four threads and about 0.6 ms before the first line of
/// `claudesh -c help` (README, design). Here the main thread waits on the main queue's
/// eventfd and runs what is queued, as Foundation's RunLoop does; work the program sends to
/// the global executor (probes, pipes) still runs on libdispatch's threads.
package enum MainThreadLoop {
    /// A descriptor watched beside the main queue, and what to run when it is readable.
    @MainActor private static var watched: (fd: Int32, handler: () -> Void)?

    /// Runs `handler` on the main thread whenever `fd` is readable (the signal pipe).
    @MainActor
    static func watch(_ fd: Int32, _ handler: @escaping () -> Void) {
        watched = (fd, handler)
    }

    /// Starts `body` on the main actor and drains the main queue until it returns.
    @MainActor
    package static func run(_ body: @escaping @MainActor () async -> Int32) -> Int32 {
        nonisolated(unsafe) var result: Int32?
        Task { @MainActor in result = await body() }
        let queued = _dispatch_get_main_queue_handle_4CF()
        while result == nil {
            var ready = [pollfd(fd: queued, events: Int16(POLLIN), revents: 0),
                         pollfd(fd: watched?.fd ?? -1, events: Int16(POLLIN), revents: 0)]
            if poll(&ready, 2, -1) < 0 && errno != EINTR { break }
            if ready[1].revents != 0 { watched?.handler() }
            guard ready[0].revents != 0 else { continue }
            // Reset the eventfd before draining: work queued while the drain runs writes to it
            // again, so no wake-up is lost. It is non-blocking; a read that finds 0 is harmless.
            var count: UInt64 = 0
            _ = read(queued, &count, MemoryLayout<UInt64>.size)
            _dispatch_main_queue_callback_4CF(nil)
        }
        return result ?? 70 // EX_SOFTWARE: poll itself failed
    }
}
#endif
