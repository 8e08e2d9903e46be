import Foundation
import Testing

/// What a command that needs no more costs at its start: no thread (strace sees every clone).
struct StartupTests {
    @Test(arguments: [["-c", "help"], ["--version"], ["-c", "set"]])
    func aCommandThatConnectsNothingStartsNoThread(_ arguments: [String]) throws {
        let home = Claudesh.temporaryFolder()
        defer { Claudesh.cleanUp(home) }
        let result = try Claudesh.runProgram("/usr/bin/strace", ["-f", "-qq", "-e", "trace=clone,clone3,fork,vfork", Claudesh.binary] + arguments,
                                             environment: Claudesh.environment(home: home))
        #expect(result.status == 0, "\(result.stderr)")
        let clones = result.stderr.split(separator: "\n").filter { $0.contains("clone") || $0.contains("fork") }
        #expect(clones.isEmpty, "threads started: \(clones)")
    }
}
