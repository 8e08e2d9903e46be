import Foundation
import Testing
@testable import ClaudeshKit

struct MCPProtocolTests {
    func message(_ text: String) throws -> JSONValue { try JSONParser.parse(text) }

    @Test func requestWithoutParams() {
        #expect(MCPProtocol.request(id: 1, method: "tools/list").serialized() == #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
    }

    @Test func requestWithParams() {
        let request = MCPProtocol.request(id: 7, method: "tools/call", params: .object([("name", .string("now")), ("arguments", .object([]))]))
        #expect(request.serialized() == #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"now","arguments":{}}}"#)
    }

    @Test func initializeRequest() {
        let request = MCPProtocol.request(id: 0, method: "initialize", params: MCPProtocol.initializeParams())
        let version = MCPProtocol.legacyVersions[0]
        let client = MCPProtocol.clientVersion
        #expect(request.serialized() == #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"\#(version)","capabilities":{},"clientInfo":{"name":"claudesh","version":"\#(client)"}}}"#)
    }

    @Test func initializeOffersTheNewestHandshakeVersion() {
        #expect(MCPProtocol.initializeParams()["protocolVersion"] == .string(MCPProtocol.legacyVersions[0]))
        #expect(MCPProtocol.latestVersion == MCPProtocol.legacyVersions[0])
        // Newest first: ISO dates sort as strings; every modern version is newer than every legacy one.
        #expect(MCPProtocol.supportedVersions == MCPProtocol.supportedVersions.sorted(by: >))
        #expect(MCPProtocol.supportedVersions == MCPProtocol.modernVersions + MCPProtocol.legacyVersions)
        #expect(MCPProtocol.modernVersions == ["2026-07-28"])
    }

    @Test func aModernRequestCarriesItsVersionCapabilitiesAndClientInMeta() throws {
        let request = MCPProtocol.modernRequest(id: 4, method: "tools/list", params: .object([("cursor", .string("c2"))]), version: "2026-07-28")
        let client = MCPProtocol.clientVersion
        #expect(request.serialized() == #"{"jsonrpc":"2.0","id":4,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"claudesh","version":"\#(client)"}},"cursor":"c2"}}"#)
        #expect(MCPProtocol.modernVersion(of: request) == "2026-07-28")
        #expect(MCPProtocol.modernVersion(of: MCPProtocol.request(id: 1, method: "initialize", params: MCPProtocol.initializeParams())) == nil)
        // Without params, the envelope is the params.
        #expect(MCPProtocol.modernRequest(id: 1, method: "server/discover", version: "2026-07-28")["params"]?["_meta"] != nil)
    }

    @Test func notificationHasNoID() {
        #expect(MCPProtocol.notification(method: "notifications/initialized").serialized() == #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
    }

    @Test func classifiesAResponse() throws {
        guard case .response(let id, let result)? = MCPProtocol.classify(try message(#"{"jsonrpc":"2.0","id":1,"result":{"tools":[]}}"#)) else {
            Issue.record("not a response"); return
        }
        #expect(id == .int(1))
        #expect(result == .object([("tools", .array([]))]))

        guard case .response(let stringID, let empty)? = MCPProtocol.classify(try message(#"{"jsonrpc":"2.0","id":"a-1","result":{}}"#)) else {
            Issue.record("not a response"); return
        }
        #expect(stringID == .string("a-1"))
        #expect(empty == .object([]))
    }

    @Test func classifiesAnErrorWithCodeAndMessage() throws {
        guard case .error(let id, let code, let text, let data)? = MCPProtocol.classify(try message(#"{"jsonrpc":"2.0","id":2,"error":{"code":-32022,"message":"Unsupported protocol version","data":{"supported":["2026-07-28"]}}}"#)) else {
            Issue.record("not an error"); return
        }
        #expect(id == .int(2))
        #expect(code == -32022)
        #expect(text == "Unsupported protocol version")
        #expect(EraNegotiation.supported(data) == ["2026-07-28"])
        #expect(EraNegotiation.mutualModern(data) == "2026-07-28")
    }

    @Test func errorWithoutCodeOrMessageGetsPlaceholders() throws {
        guard case .error(let id, let code, let text, _)? = MCPProtocol.classify(try message(#"{"jsonrpc":"2.0","id":3,"error":{}}"#)) else {
            Issue.record("not an error"); return
        }
        #expect(id == .int(3))
        #expect(code == 0)
        #expect(text == "no message")
    }

    @Test func classifiesARequestFromTheServer() throws {
        guard case .request(let id, let method)? = MCPProtocol.classify(try message(#"{"jsonrpc":"2.0","id":5,"method":"ping"}"#)) else {
            Issue.record("not a request"); return
        }
        #expect(id == .int(5))
        #expect(method == "ping")

        guard case .request(_, let sampling)? = MCPProtocol.classify(try message(#"{"jsonrpc":"2.0","id":"s","method":"sampling/createMessage","params":{}}"#)) else {
            Issue.record("not a request"); return
        }
        #expect(sampling == "sampling/createMessage")
    }

    @Test func classifiesANotification() throws {
        guard case .notification(let method)? = MCPProtocol.classify(try message(#"{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info"}}"#)) else {
            Issue.record("not a notification"); return
        }
        #expect(method == "notifications/message")

        guard case .notification(let nullID)? = MCPProtocol.classify(try message(#"{"jsonrpc":"2.0","id":null,"method":"notifications/progress"}"#)) else {
            Issue.record("a null id with a method is a notification"); return
        }
        #expect(nullID == "notifications/progress")
    }

    @Test(arguments: [#"[1,2]"#, #""text""#, "42", "null", "true", #"[{"jsonrpc":"2.0","id":1,"result":{}}]"#])
    func nonObjectsAreNotMessages(_ text: String) throws {
        #expect(MCPProtocol.classify(try message(text)) == nil)
    }

    @Test(arguments: [#"{"jsonrpc":"2.0","id":3}"#, #"{"id":4,"params":{}}"#, "{}", #"{"jsonrpc":"2.0"}"#])
    func objectWithNeitherResultErrorNorMethodIsNotAMessage(_ text: String) throws {
        #expect(MCPProtocol.classify(try message(text)) == nil)
    }

    @Test func pingIsAnsweredWithAnEmptyResult() {
        #expect(MCPProtocol.answer(to: .int(9), method: "ping").serialized() == #"{"jsonrpc":"2.0","id":9,"result":{}}"#)
        #expect(MCPProtocol.answer(to: .string("p"), method: "ping").serialized() == #"{"jsonrpc":"2.0","id":"p","result":{}}"#)
    }

    @Test(arguments: ["sampling/createMessage", "roots/list", "elicitation/create"])
    func otherRequestsAreDeclinedWithMethodNotFound(_ method: String) {
        let answer = MCPProtocol.answer(to: .string("r1"), method: method)
        #expect(answer.serialized() == #"{"jsonrpc":"2.0","id":"r1","error":{"code":-32601,"message":"claudesh does not offer \#(method)"}}"#)
        #expect(answer["error"]?["code"] == .int(-32601))
        #expect(answer["result"] == nil)
    }
}

