import CTLS

/// SHA-256 (FIPS 180-4), fed in pieces: what a backup manifest records for every file and what
/// verify compares while the archive streams past. The system's libcrypto does the work when it
/// is there (the CPU's SHA instructions); the portable code below when it is not.
struct SHA256: @unchecked Sendable {
    /// libcrypto's context; the struct is used by one task at a time, as a hasher is.
    private final class Context {
        let pointer: UnsafeMutableRawPointer
        init?() {
            guard let pointer = ctls_sha256_new() else { return nil }
            self.pointer = pointer
        }
        init?(copying other: Context) {
            guard let pointer = ctls_sha256_copy(other.pointer) else { return nil }
            self.pointer = pointer
        }
        deinit { ctls_sha256_free(pointer) }
    }

    /// Copy on write: a copied hasher goes on from the same state without touching the other.
    private mutating func ownContext() -> Context? {
        guard context != nil else { return nil }
        if !isKnownUniquelyReferenced(&context) { context = Context(copying: context!) }
        return context
    }

    private var context = Context()
    private var software = SoftwareSHA256()

    init() {}

    mutating func update(_ bytes: some Collection<UInt8>) {
        guard let context = ownContext() else { return software.update(bytes) }
        let done: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            ctls_sha256_update(context.pointer, buffer.baseAddress, buffer.count)
        }
        if done == nil {
            Array(bytes).withUnsafeBufferPointer { ctls_sha256_update(context.pointer, $0.baseAddress, $0.count) }
        }
    }

    /// The digest as 64 lowercase hex digits.
    mutating func finalize() -> String {
        guard let context = ownContext() else { return software.finalize() }
        var digest = [UInt8](repeating: 0, count: 32)
        ctls_sha256_final(context.pointer, &digest)
        self.context = Context() // spent: a later use starts afresh
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: digest.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] }, as: UTF8.self)
    }

    /// The digest of `bytes` at once.
    static func hex(_ bytes: some Collection<UInt8>) -> String {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }
}

/// SHA-256 in portable Swift, for a system without libcrypto.
struct SoftwareSHA256: Sendable {
    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
        (0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)
    private var pending: [UInt8] = []
    private var length: UInt64 = 0

    init() {
        pending.reserveCapacity(64)
    }

    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    mutating func update(_ bytes: some Collection<UInt8>) {
        length &+= UInt64(bytes.count)
        var input = bytes[...]
        // Fill a partial block first, then whole blocks straight from the input.
        if !pending.isEmpty {
            let take = min(64 - pending.count, input.count)
            pending.append(contentsOf: input.prefix(take))
            input = input.dropFirst(take)
            guard pending.count == 64 else { return }
            let block = pending
            pending.removeAll(keepingCapacity: true)
            block.withUnsafeBufferPointer { compress($0.baseAddress!) }
        }
        let whole = input.count / 64 * 64
        if whole > 0 {
            let blocks = Array(input.prefix(whole))
            blocks.withUnsafeBufferPointer { buffer in
                var offset = 0
                while offset < whole {
                    compress(buffer.baseAddress! + offset)
                    offset += 64
                }
            }
            input = input.dropFirst(whole)
        }
        pending.append(contentsOf: input)
    }

    /// The digest as 64 lowercase hex digits.
    mutating func finalize() -> String {
        let bits = length &* 8
        var tail = pending
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
        pending.removeAll()
        tail.withUnsafeBufferPointer { buffer in
            var offset = 0
            while offset < tail.count {
                compress(buffer.baseAddress! + offset)
                offset += 64
            }
        }
        let words = [state.0, state.1, state.2, state.3, state.4, state.5, state.6, state.7]
        self = SoftwareSHA256() // spent: a later use starts afresh, as with libcrypto
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for word in words {
            for shift in stride(from: 28, through: 0, by: -4) { hex.append(digits[Int((word >> UInt32(shift)) & 0xF)]) }
        }
        return String(decoding: hex, as: UTF8.self)
    }

    @inline(__always) private func rotate(_ value: UInt32, _ count: UInt32) -> UInt32 {
        (value >> count) | (value << (32 - count))
    }

    private mutating func compress(_ block: UnsafePointer<UInt8>) {
        // The message schedule lives on the stack: an array per block would cost more than the rounds.
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            for index in 0..<16 {
                let base = block + index * 4
                w[index] = UInt32(base[0]) << 24 | UInt32(base[1]) << 16 | UInt32(base[2]) << 8 | UInt32(base[3])
            }
            for index in 16..<64 {
                let s0 = rotate(w[index - 15], 7) ^ rotate(w[index - 15], 18) ^ (w[index - 15] >> 3)
                let s1 = rotate(w[index - 2], 17) ^ rotate(w[index - 2], 19) ^ (w[index - 2] >> 10)
                w[index] = w[index - 16] &+ s0 &+ w[index - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, h) = state
            Self.k.withUnsafeBufferPointer { k in
                for index in 0..<64 {
                    let s1 = rotate(e, 6) ^ rotate(e, 11) ^ rotate(e, 25)
                    let choice = (e & f) ^ (~e & g)
                    let t1 = h &+ s1 &+ choice &+ k[index] &+ w[index]
                    let s0 = rotate(a, 2) ^ rotate(a, 13) ^ rotate(a, 22)
                    let majority = (a & b) ^ (a & c) ^ (b & c)
                    let t2 = s0 &+ majority
                    h = g; g = f; f = e; e = d &+ t1
                    d = c; c = b; b = a; a = t1 &+ t2
                }
            }
            state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d, state.4 &+ e, state.5 &+ f, state.6 &+ g, state.7 &+ h)
        }
    }
}
