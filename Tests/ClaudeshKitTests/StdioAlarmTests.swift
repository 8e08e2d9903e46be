import Testing
@testable import ClaudeshKit

/// The wait for a stdio server's answer ends at its own deadline, whatever deadlines the
/// session's earlier requests had: a short request after a long one is not held to the long
/// one's (the session's one alarm follows the deadlines on, and is replaced by a shorter one).
@Suite
struct StdioAlarmTests {
    @Test func aShortDeadlineAfterALongOneEndsTheWaitOnTime() async throws {
        // cat answers each line with itself, and says nothing when nothing is sent.
        let channel = try StdioChannel(ProcessSpec("/bin/cat", environment: ["PATH": "/usr/bin:/bin"]), log: ServerLog(server: "cat", folder: nil, redactor: Redactor(values: [])))
        let message = MCPProtocol.request(id: 1, method: "ping")
        try await channel.send(message, expectsAnswer: true)
        #expect(try await channel.receive(until: .now + .milliseconds(200)) != nil)
        try await channel.send(message, expectsAnswer: true)
        #expect(try await channel.receive(until: .now + .seconds(60)) != nil)
        // The alarm, due at the first deadline, wakes and moves on to the second's.
        try await Task.sleep(for: .milliseconds(500))
        let started = ContinuousClock.now
        let nothing = try await channel.receive(until: .now + .milliseconds(200))
        let waited = started.duration(to: .now)
        #expect(nothing == nil)
        // Held to the long deadline it would wait a minute; a busy test run may be late by
        // seconds, never by that.
        #expect(waited < .seconds(20), "waited \(waited) for a 200 ms deadline")
        await channel.close()
    }
}
