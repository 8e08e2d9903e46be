import Foundation
import Testing
@testable import ClaudeshKit
@testable import ClaudeshShell

/// The README's command table is the user's list of what exists: it must name every command.
@MainActor
struct ReadmeTests {
    @Test func everyCommandIsInTheReadme() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        // Every command and subcommand, by its full path: `| \`mcp good save`.
        func check(_ command: Command, path: String) {
            guard !command.isHidden else { return }
            let name = path.isEmpty ? command.name : path + " " + command.name
            if command.handler != nil {
                #expect(readme.contains("| `\(name)"), "README.md's command table lacks \(name)")
            }
            command.subcommands.forEach { check($0, path: name) }
        }
        CommandCatalog.all.forEach { check($0, path: "") }
        for key in ClaudeshKit.Settings.Key.allCases {
            #expect(readme.contains("| `\(key.rawValue)` |"), "README.md's settings table lacks \(key.rawValue)")
        }
    }
}
