@testable import ClaudeshKit
import Foundation
import Synchronization
import Testing

/// Many requests in flight on one stdio session, as a gateway's clients put them there.
struct SessionMultiplexingTests {
    /// A server that reads its next line only once it has written a big answer, sent more
    /// requests than its input pipe holds: the session's reader must go on draining its answers
    /// while the writes wait for room, or neither side moves until the deadline ends the session.
    @Test func requestsThatFillTheServersInputStillAllGetTheirBigAnswers() async throws {
        let home = Claudesh.temporaryFolder("claudesh-multiplexing")
        defer { Claudesh.cleanUp(home) }
        let config = home + "/claude_desktop_config.json"
        MCPFixtures.writeConfig(config, [("big", "{\"command\": \"/usr/bin/python3\", \"args\": [\"\(MCPFixtures.eraScript)\", \"big-answers\"]}")])
        let environment = Environment(variables: Claudesh.environment(home: home), currentDirectory: home, isMacOS: false)
        let workspace = Workspace(SessionContext(environment: environment))
        let session = try await workspace.openSession("big", options: ClientOptions(config: config))
        let texts = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<12 {
                group.addTask {
                    let text = "call-\(index)-" + String(repeating: "q", count: 100_000)
                    let params: JSONValue = .object([("name", .string("echo")), ("arguments", .object([("text", .string(text))]))])
                    let result = try await session.request("tools/call", params, timeout: .seconds(20))
                    let answered = result["content"]?.arrayValue?.first?["text"]?.stringValue ?? ""
                    return answered.hasPrefix(text) && answered.count == text.count + (256 << 10) ? "call-\(index)" : "wrong answer to call-\(index)"
                }
            }
            var all: [String] = []
            for try await text in group { all.append(text) }
            return all
        }
        await session.close()
        // Held until the deadline, the writes give up, the session ends and every call fails.
        #expect(Set(texts) == Set((0..<12).map { "call-\($0)" }), "\(texts)")
    }
}
