import Foundation
import Testing
@testable import ClaudeshKit

struct BackoffTests {
    @Test func ceilingDoublesFromBasePerAttemptAndStopsAtCap() {
        let backoff = Backoff(base: .milliseconds(100), cap: .seconds(1))
        let ceilings = (0...7).map { backoff.ceiling(afterAttempt: $0) }
        #expect(ceilings == [
            .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800),
            .seconds(1), .seconds(1), .seconds(1), .seconds(1),
        ])
    }

    @Test func defaultsAreHalfASecondDoublingToEightSeconds() {
        let backoff = Backoff()
        #expect(backoff.base == .milliseconds(500))
        #expect(backoff.cap == .seconds(8))
        #expect((0...6).map { backoff.ceiling(afterAttempt: $0) } == [
            .milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(8), .seconds(8),
        ])
    }

    @Test func negativeAttemptIsTreatedAsTheFirst() {
        let backoff = Backoff(base: .milliseconds(250), cap: .seconds(10))
        #expect(backoff.ceiling(afterAttempt: -1) == .milliseconds(250))
        #expect(backoff.ceiling(afterAttempt: Int.min) == .milliseconds(250))
    }

    @Test func delayIsCeilingTimesUnit() {
        let backoff = Backoff(base: .seconds(1), cap: .seconds(60))
        #expect(backoff.delay(afterAttempt: 0, unit: 0.5) == .milliseconds(500))
        #expect(backoff.delay(afterAttempt: 2, unit: 0.5) == .seconds(2))
        #expect(backoff.delay(afterAttempt: 3, unit: 0.25) == .seconds(2))
        #expect(backoff.delay(afterAttempt: 10, unit: 0.5) == .seconds(30)) // capped ceiling, then scaled
    }

    @Test func unitZeroGivesZero() {
        let backoff = Backoff(base: .seconds(3), cap: .seconds(60))
        for attempt in [0, 1, 5, 100] {
            #expect(backoff.delay(afterAttempt: attempt, unit: 0) == .zero)
        }
    }

    @Test func unitIsClampedToZeroThroughOne() {
        let backoff = Backoff(base: .seconds(1), cap: .seconds(16))
        #expect(backoff.delay(afterAttempt: 2, unit: 1) == .seconds(4))
        #expect(backoff.delay(afterAttempt: 2, unit: 7.5) == .seconds(4))
        #expect(backoff.delay(afterAttempt: 2, unit: .infinity) == .seconds(4))
        #expect(backoff.delay(afterAttempt: 2, unit: -0.5) == .zero)
        #expect(backoff.delay(afterAttempt: 2, unit: -.infinity) == .zero)
    }

    @Test func randomDelayNeverExceedsTheCeiling() {
        let backoff = Backoff(base: .milliseconds(100), cap: .seconds(2))
        for attempt in 0..<12 {
            let delay = backoff.delay(afterAttempt: attempt)
            #expect(delay >= .zero)
            #expect(delay <= backoff.ceiling(afterAttempt: attempt))
        }
    }

    @Test func hugeAttemptNumbersDoNotOverflow() {
        let capped = Backoff(base: .milliseconds(500), cap: .seconds(8))
        for attempt in [31, 62, 63, 64, 65, 1_000, Int.max] {
            #expect(capped.ceiling(afterAttempt: attempt) == .seconds(8))
            #expect(capped.delay(afterAttempt: attempt, unit: 1) == .seconds(8))
        }
        // With a cap out of reach the growth stops at 2^30 times the base, never wraps to zero.
        let uncapped = Backoff(base: .seconds(1), cap: .seconds(Int64.max))
        #expect(uncapped.ceiling(afterAttempt: 30) == .seconds(1 << 30))
        for attempt in [31, 63, 64, 128, Int.max] {
            #expect(uncapped.ceiling(afterAttempt: attempt) == .seconds(1 << 30))
        }
    }
}
