import Foundation
import Testing
@testable import ClaudeshKit

/// The config history's store: versions by position, IDs per file.
struct ConfigHistoryStoreTests {
    @Test func aFileGoingBackAndForthInOneSecondKeepsItsNewestVersionsByPosition() throws {
        let home = temporaryFolder("history")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let history = ConfigHistory(home: home, limit: 3)
        let x = Array("{\"mcpServers\": {\"a\": {\"command\": \"a\"}}}".utf8), y = Array("{\"mcpServers\": {}}".utf8)
        for bytes in [x, y, x, y, x] { try history.remember("/c.json", bytes: bytes, now: 100) }
        let kept = try history.all()
        #expect(kept.map { $0.hash } == [SHA256.hex(x), SHA256.hex(y), SHA256.hex(x)], "the three newest, the file as it is last")
        #expect(FileManager.default.fileExists(atPath: history.folder + "/versions/" + SHA256.hex(y)))
    }

    @Test func twoFilesThatHeldTheSameBytesHaveTwoVersionIDs() throws {
        let home = temporaryFolder("history")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let history = ConfigHistory(home: home)
        let bytes = Array("{\"mcpServers\": {\"a\": {\"command\": \"a\"}}}".utf8)
        try history.remember("/one/.mcp.json", bytes: bytes, now: 1)
        try history.remember("/two/.mcp.json", bytes: bytes, now: 2)
        let kept = try history.all()
        #expect(kept.count == 2 && kept[0].id != kept[1].id)
        #expect(try history.version(kept[0].id).file == "/one/.mcp.json")
        #expect(try FileManager.default.contentsOfDirectory(atPath: history.folder + "/versions").count == 1, "the content is kept once")
    }
}
