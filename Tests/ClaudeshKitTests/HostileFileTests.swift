import Foundation
import Testing
@testable import ClaudeshKit

/// Files written to hurt: YAML that expands without end, mappings too large for a quadratic
/// scan, devices and huge files where a config should be, and junk in a compose file.
struct HostileFileTests {
    /// Nine levels of ten aliases each: 10⁹ nodes for whatever walks the tree.
    static let billionLaughs: String = {
        var lines = [#"x-a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]"#]
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            lines.append("x-\(name): &\(name) [" + Array(repeating: "*" + previous, count: 10).joined(separator: ",") + "]")
            previous = name
        }
        lines.append("services:\n  s:\n    image: busybox\n    command: *i")
        return lines.joined(separator: "\n") + "\n"
    }()

    @Test func aliasesThatStandForTooManyNodesAreRefusedWithTheirPlace() throws {
        #expect(throws: YAMLParser.Error(message: "aliases stand for more than 1000000 nodes (a \"billion laughs\" file?)", line: 6, column: 31)) {
            try YAMLParser.parse(Self.billionLaughs)
        }
    }

    @Test func aliasesWithinTheBudgetStillResolve() throws {
        let root = try YAMLParser.parse("x: &x [1, 2]\ny: [*x, *x]\n")
        #expect(root["y"]?.items?.count == 2)
        #expect(root["y"]?.items?.first?.items?.count == 2)
    }

    /// A quadratic duplicate-key scan takes hours on this many keys; a linear one, moments.
    @Test func aMappingOfTwoHundredThousandKeysIsRead() throws {
        let text = (0..<200_000).map { "k\($0): \($0)" }.joined(separator: "\n")
        let root = try YAMLParser.parse(text)
        #expect(root.pairs?.count == 200_000)
        #expect(root["k199999"]?.text == "199999")
    }

    @Test func aDuplicateKeyAmongManyIsStillFound() throws {
        let text = (0..<1000).map { "k\($0): x" }.joined(separator: "\n") + "\nk500: y\n"
        #expect(throws: YAMLParser.Error(message: "duplicate key 'k500': a key is given once in a mapping", line: 1001, column: 1)) {
            try YAMLParser.parse(text)
        }
    }

    @Test func aDeviceIsNotReadAsAFile() throws {
        #expect(throws: FileError("read", "/dev/zero", code: EINVAL, detail: "it is not a regular file (a device, a pipe or a socket)")) {
            try FileIO.read("/dev/zero")
        }
    }

    @Test func aFileLargerThanTheLimitIsRefusedBeforeItIsRead() throws {
        let folder = temporaryFolder("hostile")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/history"
        // Sparse: a gigabyte on paper, nothing on disk.
        let fd = open(path, O_WRONLY | O_CREAT, 0o600)
        #expect(ftruncate(fd, 1 << 30) == 0)
        close(fd)
        #expect(throws: FileError("read", path, code: EFBIG, detail: "it holds 1.0 GiB, more than the 64.0 MiB claudesh reads")) {
            try FileIO.read(path)
        }
        #expect(throws: FileError("read", path, code: EFBIG, detail: "it holds 1.0 GiB, more than the 64.0 MiB claudesh reads")) {
            try HistoryFile(path: path).load()
        }
    }

    @Test func aComposeFileLinkedToADeviceIsAClearError() throws {
        let folder = temporaryFolder("hostile")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/compose.yaml"
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "/dev/zero")
        #expect(throws: ComposeFile.Error.file(FileError("read", path, code: EINVAL, detail: "it is not a regular file (a device, a pipe or a socket)"))) {
            try ComposeFile(path: path)
        }
    }

    /// Junk made of YAML's own characters, cut and spliced from a real compose file: every
    /// case is read or refused with a place, and none stops the process.
    @Test func composeLoaderSurvivesGeneratedJunk() throws {
        let seed = """
        services:
          web: &web
            image: "mcp/x:1"
            command: ["a", 'b', |½, >-]
            environment: {A: 1, B: ~}
            <<: *web
        x-list: [- ? : # ! & * | > ' " % @ ` \t ½ 🦀]
        """
        let pieces = Array(seed.unicodeScalars) + ["\n", " ", "-", ":", "&a", "*a", "|", ">", "|½", "[", "]", "{", "}", "?", "!!str", "%YAML", "---", "\u{0}", "\u{FEFF}", "\\"].flatMap { $0.unicodeScalars }
        var random = SplitMix64(seed: 14)
        var refused = 0
        for _ in 0..<3000 {
            var text = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 1...200, using: &random) {
                text.append(pieces[Int.random(in: 0..<pieces.count, using: &random)])
            }
            do {
                let file = try ComposeFile(text: String(text), path: "junk.yaml")
                _ = file.services
            } catch {
                if case .malformed(_, let problem) = error { #expect(problem.line >= 1 && problem.column >= 1) }
                refused += 1
            }
        }
        #expect(refused > 0)
    }
}
