import Foundation
import Testing
@testable import ClaudeshKit

struct SSEParserTests {
    typealias Event = SSEParser.Event

    func parse(_ text: String) -> [Event] {
        var parser = SSEParser(limit: 1 << 20)
        return parser.feed(Array(text.utf8))
    }

    func parseByteByByte(_ bytes: [UInt8]) -> [Event] {
        var parser = SSEParser(limit: 1 << 20)
        var events: [Event] = []
        for byte in bytes { events += parser.feed([byte]) }
        return events
    }

    let stream = "event: endpoint\nid: 1\ndata: /messages/?session_id=abc\n\n: keep-alive\n\ndata: {\"jsonrpc\":\"2.0\",\ndata: \"id\":1}\n\nevent: note\ndata: caf\u{E9} \u{2713} \u{1F600}\n\n"

    var expected: [Event] {
        [
            Event(type: "endpoint", data: "/messages/?session_id=abc", id: "1"),
            Event(type: "message", data: "{\"jsonrpc\":\"2.0\",\n\"id\":1}", id: "1"),
            Event(type: "note", data: "caf\u{E9} \u{2713} \u{1F600}", id: "1"),
        ]
    }

    @Test func wholeStreamInOneFeed() {
        #expect(parse(stream) == expected)
    }

    @Test func oneByteAtATimeGivesTheSameEvents() {
        #expect(parseByteByByte(Array(stream.utf8)) == expected)
    }

    @Test func everySplitPointGivesTheSameEvents() {
        let bytes = Array(stream.utf8)
        for split in 0...bytes.count {
            var parser = SSEParser(limit: 1 << 20)
            let events = parser.feed(Array(bytes[..<split])) + parser.feed(Array(bytes[split...]))
            #expect(events == expected, "split at byte \(split)")
        }
    }

    @Test func eventIsOnlyDeliveredAtTheBlankLine() {
        var parser = SSEParser(limit: 1 << 20)
        #expect(parser.feed(Array("data: one\n".utf8)) == [])
        #expect(parser.feed(Array("data: two\n".utf8)) == [])
        #expect(parser.feed(Array("\n".utf8)) == [Event(type: "message", data: "one\ntwo", id: nil)])
    }

    @Test func lineEndingsLFCRLFAndCRAreEquivalent() {
        let lines = ["event: update", "data: a", "data: b", "", "data: c", "", ""]
        let lf = parse(lines.joined(separator: "\n"))
        let crlf = parse(lines.joined(separator: "\r\n"))
        let cr = parse(lines.joined(separator: "\r"))
        let want = [Event(type: "update", data: "a\nb", id: nil), Event(type: "message", data: "c", id: nil)]
        #expect(lf == want)
        #expect(crlf == want)
        #expect(cr == want)
        #expect(parseByteByByte(Array(lines.joined(separator: "\r\n").utf8)) == want)
        #expect(parseByteByByte(Array(lines.joined(separator: "\r").utf8)) == want)
    }

    @Test func crlfSplitBetweenFeedsIsOneLineEnd() {
        var parser = SSEParser(limit: 1 << 20)
        var events = parser.feed(Array("data: a\r".utf8))
        events += parser.feed(Array("\ndata: b\r".utf8))
        events += parser.feed(Array("\n\r".utf8))
        events += parser.feed(Array("\n".utf8))
        #expect(events == [Event(type: "message", data: "a\nb", id: nil)])
    }

    @Test func mixedLineEndingsInOneStream() {
        #expect(parse("data: a\rdata: b\ndata: c\r\n\r\n") == [Event(type: "message", data: "a\nb\nc", id: nil)])
    }

    @Test func multiLineDataIsJoinedWithNewline() {
        #expect(parse("data: first\ndata: second\ndata: third\n\n") == [Event(type: "message", data: "first\nsecond\nthird", id: nil)])
    }

    @Test func commentsAreIgnored() {
        #expect(parse(": ping\n:\n:another\n\n") == [])
        #expect(parse("data: a\n: between the data lines\ndata: b\n\n") == [Event(type: "message", data: "a\nb", id: nil)])
    }

    @Test func typeDefaultsToMessageAndResetsAfterEachEvent() {
        #expect(parse("event: custom\ndata: x\n\ndata: y\n\n") == [
            Event(type: "custom", data: "x", id: nil),
            Event(type: "message", data: "y", id: nil),
        ])
        // An event with a type but no data is not delivered, and its type does not leak on.
        #expect(parse("event: lonely\n\ndata: z\n\n") == [Event(type: "message", data: "z", id: nil)])
    }

    @Test func idIsRecordedAndKeptForLaterEvents() {
        #expect(parse("id: 42\ndata: a\n\ndata: b\n\nid: 43\ndata: c\n\n") == [
            Event(type: "message", data: "a", id: "42"),
            Event(type: "message", data: "b", id: "42"),
            Event(type: "message", data: "c", id: "43"),
        ])
    }

    @Test func onlyOneSpaceAfterTheColonIsRemoved() {
        #expect(parse("data:tight\n\n") == [Event(type: "message", data: "tight", id: nil)])
        #expect(parse("data:  two spaces\n\n") == [Event(type: "message", data: " two spaces", id: nil)])
        #expect(parse("data: a: b\n\n") == [Event(type: "message", data: "a: b", id: nil)])
    }

    @Test func fieldWithoutColonHasAnEmptyValue() {
        #expect(parse("data\n\n") == [Event(type: "message", data: "", id: nil)])
        #expect(parse("data\ndata\n\n") == [Event(type: "message", data: "\n", id: nil)])
        #expect(parse("event\ndata: x\n\n") == [Event(type: "message", data: "x", id: nil)])
        #expect(parse("id\ndata: x\n\n") == [Event(type: "message", data: "x", id: "")])
    }

    @Test func unknownFieldsAndRetryAreIgnored() {
        #expect(parse("retry: 3000\nfoo: bar\nbare\ndata: x\n\n") == [Event(type: "message", data: "x", id: nil)])
    }

    @Test func emptyDataFieldIsAnEventWithEmptyData() {
        #expect(parse("data:\n\n") == [Event(type: "message", data: "", id: nil)])
        #expect(parse("event: ping\ndata: \n\n") == [Event(type: "ping", data: "", id: nil)])
        #expect(parse("data:\ndata:\n\n") == [Event(type: "message", data: "\n", id: nil)])
    }

    @Test func blankLinesWithoutDataDeliverNothing() {
        #expect(parse("\n\n\r\n\r\r") == [])
    }
}
