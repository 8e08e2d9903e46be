import Foundation
import Testing
@testable import ClaudeshKit

/// Arguments typed from a tool's schema and checked before anything is sent; schemas as the
/// Python SDK writes them ($defs, anyOf with null) and as a hostile server might.
struct ToolArgumentsTests {
    func tool(_ schema: String, name: String = "t") throws -> ToolDescription {
        try #require(ToolDescription(try JSONParser.parse("{\"name\": \"\(name)\", \"inputSchema\": \(schema)}")))
    }

    func failure(_ words: [String], _ tool: ToolDescription) -> String {
        do {
            _ = try ToolArguments.build(words, json: nil, for: tool)
            return ""
        } catch {
            #expect(error.isUsage)
            return error.description
        }
    }

    @Test func valuesAreTypedFromTheSchema() throws {
        let greet = try tool("""
        {"type": "object", "required": ["name"], "properties": {
          "name": {"type": "string"}, "times": {"type": "integer"}, "ratio": {"type": "number"},
          "loud": {"type": "boolean"}, "tags": {"type": "array"}, "meta": {"anyOf": [{"type": "object"}, {"type": "null"}]},
          "either": {"type": ["integer", "string"]}, "free": {}}}
        """)
        let built = try ToolArguments.build(["name=007", "times=3", "ratio=2.5", "loud=true", "tags=[\"a\"]", "meta={\"x\": 1}", "either=4", "free=abc"], json: nil, for: greet)
        #expect(built["name"] == .string("007"), "a string stays the text as given")
        #expect(built["times"] == .int(3))
        #expect(built["ratio"] == .double(2.5))
        #expect(built["loud"] == .bool(true))
        #expect(built["tags"] == .array([.string("a")]))
        #expect(built["meta"]?["x"] == .int(1))
        #expect(built["either"] == .int(4))
        #expect(built["free"] == .string("abc"))
        #expect(greet.signature == "t(name: string, times?: integer, ratio?: number, loud?: boolean, tags?: array, meta?: object, either?: integer|string, free?: any)")
        // --args first, the words over it.
        let merged = try ToolArguments.build(["times=2"], json: "{\"name\": \"x\", \"times\": 1}", for: greet)
        #expect(merged["times"] == .int(2) && merged["name"] == .string("x"))
    }

    @Test func integersAreSentAsIntegersAndThoseAJSONNumberCannotHoldAreRefused() throws {
        let count = try tool("{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"integer\"}}}")
        #expect(try ToolArguments.build(["n=1e2"], json: nil, for: count)["n"] == .int(100))
        #expect(try ToolArguments.build(["n=-7"], json: nil, for: count)["n"] == .int(-7))
        #expect(failure(["n=12345678901234567890"], count).contains("past the integers a JSON number holds exactly"))
        #expect(failure(["n=1.5"], count) == "n: expected an integer, got \"1.5\"")
    }

    @Test func wrongArgumentsAreOneLineNamingThem() throws {
        let time = try tool("""
        {"type": "object", "required": ["timezone"], "properties": {"timezone": {"type": "string"},
         "style": {"$ref": "#/$defs/Style"}}, "$defs": {"Style": {"enum": ["plain", "loud"], "type": "string"}}}
        """, name: "get_time")
        #expect(failure([], time) == "get_time: missing required argument timezone (string): add timezone=VALUE")
        #expect(failure(["timezon=UTC"], time) == "get_time has no argument timezon (did you mean timezone?); it takes timezone, style?")
        #expect(failure(["timezone=UTC", "style=quiet"], time) == "style: \"quiet\" is not one of \"plain\", \"loud\"")
        #expect(failure(["UTC"], time).hasPrefix("UTC: an argument is NAME=VALUE"))
        #expect(time.parameter(named: "style")?.typeText == "\"plain\"|\"loud\"", "the $ref is resolved")
        let flag = try tool("{\"type\": \"object\", \"properties\": {\"on\": {\"type\": \"boolean\"}}}")
        #expect(failure(["on=yes"], flag) == "on: expected true or false, got \"yes\"")
    }

    @Test func aHostileSchemaIsReadInBoundedTimeAndItsListsInBoundedWords() throws {
        // A union that refers to itself, eight wide: read naively, 8^8 nodes.
        let member = "{\"$ref\": \"#/properties/a\", \"type\": \"string\"}"
        let members = Array(repeating: member, count: 8).joined(separator: ", ")
        let start = ContinuousClock.now
        let looping = try tool("{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"string\", \"anyOf\": [\(members)]}}}")
        #expect(start.duration(to: .now) < .seconds(5))
        #expect(looping.parameters.count == 1)
        // 5,000 listed values: the message names ten of them.
        let values = (0..<5_000).map { "\"v\($0)\"" }.joined(separator: ",")
        let wide = try tool("{\"type\": \"object\", \"properties\": {\"c\": {\"enum\": [\(values)]}}}")
        let message = failure(["c=nope"], wide)
        #expect(message.count < 400, "\(message.count) characters")
        #expect(message.hasSuffix("(5000 in all)"))
    }

    @Test func headerValuesTheTransportCannotCarryGoAsItsBase64Sentinel() {
        #expect(MCPProtocol.headerValue("get_current_time") == "get_current_time")
        #expect(MCPProtocol.headerValue("file:///a b.txt") == "file:///a b.txt")
        #expect(MCPProtocol.headerValue("héllo") == "=?base64?aMOpbGxv?=")
        #expect(MCPProtocol.headerValue(" edge") == "=?base64?IGVkZ2U=?=")
        #expect(MCPProtocol.headerValue("a\r\nX-Evil: 1").hasPrefix("=?base64?"))
        #expect(Base64.decode("aMOpbGxv").map { String(decoding: $0, as: UTF8.self) } == "héllo")
        for length in 0..<20 {
            let bytes = (0..<length).map { UInt8(($0 * 37 + 11) & 0xFF) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(Base64.decode("not*base64") == nil)
    }
}
