#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeshKit
import ClaudeshShell
import Dispatch
import Synchronization

/// `tools/call` on a live session, as `mcp connect` keeps one: each server of the config named by
/// CLAUDESH_BENCH_CONFIG is connected and called `iterations` times (`add a=1 b=2`), each call
/// timed through the workspace (schema check, request, answer, content). Prints, per server,
/// `calls_SERVER p50_ms P50 p99_ms P99 per_s RATE`.
@MainActor
func measureCalls(iterations: Int) {
    let context = benchContext()
    let workspace = Workspace(context)
    let config = benchConfig()
    for server in ["python", "instant"] {
        wait { _ = try await workspace.connect(server, options: ClientOptions(config: config)) }
        var samples: [Duration] = []
        samples.reserveCapacity(iterations)
        let clock = ContinuousClock()
        let started = clock.now
        for _ in 0..<iterations {
            let elapsed = clock.measure {
                wait { _ = try await workspace.callTool("add", of: server, words: ["a=1", "b=2"], json: nil, options: ClientOptions(config: config)) }
            }
            samples.append(elapsed)
        }
        let total = started.duration(to: clock.now)
        samples.sort()
        let p50 = samples[samples.count / 2].milliseconds
        let p99 = samples[min(samples.count - 1, samples.count * 99 / 100)].milliseconds
        print("calls_\(server) p50_ms \(format(p50)) p99_ms \(format(p99)) per_s \(format(Double(iterations) / total.seconds))")
    }
    wait { _ = try await workspace.disconnect([]) }
}

/// One TAB on a tool's arguments of a connected server (`mcp call python greet `), through the
/// real command catalogue, against filtering the same names in a plain loop.
@MainActor
func measureToolCompletion(iterations: Int) {
    let context = benchContext()
    let config = benchConfig()
    wait { _ = try await Workspace(context).connect("python", options: ClientOptions(config: config)) }
    let completer = Completer(registry: CommandRegistry(CommandCatalog.all), context: context)
    let line = "mcp call python greet --config \(config) "
    let listed = completer.edit(forLineBeforeCursor: line, expansion: .none).listing
    guard listed.count == 4 else { fail("'\(line)' listed \(listed), expected greet's four arguments", status: 1) }
    let shell = medianMilliseconds(iterations: iterations) { completer.edit(forLineBeforeCursor: line, expansion: .none).listing.count }
    let names = ["name=", "style=", "times=", "polite="]
    let baseline = medianMilliseconds(iterations: iterations) { leastTabWork(names, partial: "") }
    print("tool_completion_ms \(format(shell)) baseline_ms \(format(baseline))")
    wait { _ = try await Workspace(context).disconnect([]) }
}

/// The session the client measurements run in: claudesh's home from the environment.
func benchContext() -> SessionContext {
    SessionContext(environment: .current())
}

func benchConfig() -> String {
    guard let config = getenv("CLAUDESH_BENCH_CONFIG") else { fail("CLAUDESH_BENCH_CONFIG names the servers' config", status: 2) }
    return String(cString: config)
}

/// Runs `work` to its end on the cooperative pool while this thread waits: the measurements
/// are synchronous; a failure ends the bench, as a number measured on a failure means nothing.
func wait(_ work: @escaping @Sendable () async throws -> Void) {
    let failure = Mutex<String?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        do { try await work() } catch { failure.withLock { $0 = String(describing: error) } }
        done.signal()
    }
    done.wait()
    if let message = failure.withLock({ $0 }) { fail(message, status: 1) }
}
