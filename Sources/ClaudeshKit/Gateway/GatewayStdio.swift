#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The gateway on its own stdin and stdout, as a client entry starts it: newline-delimited
/// JSON-RPC, requests answered as they finish (not in order), notifications of its own between.
enum GatewayStdio {
    /// How long the answers to requests sent before stdin ended may take to go out.
    static let closingGrace: Duration = .seconds(2)

    /// Serves `gateway` on `input` and `output` until `input` ends; then lets what is in flight
    /// answer for `closingGrace` (a client that wrote its requests and closed its end still
    /// reads them), cancels the rest and returns.
    static func serve(_ gateway: Gateway, input: Int32 = 0, output: Int32 = 1) async {
        let writer = LineWriter(fd: output, redactor: gateway.redactor)
        let connection = GatewayConnection(transport: "stdio", notify: { writer.send($0) })
        let subscription = gateway.subscribe { connection.changed($0) }
        defer { gateway.unsubscribe(subscription) }
        await untilEndOrCancelled(input) { line in
            receive(line, gateway: gateway, connection: connection, writer: writer)
        } tooLong: {
            writer.send(Gateway.error(id: .null, code: -32700, "parse error: a message longer than \(MCPProtocol.messageLimit >> 20) MiB"))
        }
        connection.inputEnded()
        let grace = ContinuousClock.now + closingGrace
        while connection.inFlightCount > 0, ContinuousClock.now < grace { try? await Task.sleep(for: .milliseconds(10)) }
        connection.close()
        // What was cancelled answers no more; the backends end with the gateway.
        while connection.inFlightCount > 0 { try? await Task.sleep(for: .milliseconds(10)) }
    }

    /// Reads lines of `input` on a thread of its own until it ends, or until the calling task
    /// is cancelled (Ctrl-C, SIGTERM): then the wait ends at once, and the reader with the process.
    static func untilEndOrCancelled(_ input: Int32, _ line: @escaping @Sendable ([UInt8]) -> Void, tooLong: @escaping @Sendable () -> Void) async {
        let waiting = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let ended = Latch()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                waiting.withLock { $0 = continuation }
                if Task.isCancelled || ended.isStopped { waiting.withLock { $0.take() }?.resume() }
                Blocking.run("gateway-stdin") {
                    readLines(input, until: ended, line, tooLong: tooLong)
                    ended.stop()
                    waiting.withLock { $0.take() }?.resume()
                }
            }
        } onCancel: {
            ended.stop()
            waiting.withLock { $0.take() }?.resume()
        }
    }

    /// Reads lines from `fd` until it ends; a line over the limit is answered as a parse error
    /// and skipped to its end.
    static func readLines(_ fd: Int32, until stop: Latch, _ line: ([UInt8]) -> Void, tooLong: () -> Void) {
        var buffer = LineBuffer(limit: MCPProtocol.messageLimit)
        var chunk = [UInt8](repeating: 0, count: 65_536)
        var skipping = false
        while true {
            // Looked at before each read, and every fifth of a second while none comes: a gateway
            // stopped by Ctrl-C at the shell's prompt must not read the next command's line.
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&entry, 1, 200)
            if stop.isStopped { return }
            if ready == 0 || (ready < 0 && errno == EINTR) { continue }
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            buffer.append(Array(chunk[..<count]))
            while let next = buffer.nextLine() {
                if skipping { skipping = false; continue }
                line(next)
            }
            if buffer.isOverLimit {
                if !skipping { tooLong() }
                skipping = true
                _ = buffer.takeRest()
            }
        }
        let rest = buffer.takeRest()
        if !rest.isEmpty && !skipping { line(rest) }
    }

    private static func receive(_ line: [UInt8], gateway: Gateway, connection: GatewayConnection, writer: LineWriter) {
        var bytes = line
        if bytes.last == 0x0D { bytes.removeLast() }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
        let message: JSONValue
        do {
            message = try JSONParser.parse(bytes)
        } catch {
            writer.send(Gateway.error(id: .null, code: -32700, "parse error: \(error.message) at column \(error.column)"))
            return
        }
        guard let id = message["id"], id != .null, message["method"] != nil else {
            // Notifications and malformed messages are answered (or not) in order.
            Task { if let reply = await gateway.answer(message, connection: connection) { writer.send(reply) } }
            return
        }
        let refused = connection.start(id) {
            if let reply = await gateway.answer(message, connection: connection) { writer.send(reply) }
        }
        switch refused {
        case .full?: writer.send(Gateway.error(id: id, code: -32000, "too many requests in flight (\(connection.limit)): wait for answers before sending more"))
        case .idInUse?: writer.send(Gateway.error(id: id, code: -32600, "request id \(id.serialized()) is in use by a request still in flight"))
        case nil: break
        }
    }
}

/// Whole lines to a file descriptor from any thread, one at a time. Once a write fails (the
/// client closed its end) nothing more is written: half a line followed by the next message
/// would be no message at all.
final class LineWriter: Sendable {
    private let state: Mutex<(fd: Int32, broken: Bool)>
    private let redactor: Redactor

    /// Everything written passes `redactor` on the way (`Redactor.sealMessage`).
    init(fd: Int32, redactor: Redactor) {
        state = Mutex((fd, false))
        self.redactor = redactor
    }

    func send(_ message: JSONValue) { emit(redactor.sealMessage(message)) }

    private func emit(_ message: Redacted<JSONValue>) {
        var bytes = message.value.serializedBytes()
        bytes.append(0x0A)
        state.withLock { state in
            guard !state.broken else { return }
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { write(state.fd, $0.baseAddress, $0.count) }
                if written < 0 && errno == EINTR { continue }
                if written < 0 && errno == EAGAIN {
                    var entry = pollfd(fd: state.fd, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&entry, 1, 100)
                    continue
                }
                guard written > 0 else {
                    state.broken = true
                    return
                }
                offset += written
            }
        }
    }
}
