import Foundation
import Testing
@testable import ClaudeshKit

/// The two tars a backup is written with: which one is on PATH, the arguments each gets, and
/// what the real GNU tar and bsdtar write from them, read back through TarReader.
struct BackupTarTests {
    /// `.build/tars/gnu/tar` and `.build/tars/bsd/tar`, which `scripts/test` links
    /// (CLAUDESH_TEST_TARS); a run without them fails, it never skips.
    static func folder(_ tar: BackupTar) throws -> String {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let tars = ProcessInfo.processInfo.environment["CLAUDESH_TEST_TARS"] ?? repository + "/.build/tars"
        let folder = tars + (tar == .gnu ? "/gnu" : "/bsd")
        guard FileManager.default.isExecutableFile(atPath: folder + "/tar") else {
            throw TarTestError(message: "no \(folder)/tar: run the suite with scripts/test, which links GNU tar and bsdtar there")
        }
        return folder
    }

    struct TarTestError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// Runs `program` with its output into `output`; its status.
    @discardableResult
    static func run(_ program: String, _ arguments: [String], output: String? = nil, environment: [String: String]? = nil) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let output {
            _ = FileManager.default.createFile(atPath: output, contents: nil)
            process.standardOutput = FileHandle(forWritingAtPath: output)
        }
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test func theTarIsToldByItsVersionLine() async throws {
        #expect(BackupTar.identify(version: "tar (GNU tar) 1.34\nCopyright (C) 2021 Free Software Foundation, Inc.\n") == .gnu)
        #expect(BackupTar.identify(version: "bsdtar 3.5.3 - libarchive 3.5.3 zlib/1.2.12 liblzma/5.0.5 bz2lib/1.0.8\n") == .bsd)
        #expect(BackupTar.identify(version: "tar (busybox) 1.35.0\n") == nil)
        #expect(BackupTar.identify(version: "") == nil)
        // The real ones, found on PATH as create finds them.
        for tar in [BackupTar.gnu, .bsd] {
            let found = try await BackupTar.find(environment: ["PATH": try Self.folder(tar) + ":/usr/bin:/bin"])
            #expect(found == tar)
        }
        let busybox = temporaryFolder("busybox-tar")
        defer { try? FileManager.default.removeItem(atPath: busybox) }
        try FileManager.default.createSymbolicLink(atPath: busybox + "/tar", withDestinationPath: "/bin/busybox")
        let other = await #expect(throws: BackupArchive.Failure.self) { try await BackupTar.find(environment: ["PATH": busybox]) }
        #expect(other?.description.contains("neither GNU tar nor bsdtar (tar --version: tar (busybox) ") == true, "\(String(describing: other))")
        let none = await #expect(throws: BackupArchive.Failure.self) { try await BackupTar.find(environment: ["PATH": "/nonexistent"]) }
        #expect(none?.description.hasPrefix("tar is not installed") == true, "\(String(describing: none))")
    }

