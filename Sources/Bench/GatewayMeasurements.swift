import ClaudeshKit
import ClaudeshShell
import Synchronization

/// What the gateway costs a call, against the same calls made direct, in one run:
///
/// - latency: `tools/call` on a live session to the C fixture (`instant`), and on a live session
///   to `claudesh gateway` on stdio fronting the same fixture (`gateway`, its tool
///   `instant_add`), in alternating batches so that drift hits both; p50 and p99 of each.
/// - throughput: 16 sessions calling at once, each to a C fixture of its own (`instant`); the
///   same 16 each through a C byte relay of its own (`relay`: the floor of any process in the
///   path); each to a gateway of its own on stdio (`gateway`); the same 16 to one gateway
///   listening over HTTP (`gateway-http`) fronting one fixture; and 16 each to a Python SDK
///   server of its own (`python`) against each through a gateway fronting one (`gateway-python`).
///
/// Prints `gateway_p50_ms GATEWAY baseline_ms DIRECT`, the same for p99, and
/// `gateway_16_stdio_per_s GATEWAY baseline_per_s DIRECT`, the same for the relay, over HTTP
/// and for the Python servers.
@MainActor
func measureGateway(iterations: Int) {
    let context = benchContext()
    let workspace = Workspace(context)
    let config = benchConfig()
    let options = ClientOptions(config: config)
    for server in ["instant", "gateway"] { wait { _ = try await workspace.connect(server, options: options) } }
    var samples: [String: [Duration]] = ["instant": [], "gateway": []]
    let clock = ContinuousClock()
    for _ in 0..<max(iterations / 100, 1) {
        for (server, tool) in [("instant", "add"), ("gateway", "instant_add")] {
            for _ in 0..<100 {
                let elapsed = clock.measure {
                    wait { _ = try await workspace.callTool(tool, of: server, words: ["a=1", "b=2"], json: nil, options: options) }
                }
                samples[server]!.append(elapsed)
            }
        }
    }
    wait { _ = try await workspace.disconnect([]) }
    func percentile(_ server: String, _ percent: Int) -> Double {
        let sorted = samples[server]!.sorted()
        return sorted[min(sorted.count - 1, sorted.count * percent / 100)].milliseconds
    }
    print("gateway_p50_ms \(format(percentile("gateway", 50))) baseline_ms \(format(percentile("instant", 50)))")
    print("gateway_p99_ms \(format(percentile("gateway", 99))) baseline_ms \(format(percentile("instant", 99)))")

    let direct = callsPerSecond(workspace, server: "instant", tool: "add", options: options, clients: 16, calls: iterations / 4)
    // The floor of any process in the path: each client through a C byte relay of its own.
    let relay = callsPerSecond(workspace, server: "relay", tool: "add", options: options, clients: 16, calls: iterations / 4)
    // Each client its own gateway on stdio (as each Claude session starts one), then all of
    // them on one gateway over HTTP.
    let stdio = callsPerSecond(workspace, server: "gateway", tool: "instant_add", options: options, clients: 16, calls: iterations / 4)
    let http = callsPerSecond(workspace, server: "gateway-http", tool: "instant_add", options: options, clients: 16, calls: iterations / 4)
    // The same with a server that does work of its own per call (the Python SDK's), as real
    // backends do: each client direct to its own, and through a gateway of its own fronting one.
    let python = callsPerSecond(workspace, server: "python", tool: "add", options: options, clients: 16, calls: iterations / 16)
    let gatewayPython = callsPerSecond(workspace, server: "gateway-python", tool: "python_add", options: options, clients: 16, calls: iterations / 16)
    print("gateway_16_stdio_per_s \(format(stdio)) baseline_per_s \(format(direct))")
    print("gateway_16_relay_per_s \(format(relay)) baseline_per_s \(format(direct))")
    print("gateway_16_python_per_s \(format(gatewayPython)) baseline_per_s \(format(python))")
    print("gateway_16_http_per_s \(format(http)) baseline_per_s \(format(direct))")
}

/// Calls a second of `clients` sessions with `server` calling `tool` at once, `calls` each.
@MainActor
func callsPerSecond(_ workspace: Workspace, server: String, tool: String, options: ClientOptions, clients: Int, calls: Int) -> Double {
    let opened = Mutex<[MCPClient]>([])
    wait {
        try await withThrowingTaskGroup(of: MCPClient.self) { group in
            for _ in 0..<clients { group.addTask { try await workspace.openSession(server, options: options) } }
            for try await client in group { opened.withLock { $0.append(client) } }
        }
    }
    let sessions = opened.withLock { $0 }
    let params: JSONValue = .object([("name", .string(tool)), ("arguments", .object([("a", .int(1)), ("b", .int(2))]))])
    // One call each first: a gateway starts its backend at the first call that needs it, and
    // what is measured is calls, not start-up.
    wait {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for session in sessions { group.addTask { _ = try await session.request("tools/call", params, timeout: .seconds(30)) } }
            try await group.waitForAll()
        }
    }
    let clock = ContinuousClock()
    let started = clock.now
    wait {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for session in sessions {
                group.addTask {
                    for _ in 0..<calls { _ = try await session.request("tools/call", params, timeout: .seconds(30)) }
                }
            }
            try await group.waitForAll()
        }
    }
    let seconds = started.duration(to: clock.now).seconds
    wait { for session in sessions { await session.close() } }
    return Double(clients * calls) / seconds
}
