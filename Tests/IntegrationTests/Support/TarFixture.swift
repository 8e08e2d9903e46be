import Foundation
import Testing

/// The tar a backup test runs claudesh with: GNU tar (Linux's) or bsdtar (macOS's, Debian's
/// libarchive-tools), each the `tar` of its own folder that `scripts/test` links in .build/tars
/// (CLAUDESH_TEST_TARS) and put first on PATH.
enum TestTar: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case gnu, bsd

    var testDescription: String { self == .gnu ? "GNU tar" : "bsdtar" }

    var other: TestTar { self == .gnu ? .bsd : .gnu }

    /// The folder whose `tar` is this one; a run without it fails, it never skips.
    var folder: String {
        get throws {
            let tars = ProcessInfo.processInfo.environment["CLAUDESH_TEST_TARS"] ?? MCPFixtures.repository + "/.build/tars"
            let folder = tars + "/" + rawValue
            guard FileManager.default.isExecutableFile(atPath: folder + "/tar") else {
                throw FixtureError(message: "no \(folder)/tar: run the suite with scripts/test, which links GNU tar and bsdtar there")
            }
            return folder
        }
    }

    /// The environment entries that put this tar first on PATH.
    var environment: [String: String] {
        get throws { ["PATH": try folder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")] }
    }

    /// The tar that wrote the backup `archive`, by the magic of its first header: GNU tar's
    /// `--format=gnu` writes "ustar  \0", bsdtar's pax POSIX's "ustar\0" "00".
    /// `user`: a command that runs the rest as the backup's owner (setpriv), if it is not root.
    static func writer(of archive: String, environment: [String: String], user: [String] = []) throws -> TestTar? {
        let shell = ["/bin/sh", "-c", "gpg --batch -d \"$0\" 2>/dev/null | gzip -dc | head -c 265 | tail -c 8 | od -An -tx1", archive]
        let command = user + shell
        let magic = try Claudesh.runProgram(command[0], Array(command.dropFirst()), environment: environment).stdout
        switch magic.split(whereSeparator: \.isWhitespace).joined(separator: " ") {
        case "75 73 74 61 72 20 20 00": return .gnu
        case "75 73 74 61 72 00 30 30": return .bsd
        default: return nil
        }
    }
}
