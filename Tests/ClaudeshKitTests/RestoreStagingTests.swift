import Foundation
import Testing
@testable import ClaudeshKit

/// What a restore stages while it reads the archive, when the archive lies.
struct RestoreStagingTests {
    /// A ustar header for a regular file of `size` bytes.
    static func header(_ name: String, size: Int) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int) { for (index, byte) in text.utf8.enumerated() { block[offset + index] = byte } }
        put(name, at: 0)
        put("0000644", at: 100)
        put("0000000", at: 108)
        put("0000000", at: 116)
        put(octal(size, digits: 11), at: 124)
        put("14544231600", at: 136)
        put("        ", at: 148)
        block[156] = UInt8(ascii: "0")
        put("ustar", at: 257)
        put("00", at: 263)
        let sum = block.reduce(0) { $0 + Int($1) }
        put(octal(sum, digits: 6), at: 148)
        block[154] = 0
        block[155] = UInt8(ascii: " ")
        return block
    }

    static func octal(_ value: Int, digits: Int) -> String {
        let text = String(value, radix: 8)
        return String(repeating: "0", count: digits - text.count) + text
    }

    static func padded(_ bytes: [UInt8]) -> [UInt8] {
        bytes + [UInt8](repeating: 0, count: (512 - bytes.count % 512) % 512)
    }

    /// A stream check that stages every file of its manifest, which lists a.txt of 4 bytes
    /// ("fine"), with the manifest already read.
    static func checkAfterTheManifest(in folder: String) throws -> (BackupArchive.StreamCheck, RestoreStaging) {
        let manifest = Array(#"{"format": 1, "created": 1700000000, "items": [{"path": "a.txt", "kind": "file", "size": 4, "mode": "644", "sha256": "d14a58bae804a2b80b5b76a010239c88ffca1fc7951a90f8e9131beda1e23c1b"}]}"#.utf8)
        let staging = try RestoreStaging(in: folder) { manifest in Set(manifest.items.map { $0.path }) }
        var check = BackupArchive.StreamCheck()
        check.staging = staging
        try check.feed(header(BackupManifest.memberName, size: manifest.count) + padded(manifest))
        return (check, staging)
    }

    /// A header that claims 64 MiB where the manifest says 4 bytes: the gzip bomb's shape.
    @Test func aMemberLargerThanItsManifestSaysIsNotStagedAtAll() throws {
        let folder = temporaryFolder("staging")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var (check, staging) = try Self.checkAfterTheManifest(in: folder)
        defer { staging.remove() }
        try check.feed(Self.header("a.txt", size: 64 << 20))
        for _ in 0..<4 { try check.feed([UInt8](repeating: 0, count: 1 << 20)) }
        #expect(check.problems == ["size: a.txt has 67108864 bytes, the manifest says 4"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: staging.folder.path).isEmpty)
    }

    @Test func aMemberThatMatchesItsManifestIsStaged() throws {
        let folder = temporaryFolder("staging")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var (check, staging) = try Self.checkAfterTheManifest(in: folder)
        defer { staging.remove() }
        try check.feed(Self.header("a.txt", size: 4) + Self.padded(Array("fine".utf8)))
        #expect(check.problems.isEmpty)
        #expect(staging.files.keys.sorted() == ["a.txt"])
    }
}
