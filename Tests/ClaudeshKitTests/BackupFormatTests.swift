import Foundation
import Testing
@testable import ClaudeshKit

/// The pieces a backup is checked with: SHA-256, the tar stream reader, the manifest.
struct BackupFormatTests {
    @Test func sha256MatchesTheStandardVectorsFedInAnyPieces() {
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(SHA256.hex(long) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // A million "a"s, fed in pieces of odd sizes.
        var hasher = SHA256()
        let piece = [UInt8](repeating: UInt8(ascii: "a"), count: 997)
        var left = 1_000_000
        while left > 0 {
            let take = min(left, piece.count)
            hasher.update(piece[0..<take])
            left -= take
        }
        #expect(hasher.finalize() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // A copy goes on from the same state without touching the original.
        var original = SHA256()
        original.update(Array("abc".utf8))
        var copy = original
        copy.update(Array("def".utf8))
        #expect(original.finalize() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(copy.finalize() == SHA256.hex(Array("abcdef".utf8)))
        // The portable code, for systems without libcrypto, gives the same digests.
        for (text, digest) in [("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
                               ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
                               (String(decoding: long, as: UTF8.self), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")] {
            var software = SoftwareSHA256()
            for byte in text.utf8 { software.update([byte]) }
            #expect(software.finalize() == digest)
        }
    }

    /// A tree made and archived by the real tar, then read back through TarReader.
    @Test func theReaderSeesWhatTarWroteLongNamesLinksEmptyFoldersAndContent() throws {
        let root = temporaryFolder("tar")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let tree = root + "/tree"
        let longName = String(repeating: "n", count: 120) + "/" + String(repeating: "é", count: 60) + ".txt"
        try FileManager.default.createDirectory(atPath: tree + "/empty", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: tree + "/" + String(repeating: "n", count: 120), withIntermediateDirectories: true)
        let content = Data((0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        _ = FileManager.default.createFile(atPath: tree + "/" + longName, contents: content)
        _ = FileManager.default.createFile(atPath: tree + "/odd name 'quoted'.txt", contents: Data("x".utf8), attributes: [.posixPermissions: 0o640])
        try FileManager.default.createSymbolicLink(atPath: tree + "/link", withDestinationPath: "odd name 'quoted'.txt")
        for format in ["gnu", "pax"] {
            let archive = root + "/a-\(format).tar"
            let made = try Process.run(URL(fileURLWithPath: "/bin/tar"), arguments: ["--format=\(format)", "-cf", archive, "-C", tree, "."])
            made.waitUntilExit()
            #expect(made.terminationStatus == 0)
            var reader = TarReader()
            var entries: [TarReader.Entry] = []
            var hashes: [String: SHA256] = [:]
            let bytes = try Data(contentsOf: URL(fileURLWithPath: archive))
            // Fed in pieces that cut headers and content at odd places.
            var offset = 0
            var current = ""
            while offset < bytes.count {
                let end = min(offset + 1000 + offset % 777, bytes.count)
                try reader.feed(Array(bytes[offset..<end])) { event in
                    switch event {
                    case .entry(let entry): entries.append(entry); current = entry.path; hashes[current] = SHA256()
                    case .content(let piece): hashes[current]?.update(piece)
                    case .end: break
                    }
                }
                offset = end
            }
            #expect(reader.isComplete, "\(format)")
            let byPath = Dictionary(entries.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
            #expect(byPath["./" + longName]?.size == Int64(content.count), "\(format): \(byPath.keys.sorted())")
            var digest = hashes["./" + longName]!
            #expect(digest.finalize() == SHA256.hex(content))
            #expect(byPath["./empty/"]?.kind == .directory || byPath["./empty"]?.kind == .directory)
            #expect(byPath["./link"]?.kind == .symlink && byPath["./link"]?.linkTarget == "odd name 'quoted'.txt")
            #expect(byPath["./odd name 'quoted'.txt"]?.mode == 0o640)
        }
    }

    @Test func aDamagedOrCutStreamIsNoticed() throws {
        let root = temporaryFolder("tarbad")
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = FileManager.default.createFile(atPath: root + "/f", contents: Data(repeating: 7, count: 5000))
        let made = try Process.run(URL(fileURLWithPath: "/bin/tar"), arguments: ["-cf", root + "/a.tar", "-C", root, "f"])
        made.waitUntilExit()
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: root + "/a.tar")))
        var cut = TarReader()
        try cut.feed(bytes[0..<3000]) { _ in }
        #expect(!cut.isComplete)
        bytes[10] ^= 0x40 // inside the first header's name
        var damaged = TarReader()
        #expect(throws: TarReader.Error.self) { try damaged.feed(bytes) { _ in } }
    }

    @Test func theManifestReadsBackAsWrittenAndRefusesWhatItDoesNotKnow() throws {
        let manifest = BackupManifest(created: 1_795_615_098, items: [
            .init(path: ".claude/claudeshrc", kind: .file, size: 12, mode: 0o600, sha256: String(repeating: "a", count: 64)),
            .init(path: ".password-store", kind: .directory, size: 0, mode: 0o700),
            .init(path: ".claude/link", kind: .symlink, size: 0, mode: 0o777, target: "claudeshrc"),
        ])
        let text = manifest.json.serialized(pretty: true)
        #expect(try BackupManifest(parsing: Array(text.utf8)) == manifest)
        #expect(text.contains("\"mode\": \"600\""))
        #expect(throws: BackupManifest.Error.self) { try BackupManifest(parsing: Array("{\"format\": 2, \"created\": 1, \"items\": []}".utf8)) }
        #expect(throws: BackupManifest.Error.self) { try BackupManifest(parsing: Array("not json".utf8)) }
    }

    /// A 512-byte tar header, as a hostile archive would carry it.
    static func header(_ name: String, type: Character, size: Int, magic: String = "ustar\u{0}00", prefix: String = "") -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int) { for (index, byte) in text.utf8.enumerated() { block[offset + index] = byte } }
        put(name, at: 0)
        put("0000644\u{0}", at: 100)
        put(String(repeating: "0", count: 11 - String(size, radix: 8).count) + String(size, radix: 8) + "\u{0}", at: 124)
        block[156] = UInt8(ascii: type.unicodeScalars.first!)
        put(magic, at: 257)
        put(prefix, at: 345)
        put("        ", at: 148)
        let sum = block.reduce(0) { $0 + Int($1) }
        put(String(repeating: "0", count: 6 - String(sum, radix: 8).count) + String(sum, radix: 8) + "\u{0} ", at: 148)
        return block
    }

    static func padded(_ text: String) -> [UInt8] {
        var bytes = Array(text.utf8)
        bytes += [UInt8](repeating: 0, count: (512 - bytes.count % 512) % 512)
        return bytes
    }

    @Test func hostileHeadersAreReadAsGNUTarReadsThemOrRefused() throws {
        func entries(_ bytes: [UInt8]) throws -> [String] {
            var reader = TarReader()
            var names: [String] = []
            try reader.feed(bytes) { if case .entry(let entry) = $0 { names.append(entry.path) } }
            return names
        }
        // A pax record whose length is shorter than its own prefix: an error, not a crash.
        #expect(throws: TarReader.Error.self) { try entries(Self.header("p", type: "x", size: 2) + Self.padded("1 ")) }
        // A pax size belongs to the member after the headers, not to a GNU long-name header.
        let record = "12 size=512\n"
        let tricked = Self.header("p", type: "x", size: record.utf8.count) + Self.padded(record)
            + Self.header("././@LongLink", type: "L", size: 2) + Self.padded("f\u{0}")
            + Self.header("ignored", type: "0", size: 512) + [UInt8](repeating: 65, count: 512) + [UInt8](repeating: 0, count: 1024)
        #expect(try entries(tricked) == ["f"])
        // A lone zero block ends the archive, as for GNU tar: what follows is not read.
        let lone = Self.header("a", type: "0", size: 0) + [UInt8](repeating: 0, count: 512) + Self.header("b", type: "0", size: 0)
        #expect(try entries(lone) == ["a"])
        // GNU's magic keeps other fields where POSIX has the path prefix.
        #expect(try entries(Self.header("f", type: "0", size: 0, magic: "ustar  \u{0}", prefix: "other")) == ["f"])
        #expect(try entries(Self.header("f", type: "0", size: 0, prefix: "dir")) == ["dir/f"])
        #expect(throws: TarReader.Error.self) { try entries(Self.header("s", type: "S", size: 0)) }
    }
}
