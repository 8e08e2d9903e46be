@preconcurrency import Dispatch

/// Values that a blocking thread (a pipe's reader, an event stream's) hands to a task, at most
/// `window` of them waiting: the thread waits while the task is behind. A peer that sends
/// faster than it is read (a server's flood) then costs a bounded amount of memory, and the
/// task is never left with a backlog to get through after its deadline.
struct BoundedStream<Element: Sendable>: AsyncSequence, Sendable {
    private let values: AsyncStream<Element>
    private let room: DispatchSemaphore

    /// The producing thread's end.
    struct Feeder: Sendable {
        fileprivate let continuation: AsyncStream<Element>.Continuation
        fileprivate let room: DispatchSemaphore
        /// Set when the consumer stopped listening (its stream and iterators are gone).
        let abandoned: Latch

        /// Hands `value` on once there is room: false, with `value` not handed on, when `stop`
        /// says so first (asked four times a second) or the consumer is gone.
        func send(_ value: Element, unless stop: () -> Bool) -> Bool {
            while room.wait(timeout: .now() + .milliseconds(250)) == .timedOut {
                if stop() || abandoned.isStopped { return false }
            }
            continuation.yield(value)
            return true
        }

        /// Hands `value` on without waiting for room: only for what is left once the producer
        /// was told to stop, which the caller bounds.
        func force(_ value: Element) { continuation.yield(value) }

        /// Hands on `empty` (a value that carries nothing) when there is room: it wakes a
        /// consumer waiting with nothing to read. With the window full there are values to read
        /// already, and no wake is needed.
        func wake(with empty: Element) {
            if room.wait(timeout: .now()) == .success { continuation.yield(empty) }
        }

        func finish() { continuation.finish() }
    }

    static func make(window: Int) -> (BoundedStream, Feeder) {
        let (values, continuation) = AsyncStream<Element>.makeStream()
        // Made empty and then given its room: libdispatch ends the process when a semaphore is
        // freed with less than it was made with, and a stream dropped with values unread (a
        // flood cut at its deadline, a notification after the last answer) holds less.
        let room = DispatchSemaphore(value: 0)
        for _ in 0..<window { room.signal() }
        let abandoned = Latch()
        continuation.onTermination = { _ in abandoned.stop() }
        return (BoundedStream(values: values, room: room), Feeder(continuation: continuation, room: room, abandoned: abandoned))
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        fileprivate var base: AsyncStream<Element>.Iterator
        fileprivate let room: DispatchSemaphore

        mutating func next() async -> Element? {
            await next(isolation: nil)
        }

        /// Runs where its caller runs: a channel an actor owns reads without leaving it.
        mutating func next(isolation actor: isolated (any Actor)?) async -> Element? {
            let value = await base.next(isolation: actor)
            if value != nil { room.signal() }
            return value
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: values.makeAsyncIterator(), room: room) }
}
