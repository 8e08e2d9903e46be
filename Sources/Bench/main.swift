// Measures in-process costs that timing a whole command cannot see, each next to a baseline
// measured in the same run: the machines are shared and noisy, so only the ratio is comparable
// from run to run. Each measurement prints one line `NAME_ms MEDIAN baseline_ms MEDIAN`, which
// scripts/bench turns into a table row.
//
//   claudesh-bench [MEASUREMENT...] [--iterations N]     all measurements when none is named

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeshKit
import ClaudeshShell

/// A measurement: what it prints is its own business, so a measurement may print several lines.
struct Measurement {
    var name: String
    var summary: String
    var run: @MainActor (_ iterations: Int) -> Void
}

let measurements: [Measurement] = [
    Measurement(name: "completion", summary: "one TAB with 10,000 candidates, against filtering and sorting them in a plain loop", run: measureCompletion),
    Measurement(name: "secrets", summary: "one TAB on a secret name in a store of 10,000 secrets, against filtering and sorting the names in memory", run: measureSecretCompletion),
    Measurement(name: "calls", summary: "tools/call on a live session of each server of CLAUDESH_BENCH_CONFIG (python, instant): p50, p99, calls a second", run: measureCalls),
    Measurement(name: "gateway", summary: "tools/call through claudesh gateway (gateway, gateway-http of CLAUDESH_BENCH_CONFIG) against the same calls direct (instant): p50, p99, 16 clients' calls a second", run: measureGateway),
    Measurement(name: "inventory", summary: "the inventory of mcp list --all over a 5 MB ~/.claude.json of 200 projects, against reading and parsing the file", run: measureInventory),
    Measurement(name: "tool-completion", summary: "one TAB on a tool's arguments of a connected server (python of CLAUDESH_BENCH_CONFIG)", run: measureToolCompletion),
]

/// Folds in every measured result; read at the end so the optimiser cannot drop the work.
var checksum = 0

/// Median milliseconds per call of `body`, after warming up caches and lazy initialisation.
/// `body` returns a number that feeds a checksum, so the optimiser cannot drop the work.
@MainActor
func medianMilliseconds(iterations: Int, _ body: () -> Int) -> Double {
    let clock = ContinuousClock()
    for _ in 0..<max(iterations / 10, 3) { checksum &+= body() }
    var samples: [Duration] = []
    samples.reserveCapacity(iterations)
    for _ in 0..<iterations {
        var result = 0
        let elapsed = clock.measure { result = body() }
        checksum &+= result
        samples.append(elapsed)
    }
    samples.sort()
    return samples[samples.count / 2].milliseconds
}

func format(_ milliseconds: Double) -> String {
    // Four decimals: sub-millisecond medians still show their size.
    let scaled = (milliseconds * 10_000).rounded() / 10_000
    return String(describing: scaled)
}

/// One TAB on `cmd PARTIAL` where `cmd`'s argument completes from 10,000 names, the size of a
/// large secret store or compose file: one partial that lists a tenth of them, one that lists all
/// (`server-0` is their common prefix, so TAB lists instead of extending the word).
@MainActor
func measureCompletion(iterations: Int) {
    var generator = SplitMix64(seed: 0x5EED)
    // Shuffled, as a provider's answer is not sorted: sorting is part of what a TAB costs.
    let names = (0..<10_000).map { "server-" + String(repeating: "0", count: 5 - String($0).count) + String($0) }
        .shuffled(using: &generator)
    let registry = CommandRegistry([
        Command("cmd", group: "bench", summary: "one argument with 10,000 completions",
                arguments: [Argument("name", "a name", completion: .custom { _ in names })]),
    ])
    let completer = Completer(registry: registry, context: SessionContext(environment: .current()))

    for (label, partial, expected) in [("completion_10k_partial", "server-01", 1_000), ("completion_10k_all", "server-0", 10_000)] {
        let line = "cmd " + partial
        let listed = completer.edit(forLineBeforeCursor: line, expansion: .none).listing.count
        guard listed == expected else {
            fail("'\(line)' listed \(listed) candidates, expected \(expected)", status: 1)
        }
        let shell = medianMilliseconds(iterations: iterations) {
            completer.edit(forLineBeforeCursor: line, expansion: .none).listing.count
        }
        let baseline = medianMilliseconds(iterations: iterations) { leastTabWork(names, partial: partial) }
        print("\(label)_ms \(format(shell)) baseline_ms \(format(baseline))")
    }
}

