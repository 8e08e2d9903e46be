#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import Dispatch

/// Runs a program to its end: input on stdin, bounded output, a deadline, and the whole process
/// group ended on timeout or when the calling task is cancelled (Ctrl-C).
package enum ProcessRunner {
    package struct Result: Sendable, Equatable {
        package var termination: Termination
        var output: [UInt8]
        var errors: [UInt8]
        /// Output beyond the limit was dropped (the newest bytes are kept).
        var truncated: Bool
        /// The deadline passed and the group was ended.
        var timedOut: Bool

        package var outputText: String { String(decoding: output, as: UTF8.self) }
        package var errorText: String { String(decoding: errors, as: UTF8.self) }
    }

    /// Runs `spec`. A program that cannot be started throws at once; one that runs returns a
    /// result whatever its status. Cancelling the task ends the group and rethrows.
    static func run(_ spec: ProcessSpec, input: [UInt8]? = nil, timeout: Duration? = nil, outputLimit: Int = 8 << 20, grace: Duration = .seconds(2)) async throws -> Result {
        try await finish(try ChildProcess.start(spec), input: input, timeout: timeout, outputLimit: outputLimit, grace: grace)
    }

    /// What `run` does once the child is started: for the stages of a pipeline, which must all
    /// be started (and the parent's ends of their pipes closed) before any is waited for.
    static func finish(_ child: ChildProcess, input: [UInt8]? = nil, timeout: Duration? = nil, outputLimit: Int = 8 << 20, grace: Duration = .seconds(2)) async throws -> Result {
        try await withTaskCancellationHandler {
            if let input {
                // A child that does not read its input must not stall us: write from elsewhere.
                Blocking.run("stdin") { child.write(input); child.closeInput() }
            } else {
                child.closeInput()
            }
            async let output = collect(child.output, limit: outputLimit)
            async let errors = collect(child.errors, limit: outputLimit)
            var timedOut = false
            var termination: Termination
            // The group gets SIGTERM at the deadline itself, from the timer: the task that goes on
            // to end it may wait for a thread of a busy pool, and the deadline must not wait too.
            if let finished = await child.waitForExit(timeout: timeout, signalling: SIGTERM) {
                termination = finished
            } else {
                try Task.checkCancellation()
                timedOut = true
                termination = await child.terminate(grace: grace)
            }
            // Grandchildren may hold the pipes open after the child is gone: end the group.
            _ = await child.terminate(grace: .zero)
            let (out, outTruncated) = await output
            let (err, errTruncated) = await errors
            try Task.checkCancellation()
            return Result(termination: termination, output: out, errors: err, truncated: outTruncated || errTruncated, timedOut: timedOut)
        } onCancel: {
            Task.detached { await child.terminate(grace: grace) }
        }
    }

    /// Runs `spec` and hands each line of its standard output to `line` as it comes (`docker
    /// compose logs --follow`); standard error is collected. Cancelling the task ends the group.
    static func stream(_ spec: ProcessSpec, line: @escaping @Sendable (String) async -> Void) async throws -> Result {
        let child = try ChildProcess.start(spec)
        return try await withTaskCancellationHandler {
            child.closeInput()
            async let errors = collect(child.errors, limit: 1 << 20)
            var pending = LineBuffer(limit: 1 << 20)
            for await chunk in child.output {
                pending.append(chunk)
                while let whole = pending.nextLine() { await line(String(decoding: whole, as: UTF8.self)) }
                // A line without end is shown in pieces rather than held whole.
                if pending.isOverLimit { await line(String(decoding: pending.takeRest(), as: UTF8.self)) }
            }
            if !pending.isEmpty { await line(String(decoding: pending.takeRest(), as: UTF8.self)) }
            let termination = await child.waitForExit()
            _ = await child.terminate(grace: .zero)
            let (err, truncated) = await errors
            try Task.checkCancellation()
            return Result(termination: termination, output: [], errors: err, truncated: truncated, timedOut: false)
        } onCancel: {
            Task.detached { await child.terminate(grace: .seconds(2)) }
        }
    }

    /// All the chunks of `stream`, keeping at most the newest `limit` bytes.
    static func collect(_ stream: BoundedStream<[UInt8]>, limit: Int) async -> ([UInt8], Bool) {
        var bytes: [UInt8] = []
        var truncated = false
        for await chunk in stream {
            bytes.append(contentsOf: chunk)
            // Trimmed once it holds twice the limit, not at every chunk past it: each trim moves
            // `limit` bytes, and a program that writes without end would pay that per chunk.
            if bytes.count > 2 * limit {
                bytes.removeFirst(bytes.count - limit)
                truncated = true
            }
        }
        if bytes.count > limit {
            bytes.removeFirst(bytes.count - limit)
            truncated = true
        }
        return (bytes, truncated)
    }
}
