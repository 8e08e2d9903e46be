/// Reads a tar stream as it arrives (ustar, GNU long names, pax headers), so that a backup can
/// be checked member by member without writing anything to disk. It reads what GNU tar writes
/// (`--format=gnu`) and what bsdtar writes (restricted or full pax: pax headers with paths,
/// fractional times and libarchive's own keywords, which it passes over).
struct TarReader {
    struct Entry: Sendable, Equatable {
        enum Kind: Sendable, Equatable {
            case file, directory, symlink, hardlink
            case other(UInt8)
        }

        var path: String
        var kind: Kind
        var size: Int64
        var mode: UInt32
        /// Modification time, seconds since 1970.
        var modified: Int64 = 0
        var linkTarget: String?
    }

    enum Event {
        /// A member starts; its content follows in `.content` pieces, then `.end`.
        case entry(Entry)
        case content(ArraySlice<UInt8>)
        case end
    }

    struct Error: Swift.Error, CustomStringConvertible, Sendable, Equatable {
        var description: String
        init(_ description: String) { self.description = description }
    }

    private enum State {
        case header
        /// Content of the current member, then its padding to the next 512-byte block.
        case data(remaining: Int64, padding: Int, collecting: Collecting?)
        case finished
    }

    /// Members whose content describes the next member rather than being one.
    private enum Collecting { case longName, longLink, pax, skip }

    static let maxHeaderData = 1 << 20

    private var state = State.header
    private var buffer: [UInt8] = []
    private var collected: [UInt8] = []
    private var nextPath: String?
    private var nextLink: String?
    private var nextSize: Int64?
    private var nextModified: Int64?
    private var inEntry = false

    init() {}

    /// Whether the stream ended where a tar stream may end (after its last member).
    var isComplete: Bool {
        if case .finished = state { return true }
        if case .header = state { return buffer.isEmpty && !inEntry }
        return false
    }

    /// Feeds the next bytes; `handle` sees each member, its content and its end, in order.
    mutating func feed(_ bytes: some Collection<UInt8>, _ handle: (Event) throws -> Void) throws {
        var input = Array(bytes)[...]
        while !input.isEmpty {
            switch state {
            case .finished:
                return // what follows the end marker is padding
            case .header:
                let take = min(512 - buffer.count, input.count)
                buffer.append(contentsOf: input.prefix(take))
                input = input.dropFirst(take)
                guard buffer.count == 512 else { continue }
                let block = buffer
                buffer.removeAll(keepingCapacity: true)
                try header(block, handle)
            case .data(let remaining, let padding, let collecting):
                if remaining > 0 {
                    let take = Int(min(remaining, Int64(input.count)))
                    let piece = input.prefix(take)
                    if let collecting {
                        // A long name or a pax header is held in memory: bounded, as no real one is long.
                        if collecting != .skip {
                            guard collected.count + piece.count <= Self.maxHeaderData else { throw Error("a member's long name or pax header is larger than \(Self.maxHeaderData >> 10) KiB") }
                            collected.append(contentsOf: piece)
                        }
                    } else {
                        try handle(.content(piece))
                    }
                    input = input.dropFirst(take)
                    state = .data(remaining: remaining - Int64(take), padding: padding, collecting: collecting)
                    if remaining - Int64(take) > 0 { continue }
                }
                if case .data(let left, let pad, _) = state, left == 0 {
                    let skip = min(pad, input.count)
                    input = input.dropFirst(skip)
                    if pad - skip > 0 { state = .data(remaining: 0, padding: pad - skip, collecting: collecting); continue }
                    try endOfData(collecting, handle)
                }
            }
        }
        // A member with no content and no padding ends at once.
        if case .data(0, 0, let collecting) = state { try endOfData(collecting, handle) }
    }

    private mutating func endOfData(_ collecting: Collecting?, _ handle: (Event) throws -> Void) throws {
        state = .header
        switch collecting {
        case .longName?: nextPath = Self.string(collected[...])
        case .longLink?: nextLink = Self.string(collected[...])
        case .pax?: try pax(collected)
        case .skip?: break
        case nil:
            inEntry = false
            try handle(.end)
        }
        collected.removeAll(keepingCapacity: true)
    }

