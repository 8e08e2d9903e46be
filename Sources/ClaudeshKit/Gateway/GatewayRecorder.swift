#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A backend coming or going, as the gateway saw it.
package struct GatewayEvent: Sendable, Equatable {
    package enum Kind: String, Sendable {
        /// Opened for the first time.
        case started
        /// Opened again after its session ended (killed, crashed, its connection gone).
        case restarted
        /// An opening failed (the detail says why; the next waits out the backoff).
        case failed
        /// Ended with the gateway.
        case stopped
    }

    package var time: Double
    package var backend: String
    package var kind: Kind
    package var detail: String
}

extension GatewayCall: Redactable {
    package func redacted(by redactor: Redactor) -> GatewayCall {
        var copy = self
        copy.backend = redactor.redact(backend)
        copy.target = redactor.redact(target)
        return copy
    }
}

extension GatewayEvent: Redactable {
    package func redacted(by redactor: Redactor) -> GatewayEvent {
        var copy = self
        copy.detail = redactor.redact(detail)
        return copy
    }
}

/// Keeps what the gateway did in the health history, off the calls' path: each call and event
/// is put in memory, and a writer takes them to `health.sqlite` in one transaction a second
/// (and at the end). Memory is bounded: past `limit` waiting records the oldest half is dropped.
package final class GatewayRecorder: Sendable {
    private let home: String
    private let profile: String
    private let keepDays: Int
    private let redactor: Redactor
    static let limit = 50_000
    private let pending = Mutex<(calls: [GatewayCall], events: [GatewayEvent])>(([], []))
    /// Why the last write failed, if it did.
    private let lastProblem = Mutex<String?>(nil)

    package init(home: String, profile: String, keepDays: Int, redactor: Redactor) {
        self.home = home
        self.profile = profile
        self.keepDays = keepDays
        self.redactor = redactor
    }

    package func record(_ call: GatewayCall) {
        pending.withLock { pending in
            if pending.calls.count >= Self.limit {
                pending.calls.removeFirst(pending.calls.count / 2)
            }
            pending.calls.append(call)
        }
    }

    package func record(_ event: GatewayEvent) {
        pending.withLock { $0.events.append(event) }
    }

    /// Writes what is waiting.
    package func flush() {
        let (calls, events) = pending.withLock { pending in
            defer { pending.calls = []; pending.events = [] }
            return (pending.calls, pending.events)
        }
        guard !calls.isEmpty || !events.isEmpty else { return }
        do {
            try HealthHistory(home: home).record(calls: redactor.seal(calls), events: redactor.seal(events), profile: profile,
                                                 keepDays: keepDays, now: Timestamp.preciseNow)
            lastProblem.withLock { $0 = nil }
        } catch {
            // Said on stderr (the client's log of the server, the service's log) when it starts
            // and each time it changes: the records are lost, the calls are not.
            let reason = "\(error)"
            let isNew = lastProblem.withLock { last in
                defer { last = reason }
                return last != reason
            }
            if isNew { report(redactor.sealForDisplay("claudesh gateway: \(calls.count) calls and \(events.count) events were not recorded in the health history: \(reason)")) }
        }
    }

    /// A line on standard error, masked (a path or an error may hold a secret's value).
    private func report(_ line: Redacted<String>) {
        let bytes = Array((line.value + "\n").utf8)
        bytes.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
    }

    /// Flushes once a second until cancelled, then once more.
    package func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            flush()
        }
        flush()
    }
}

extension Array: Redactable where Element: Redactable {
    package func redacted(by redactor: Redactor) -> [Element] { map { $0.redacted(by: redactor) } }
}

/// Hands what the backends tell (their events, their lists' changes) to whoever is connected
/// later (the gateway, made after them).
final class GatewayRelay<Value: Sendable>: Sendable {
    private let target = Mutex<(@Sendable (Value) -> Void)?>(nil)

    func connect(_ handler: @escaping @Sendable (Value) -> Void) { target.withLock { $0 = handler } }

    func send(_ value: Value) { target.withLock { $0 }?(value) }
}

/// A backend said one of its lists changed (`tools`, `prompts` or `resources`).
package struct GatewayListChange: Sendable {
    package var backend: String
    package var kind: String
}