/// One TAB on `secrets show claude/…` with 10,000 secrets in the store's `claude/` folder: the
/// names come from the file tree (no gpg). The first TAB reads the folder; later ones find it
/// unchanged (its mtime) and filter what was read. The baseline has the names in memory.
@MainActor
func measureSecretCompletion(iterations: Int) {
    var template = Array("/tmp/claudesh-bench-store.XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { fail("cannot make a temporary folder", status: 1) }
    let store = String(cString: made)
    defer { Directory.removeTree(store) }
    mkdir(store + "/claude", 0o700)
    var names: [String] = []
    for index in 0..<10_000 {
        let name = "token-" + String(repeating: "0", count: 5 - String(index).count) + String(index)
        names.append("claude/" + name)
        let fd = open(store + "/claude/" + name + ".gpg", O_CREAT | O_WRONLY, 0o600)
        if fd >= 0 { close(fd) }
    }
    var generator = SplitMix64(seed: 0x5EED)
    names.shuffle(using: &generator) // readdir's order is not sorted either
    // A store as it usually is: last changed a while ago. `age` moves the mtime to force a re-read.
    var age = 3600
    func ageFolder() {
        age += 1
        var times = [timeval(tv_sec: time(nil) - age, tv_usec: 0), timeval(tv_sec: time(nil) - age, tv_usec: 0)]
        utimes(store + "/claude", &times)
    }
    ageFolder()
    var environment = Environment.current()
    environment.variables["PASSWORD_STORE_DIR"] = store
    let completer = Completer(registry: CommandRegistry(CommandCatalog.all), context: SessionContext(environment: environment))
    for (label, partial, expected) in [("secret_completion_10k_partial", "claude/token-01", 1_000), ("secret_completion_10k_all", "claude/token-0", 10_000)] {
        let line = "secrets show " + partial
        let listed = completer.edit(forLineBeforeCursor: line, expansion: .none).listing.count
        guard listed == expected else { fail("'\(line)' listed \(listed) candidates, expected \(expected)", status: 1) }
        let first = medianMilliseconds(iterations: max(iterations / 5, 10)) {
            ageFolder()
            return completer.edit(forLineBeforeCursor: line, expansion: .none).listing.count
        }
        // The floor of a first TAB: reading the folder's 10,000 names at all.
        let readOnly = medianMilliseconds(iterations: max(iterations / 5, 10)) { Directory.entries(of: store + "/claude").count }
        let repeated = medianMilliseconds(iterations: iterations) { completer.edit(forLineBeforeCursor: line, expansion: .none).listing.count }
        let baseline = medianMilliseconds(iterations: iterations) { leastTabWork(names, partial: partial) }
        print("\(label)_first_ms \(format(first)) baseline_ms \(format(readOnly))")
        print("\(label)_ms \(format(repeated)) baseline_ms \(format(baseline))")
    }
}

/// The least a TAB can do: keep the names that start with what is typed, and sort them.
/// Nonisolated, as closures isolated to the main actor check their executor on every call,
/// which would slow the comparisons down several times.
nonisolated func leastTabWork(_ names: [String], partial: String) -> Int {
    var matches: [String] = []
    for name in names where name.hasPrefix(partial) { matches.append(name) }
    matches.sort()
    return matches.count
}

func fail(_ message: String, status: Int32) -> Never {
    let text = "claudesh-bench: \(message)\n"
    _ = text.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
    exit(status)
}

func usage() -> String {
    var text = "usage: claudesh-bench [MEASUREMENT...] [--iterations N]\n\nmeasurements:\n"
    for measurement in measurements { text += "  \(measurement.name)  \(measurement.summary)\n" }
    return text
}

var iterations = 300
var chosen: [Measurement] = []
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "-h", "--help":
        print(usage(), terminator: "")
        exit(0)
    case "--iterations":
        guard let value = arguments.popFirst().flatMap({ Int($0) }), value > 0 else {
            fail("--iterations needs a positive number", status: 2)
        }
        iterations = value
    default:
        guard let measurement = measurements.first(where: { $0.name == argument }) else {
            fail("unknown measurement '\(argument)'\n\n" + usage(), status: 2)
        }
        chosen.append(measurement)
    }
}
for measurement in chosen.isEmpty ? measurements : chosen {
    measurement.run(iterations)
}
// Never true; reading the checksum is what keeps the measured work observable.
if checksum == Int.min { print("checksum \(checksum)") }