    @Test func eachTarGetsItsOwnArgumentsForTheSameMembers() {
        let items: [BackupManifest.Item] = [
            .init(path: ".claude", kind: .directory, size: 0, mode: 0o700),
            .init(path: ".claude/with space #1=\\x.txt", kind: .file, size: 3, mode: 0o600, sha256: "x"),
            .init(path: ".claude/link", kind: .symlink, size: 0, mode: 0o777, target: "with space #1=\\x.txt"),
            .init(path: "ünï", kind: .file, size: 3, mode: 0o644, sha256: "x"),
        ]
        let gnu = BackupTar.gnu.command(manifestFile: "/s/.claudesh-backup-manifest.json", items: items, home: "/home/op", scratch: "/s")
        #expect(gnu.arguments == ["--create", "--gzip", "--file=-", "--format=gnu", "--hard-dereference", "--directory=/s", ".claudesh-backup-manifest.json",
                                  "--directory=/home/op", "--no-recursion", "--null", "--files-from=/s/members"])
        #expect(gnu.list == "/s/members")
        #expect(String(decoding: gnu.listBytes, as: UTF8.self) == ".claude\0.claude/with space #1=\\x.txt\0.claude/link\0ünï")
        let bsd = BackupTar.bsd.command(manifestFile: "/s/.claudesh-backup-manifest.json", items: items, home: "/home/op", scratch: "/s")
        #expect(bsd.arguments == ["-c", "-z", "-f", "-", "@/s/members.mtree"])
        #expect(bsd.list == "/s/members.mtree")
        #expect(String(decoding: bsd.listBytes, as: UTF8.self) == """
            #mtree
            .claudesh-backup-manifest.json type=file nlink=1 contents=/s/.claudesh-backup-manifest.json
            .claude/ type=dir contents=/home/op/.claude
            .claude/with\\040space\\040\\0431\\075\\134x.txt type=file nlink=1 contents=/home/op/.claude/with\\040space\\040\\0431\\075\\134x.txt
            .claude/link type=link nlink=1 link=with\\040space\\040\\0431\\075\\134x.txt contents=/home/op/.claude/link
            \\303\\274n\\303\\257 type=file nlink=1 contents=/home/op/\\303\\274n\\303\\257

            """)
        // A control character and a newline are escaped too: one entry is one line.
        #expect(BackupTar.mtreeEscaped("a\nb\tc\u{7F}") == "a\\012b\\011c\\177")
    }

    @Test func paxTimesAreWholeSecondsRoundedDown() {
        #expect(TarReader.paxSeconds("1796435216.785845007") == 1_796_435_216)
        #expect(TarReader.paxSeconds("1700000000") == 1_700_000_000)
        #expect(TarReader.paxSeconds("-315619200") == -315_619_200)
        #expect(TarReader.paxSeconds("-315619200.000000000") == -315_619_200)
        #expect(TarReader.paxSeconds("-1.5") == -2)
        #expect(TarReader.paxSeconds("-0.25") == -1)
        #expect(TarReader.paxSeconds("12x") == nil)
        #expect(TarReader.paxSeconds("1.5e3") == nil)
    }

    /// One member as the reader saw it.
    struct Member: Equatable, CustomStringConvertible {
        var path: String
        var kind: TarReader.Entry.Kind
        var size: Int64
        var mode: UInt32
        var modified: Int64
        var target: String?
        var sha256: String
        var description: String { "\(path) \(kind) \(size) \(String(mode, radix: 8)) \(modified) \(target ?? "") \(sha256.prefix(8))" }
    }

    /// The members of a gzipped tar file, read by TarReader in pieces of odd sizes.
    static func members(ofGzipped archive: String) throws -> [Member] {
        let plain = archive + ".tar"
        #expect(try run("/bin/sh", ["-c", "gzip -dc < \"$0\" > \"$1\"", archive, plain]) == 0)
        return try members(of: plain)
    }

    static func members(of archive: String) throws -> [Member] {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: archive))
        var reader = TarReader()
        var members: [Member] = []
        var hasher = SHA256()
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + 700 + offset % 513, bytes.count)
            try reader.feed(Array(bytes[offset..<end])) { event in
                switch event {
                case .entry(let entry):
                    members.append(Member(path: entry.path, kind: entry.kind, size: entry.size, mode: entry.mode, modified: entry.modified, target: entry.linkTarget, sha256: ""))
                    hasher = SHA256()
                case .content(let piece): hasher.update(piece)
                case .end: members[members.count - 1].sha256 = hasher.finalize()
                }
            }
            offset = end
        }
        #expect(reader.isComplete)
        return members
    }

    /// A home of hostile names, archived by the real GNU tar and bsdtar with the arguments
    /// create gives each: the same members in the same order, each as the manifest has it.
    @Test func gnuTarAndBsdtarWriteTheSameMembersFromTheManifest() throws {
        let root = temporaryFolder("tars")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let home = root + "/home"
        let manager = FileManager.default
        let deep = (1...14).map { "folder\($0)" }.joined(separator: "/") // 150 bytes of short names: ustar's prefix
        let longName = String(repeating: "n", count: 120) // one name longer than a ustar name field
        for folder in ["a/empty", "a/" + deep, "a/" + longName, "c"] {
            try manager.createDirectory(atPath: home + "/" + folder, withIntermediateDirectories: true)
        }
        let names = ["plain.txt", "with space.txt", "tab\there", "new\nline", "back\\slash", "#hash", "eq=sign", "ünïcödé.txt", "quote'd \"name\""]
        for (index, name) in names.enumerated() {
            _ = manager.createFile(atPath: home + "/a/" + name, contents: Data("content \(index) of \(name)\n".utf8), attributes: [.posixPermissions: [0o644, 0o600, 0o640, 0o755][index % 4]])
        }
        _ = manager.createFile(atPath: home + "/a/" + deep + "/deep.txt", contents: Data(repeating: 7, count: 70_000))
        _ = manager.createFile(atPath: home + "/a/" + longName + "/" + String(repeating: "é", count: 60) + ".txt", contents: Data("long\n".utf8))
        try manager.linkItem(atPath: home + "/a/plain.txt", toPath: home + "/a/hard link.txt")
        try manager.createSymbolicLink(atPath: home + "/a/link", withDestinationPath: "with space.txt")
        _ = manager.createFile(atPath: home + "/a/old.txt", contents: Data("old\n".utf8), attributes: [.modificationDate: Date(timeIntervalSince1970: -315_619_200)])
        // Top-level names after a top-level folder: each stays at the top.
        _ = manager.createFile(atPath: home + "/b.txt", contents: Data("b\n".utf8))
        _ = manager.createFile(atPath: home + "/c/d.txt", contents: Data("d\n".utf8))

        let set = BackupSet(roots: [home + "/a", home + "/b.txt", home + "/c"], excluded: [], home: home)
        let (manifest, _) = try set.manifest(now: 1_800_000_000)
        #expect(manifest.items.contains { $0.path == "a/hard link.txt" && $0.kind == .file })
        var written: [BackupTar: [Member]] = [:]
        for tar in [BackupTar.gnu, .bsd] {
            let scratch = root + "/scratch-\(tar)"
            try manager.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            let manifestFile = scratch + "/.claudesh-backup-manifest.json"
            try Data("{}\n".utf8).write(to: URL(fileURLWithPath: manifestFile))
            let command = tar.command(manifestFile: manifestFile, items: manifest.items, home: home, scratch: scratch)
            try Data(command.listBytes).write(to: URL(fileURLWithPath: command.list))
            let archive = root + "/\(tar).tar.gz"
            let status = try Self.run(try Self.folder(tar) + "/tar", command.arguments, output: archive, environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"])
            #expect(status == 0, "\(tar)")
            let members = try Self.members(ofGzipped: archive)
            written[tar] = members
            #expect(members.first?.path == ".claudesh-backup-manifest.json", "\(tar): the manifest first")
            #expect(members.first?.sha256 == SHA256.hex(Array("{}\n".utf8)))
            // Then the manifest's items, in its order, each as the manifest describes it.
            let rest = Array(members.dropFirst())
            #expect(rest.map { $0.path.hasSuffix("/") ? String($0.path.dropLast()) : $0.path } == manifest.items.map(\.path), "\(tar)")
            for (member, item) in zip(rest, manifest.items) {
                let kind: TarReader.Entry.Kind = item.kind == .file ? .file : item.kind == .directory ? .directory : .symlink
                #expect(member.kind == kind && member.mode & 0o7777 == item.mode, "\(tar): \(member)")
                if item.kind == .file { #expect(member.size == item.size && member.sha256 == item.sha256, "\(tar): \(member)") }
                if item.kind == .symlink { #expect(member.target == item.target, "\(tar): \(member)") }
                var info = stat()
                #expect(lstat(home + "/" + item.path, &info) == 0)
                #expect(member.modified == Int64(info.st_mtim.tv_sec), "\(tar): the time, to the second: \(member)")
            }
        }
        // The same archive to the reader, but for the manifest's own time.
        #expect(written[.gnu].map { Array($0.dropFirst()) } == written[.bsd].map { Array($0.dropFirst()) })
    }

    /// What bsdtar writes when it walks a folder itself, in each of its tar formats: full pax
    /// headers (atime, ctime, fractions, LIBARCHIVE.xattr and SCHILY keywords), restricted pax
    /// and GNU's long names.
    @Test func theReaderReadsEveryTarFormatBsdtarWrites() throws {
        let root = temporaryFolder("bsdtar")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let tree = root + "/tree"
        let longPath = String(repeating: "n", count: 120) + "/" + String(repeating: "é", count: 60) + ".txt"
        try FileManager.default.createDirectory(atPath: tree + "/" + String(repeating: "n", count: 120), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: tree + "/empty", withIntermediateDirectories: true)
        let content = Data((0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        _ = FileManager.default.createFile(atPath: tree + "/" + longPath, contents: content)
        _ = FileManager.default.createFile(atPath: tree + "/tagged.txt", contents: Data("x".utf8), attributes: [.posixPermissions: 0o640])
        // An extended attribute, which bsdtar stores in LIBARCHIVE.xattr and SCHILY.xattr records.
        try #require(try Self.run("/usr/bin/python3", ["-c", "import os, sys; os.setxattr(sys.argv[1], 'user.claudesh', b'a value')", tree + "/tagged.txt"]) == 0)
        try FileManager.default.createSymbolicLink(atPath: tree + "/link", withDestinationPath: "tagged.txt")
        let bsdtar = try Self.folder(.bsd) + "/tar"
        for format in ["pax", "restricted", "gnutar"] {
            let archive = root + "/\(format).tar"
            let options = format == "restricted" ? [] : ["--format", format]
            #expect(try Self.run(bsdtar, ["-c", "-f", archive] + options + ["-C", tree, "."]) == 0)
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: archive)), as: UTF8.self)
            if format == "pax" {
                #expect(text.contains("LIBARCHIVE.xattr.user.claudesh=") && text.contains("SCHILY.xattr.user.claudesh=") && text.contains(" atime="), "what the reader has to pass over")
            }
            let members = try Self.members(of: archive)
            let byPath = Dictionary(members.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
            #expect(byPath["./" + longPath]?.size == Int64(content.count) && byPath["./" + longPath]?.sha256 == SHA256.hex(Array(content)), "\(format): \(members)")
            #expect(byPath["./tagged.txt"]?.mode == 0o640 && byPath["./tagged.txt"]?.sha256 == SHA256.hex(Array("x".utf8)), "\(format)")
            #expect(byPath["./link"]?.kind == .symlink && byPath["./link"]?.target == "tagged.txt", "\(format)")
            #expect(byPath["./empty/"]?.kind == .directory, "\(format): \(members)")
            var info = stat()
            lstat(tree + "/tagged.txt", &info)
            #expect(byPath["./tagged.txt"]?.modified == Int64(info.st_mtim.tv_sec), "\(format)")
        }
    }
}