    private mutating func header(_ block: [UInt8], _ handle: (Event) throws -> Void) throws {
        // A zero block ends the archive, as GNU tar reads it (it stops at a lone one too):
        // what a verify reads must be what an extraction gets.
        if block.allSatisfy({ $0 == 0 }) {
            state = .finished
            return
        }
        // The checksum: the header's bytes summed, its own field counted as spaces.
        let stored = try Self.octal(block[148..<156], field: "checksum")
        var sum: Int64 = 0
        for (index, byte) in block.enumerated() { sum += (148..<156).contains(index) ? 32 : Int64(byte) }
        guard stored == sum else { throw Error("a member header is damaged (its checksum does not match)") }
        let type = block[156]
        let ownSize = try Self.number(block[124..<136], field: "size")
        guard ownSize >= 0 else { throw Error("a member header gives a negative size") }
        switch type {
        case UInt8(ascii: "L"), UInt8(ascii: "K"), UInt8(ascii: "x"), UInt8(ascii: "g"):
            // Extended headers use their own size; a pax size applies to the member after them.
            guard ownSize <= 1 << 20 else { throw Error("an extended header of \(ownSize) bytes") }
            let collecting: Collecting = type == UInt8(ascii: "L") ? .longName : type == UInt8(ascii: "K") ? .longLink : type == UInt8(ascii: "x") ? .pax : .skip
            state = .data(remaining: ownSize, padding: Int((512 - ownSize % 512) % 512), collecting: collecting)
            return
        default:
            break
        }
        if type == UInt8(ascii: "S") { throw Error("a sparse member: a backup never has one") }
        let size = nextSize ?? ownSize
        guard size >= 0 else { throw Error("a member header gives a negative size") }
        let padding = Int((512 - size % 512) % 512)
        var path = nextPath ?? Self.string(block[0..<100])
        // POSIX ustar ("ustar\0") has a path prefix; GNU's magic ("ustar  \0") keeps other fields there.
        if nextPath == nil, block[257..<263].elementsEqual("ustar\0".utf8) {
            let prefix = Self.string(block[345..<500])
            if !prefix.isEmpty { path = prefix + "/" + path }
        }
        let kind: Entry.Kind
        switch type {
        case 0, UInt8(ascii: "0"), UInt8(ascii: "7"): kind = .file
        case UInt8(ascii: "5"): kind = .directory
        case UInt8(ascii: "2"): kind = .symlink
        case UInt8(ascii: "1"): kind = .hardlink
        default: kind = .other(type)
        }
        let link = nextLink ?? Self.string(block[157..<257])
        let entry = Entry(
            path: path, kind: kind, size: kind == .file ? size : 0,
            mode: UInt32(truncatingIfNeeded: try Self.octal(block[100..<108], field: "mode")),
            modified: nextModified ?? Self.time(block[136..<148]),
            linkTarget: kind == .symlink || kind == .hardlink ? link : nil
        )
        nextPath = nil
        nextLink = nil
        nextSize = nil
        nextModified = nil
        inEntry = true
        try handle(.entry(entry))
        // Directories and links carry no content, whatever their size field says.
        let contentSize = kind == .file || kind == .other(type) ? size : 0
        state = .data(remaining: contentSize, padding: contentSize == 0 ? 0 : padding, collecting: nil)
        if contentSize == 0 { try endOfData(nil, handle) }
    }

    /// A pax header's records, `LENGTH key=value\n`: path, linkpath, size and mtime matter here.
    private mutating func pax(_ data: [UInt8]) throws {
        var rest = data[...]
        while !rest.isEmpty {
            guard let space = rest.firstIndex(of: UInt8(ascii: " ")), let length = Int(String(decoding: rest[..<space], as: UTF8.self)),
                  length > space - rest.startIndex + 1, length <= rest.count else { throw Error("a pax header is damaged") }
            let record = rest.prefix(length)
            rest = rest.dropFirst(length)
            guard record.last == UInt8(ascii: "\n") else { throw Error("a pax header is damaged") }
            let body = record[(space + 1)...].dropLast() // without the newline
            guard let equals = body.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let key = String(decoding: body[..<equals], as: UTF8.self)
            let value = String(decoding: body[(equals + 1)...], as: UTF8.self)
            switch key {
            case "path": nextPath = value
            case "linkpath": nextLink = value
            case "size": nextSize = Int64(value)
            case "mtime": nextModified = Self.paxSeconds(value)
            default: break
            }
        }
    }

    /// The whole seconds of a pax time, with its fraction ("1700000000.785845007", as bsdtar
    /// writes every time it puts in a pax header) or not: rounded down, as stat gives a time
    /// (-1.5 is second -2 and half a second); nil when it is not a number.
    static func paxSeconds(_ value: String) -> Int64? {
        let parts = value.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = Int64(parts[0]), parts.count == 1 || parts[1].allSatisfy({ $0.isASCII }) && parts[1].allSatisfy({ $0.isNumber }) else { return nil }
        let hasFraction = parts.count > 1 && parts[1].contains { $0 != "0" }
        return parts[0].hasPrefix("-") && hasFraction ? whole - 1 : whole
    }

    static func string(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// An octal field, as tar writes them (space or NUL padded).
    static func octal(_ bytes: ArraySlice<UInt8>, field: String) throws -> Int64 {
        var value: Int64 = 0
        var seenDigit = false
        for byte in bytes {
            if byte == 0 || (byte == 0x20 && seenDigit) { break }
            if byte == 0x20 { continue }
            guard (0x30...0x37).contains(byte) else { throw Error("a member header is damaged (its \(field) is not a number)") }
            value = value * 8 + Int64(byte - 0x30)
            seenDigit = true
        }
        return value
    }

    /// A modification time: octal, or GNU's base-256, which is signed (a time before 1970).
    /// Never an error: a time that cannot be read is no reason to call a member damaged.
    static func time(_ bytes: ArraySlice<UInt8>) -> Int64 {
        guard let first = bytes.first, first & 0x80 != 0 else { return (try? octal(bytes, field: "mtime")) ?? 0 }
        // Two's complement over the field's bytes, the marker bit taken as part of the sign.
        var value: Int64 = first & 0x40 != 0 ? -1 : 0
        value = value << 8 | Int64(first & 0x7F | (first & 0x40 != 0 ? 0x80 : 0))
        for byte in bytes.dropFirst() {
            guard value > Int64.min >> 8, value < Int64.max >> 8 else { return 0 }
            value = value << 8 | Int64(byte)
        }
        return value
    }

    /// A size: octal, or GNU's base-256 for sizes of 8 GiB and more.
    static func number(_ bytes: ArraySlice<UInt8>, field: String) throws -> Int64 {
        guard let first = bytes.first, first & 0x80 != 0 else { return try octal(bytes, field: field) }
        var value: Int64 = Int64(first & 0x7F)
        for byte in bytes.dropFirst() {
            guard value < Int64.max >> 8 else { throw Error("a member is too large") }
            value = value << 8 | Int64(byte)
        }
        return value
    }
}
