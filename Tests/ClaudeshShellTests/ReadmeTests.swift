import Foundation
import Testing
import ClaudeshKit
@testable import ClaudeshShell

/// The README's command table is the user's list of what exists: it must name every command.
@MainActor
struct ReadmeTests {
    @Test func everyCommandIsInTheReadme() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        for command in CommandCatalog.all where !command.isHidden {
            #expect(readme.contains("| `\(command.name)"), "README.md's command table lacks \(command.name)")
        }
        for key in ClaudeshKit.Settings.Key.allCases {
            #expect(readme.contains("| `\(key.rawValue)` |"), "README.md's settings table lacks \(key.rawValue)")
        }
    }
}
