/// Bytes cut into lines as they arrive. Each byte is looked at once, and the lines taken out are
/// dropped in bulk: a long line arriving in many chunks, or a flood of short ones, costs time in
/// proportion to its bytes, not their square.
struct LineBuffer {
    /// The longest line the owner takes; `isOverLimit` says when the bytes still waiting for
    /// their newline passed it, and the owner decides what that means.
    let limit: Int
    private var bytes: [UInt8] = []
    /// Where the bytes not yet taken start.
    private var start = 0
    /// Up to here, no newline after `start`.
    private var scanned = 0

    init(limit: Int) { self.limit = limit }

    var isEmpty: Bool { start == bytes.count }
    var isOverLimit: Bool { bytes.count - start > limit }
    /// A whole line is waiting (looks only at bytes not scanned yet).
    var hasLine: Bool { bytes[scanned...].contains(0x0A) }

    mutating func append(_ chunk: [UInt8]) {
        if start > 0 && start * 2 >= bytes.count {
            bytes.removeSubrange(..<start)
            scanned -= start
            start = 0
        }
        bytes += chunk
    }

    /// The next whole line without its newline; nil until one has come.
    mutating func nextLine() -> [UInt8]? {
        guard let newline = bytes[scanned...].firstIndex(of: 0x0A) else {
            scanned = bytes.count
            return nil
        }
        let line = Array(bytes[start..<newline])
        start = newline + 1
        scanned = start
        return line
    }

    /// The bytes not taken yet, taken out: the last line of a stream that ended without a
    /// newline, or the start of one over the limit.
    mutating func takeRest() -> [UInt8] {
        defer {
            bytes.removeAll(keepingCapacity: false)
            start = 0
            scanned = 0
        }
        return Array(bytes[start...])
    }
}
