import Foundation
import Testing

/// scripts/claudesh's install step and quiet build (scripts/lib/install.sh), in the real bash:
/// the built binary copied to a stable folder only when it changed, and a build with nothing to
/// do printing nothing.
@Suite
struct LauncherTests {
    static let library = MCPFixtures.repository + "/scripts/lib/install.sh"

    func bash(_ script: String, _ arguments: [String] = [], extra: [String: String] = [:]) throws -> Claudesh.Result {
        let environment = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()].merging(extra) { $1 }
        return try Claudesh.runProgram("/bin/bash", ["-c", "set -euo pipefail; source \"$0\"; " + script, Self.library] + arguments, environment: environment)
    }

    @Test func theBuiltBinaryIsInstalledOnceAndAgainOnlyWhenItChanged() throws {
        let folder = Claudesh.temporaryFolder("claudesh-launcher")
        defer { Claudesh.cleanUp(folder) }
        let built = folder + "/build/claudesh"
        try FileManager.default.createDirectory(atPath: folder + "/build", withIntermediateDirectories: true)
        try Data("#!/bin/sh\necho one\n".utf8).write(to: URL(fileURLWithPath: built))
        let target = ["CLAUDESH_INSTALL_DIR": folder + "/bin"]
        let installed = folder + "/bin/claudesh"

        let first = try bash("install_claudesh \"$1\"", [built], extra: target)
        #expect(first.status == 0 && first.stdout == installed + "\n", "\(first.stdout)\(first.stderr)")
        #expect(first.stderr.contains("installed \(installed)"), "\(first.stderr)")
        let attributes = try FileManager.default.attributesOfItem(atPath: installed)
        #expect((attributes[.posixPermissions] as? Int) == 0o755)
        #expect(FileManager.default.contents(atPath: installed) == FileManager.default.contents(atPath: built))

        let second = try bash("install_claudesh \"$1\"", [built], extra: target)
        #expect(second.status == 0 && second.stdout == installed + "\n" && second.stderr.isEmpty, "nothing changed, nothing said: \(second.stderr)")
        let inode = try FileManager.default.attributesOfItem(atPath: installed)[.systemFileNumber] as? Int
        #expect(inode == attributes[.systemFileNumber] as? Int, "the same file, not written again")

        try Data("#!/bin/sh\necho two\n".utf8).write(to: URL(fileURLWithPath: built))
        let third = try bash("install_claudesh \"$1\"", [built], extra: target)
        #expect(third.status == 0 && third.stderr.contains("installed"), "\(third.stderr)")
        #expect(String(decoding: FileManager.default.contents(atPath: installed) ?? Data(), as: UTF8.self).contains("echo two"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder + "/bin")
        #expect(leftovers == ["claudesh"], "no temp file left behind: \(leftovers)")
    }

    @Test func aBuildWithNothingToDoIsQuietAndOneThatCompilesOrFailsIsShown() throws {
        let idle = try bash("build_quietly printf 'Building for production...\\n[0/1] Planning build\\nBuild complete! (0.30s)\\n'")
        #expect(idle.status == 0 && idle.stderr.isEmpty && idle.stdout.isEmpty, "\(idle.stderr)")
        let compiling = try bash("build_quietly printf 'Building for production...\\n[1/3] Compiling ClaudeshKit Settings.swift\\nBuild complete!\\n'")
        #expect(compiling.status == 0 && compiling.stderr.contains("Building for production") && compiling.stderr.contains("Compiling ClaudeshKit") && compiling.stderr.contains("Build complete!"), "\(compiling.stderr)")
        let failing = try bash("build_quietly sh -c 'echo \"Package.swift: no such module\"; exit 1' || echo \"status $?\"")
        #expect(failing.stderr.contains("no such module") && failing.stdout.contains("status 1"), "\(failing.stdout)\(failing.stderr)")
    }
}
