import Foundation
import Testing
@testable import ClaudeshKit

struct HTTPURLTests {
    @Test func httpDefaultsToPort80() throws {
        let url = try HTTPURL("http://example.invalid")
        #expect(!url.isSecure)
        #expect(url.host == "example.invalid")
        #expect(url.port == 80)
        #expect(url.target == "/")
    }

    @Test func httpsDefaultsToPort443() throws {
        let url = try HTTPURL("https://example.invalid/mcp")
        #expect(url.isSecure)
        #expect(url.host == "example.invalid")
        #expect(url.port == 443)
        #expect(url.target == "/mcp")
    }

    @Test func explicitPort() throws {
        let url = try HTTPURL("http://127.0.0.1:8080/sse")
        #expect(url.host == "127.0.0.1")
        #expect(url.port == 8080)
        #expect(url.target == "/sse")
        #expect(try HTTPURL("https://h.invalid:65535").port == 65535)
        #expect(try HTTPURL("http://h.invalid:1/").port == 1)
    }

    @Test func ipv6LiteralInBrackets() throws {
        let local = try HTTPURL("http://[::1]:3000/mcp")
        #expect(local.host == "::1")
        #expect(local.port == 3000)
        #expect(local.target == "/mcp")
        #expect(local.hostHeader == "[::1]:3000")
        #expect(local.description == "http://[::1]:3000/mcp")

        let global = try HTTPURL("https://[2001:db8::1]/x")
        #expect(global.host == "2001:db8::1")
        #expect(global.port == 443)
        #expect(global.hostHeader == "[2001:db8::1]")
        #expect(throws: NetError.self) { try HTTPURL("http://[::1/mcp") }
    }

    @Test func queryIsKeptInTheTarget() throws {
        #expect(try HTTPURL("https://h.invalid/mcp?x=1&y=two").target == "/mcp?x=1&y=two")
        #expect(try HTTPURL("http://h.invalid?session=7").target == "/?session=7")
        #expect(try HTTPURL("http://h.invalid:81?session=7").port == 81)
    }

    @Test func fragmentIsDropped() throws {
        #expect(try HTTPURL("http://h.invalid/p?q=1#frag").target == "/p?q=1")
        #expect(try HTTPURL("http://h.invalid/p#frag?notquery").target == "/p")
        let bare = try HTTPURL("http://h.invalid#frag")
        #expect(bare.host == "h.invalid")
        #expect(bare.target == "/")
    }

    @Test func userinfoIsDropped() throws {
        let url = try HTTPURL("https://user:pa55word@h.invalid:8443/p")
        #expect(url.host == "h.invalid")
        #expect(url.port == 8443)
        #expect(url.target == "/p")
        #expect(!url.description.contains("pa55word"))
        #expect(!url.hostHeader.contains("user"))
        #expect(try HTTPURL("http://me@h.invalid").host == "h.invalid")
    }

    @Test(arguments: ["ftp://h.invalid/x", "h.invalid/mcp", "HTTP//h.invalid", "ws://h.invalid", ""])
    func otherSchemesAreRejected(_ text: String) {
        let error = #expect(throws: NetError.self) { try HTTPURL(text) }
        #expect(error == .invalidURL("'\(text)' is not an http:// or https:// URL"))
    }

    @Test(arguments: ["http://", "https://", "http:///mcp", "http://:8080/mcp", "http://user@/x", "https://?q=1"])
    func missingHostIsRejected(_ text: String) {
        let error = #expect(throws: NetError.self) { try HTTPURL(text) }
        #expect(error == .invalidURL("'\(text)' has no host"))
    }

    @Test(arguments: ["http://h.invalid:0/", "http://h.invalid:70000", "http://h.invalid:abc/mcp", "http://h.invalid:/x", "http://h.invalid:-1", "http://[::1]:99999/"])
    func badPortIsRejected(_ text: String) {
        let error = #expect(throws: NetError.self) { try HTTPURL(text) }
        #expect(error == .invalidURL("'\(text)': the port is not a number from 1 to 65535"))
    }

    @Test func hostHeaderOmitsTheSchemesOwnPort() throws {
        #expect(try HTTPURL("http://h.invalid:80/x").hostHeader == "h.invalid")
        #expect(try HTTPURL("https://h.invalid:443/x").hostHeader == "h.invalid")
        #expect(try HTTPURL("http://h.invalid:443/x").hostHeader == "h.invalid:443")
        #expect(try HTTPURL("https://h.invalid:80/x").hostHeader == "h.invalid:80")
        #expect(try HTTPURL("http://h.invalid:8080").origin == "http://h.invalid:8080")
        #expect(try HTTPURL("https://h.invalid:443/a?b").description == "https://h.invalid/a?b")
    }

    @Test func resolvingAnAbsoluteURL() throws {
        let base = try HTTPURL("http://127.0.0.1:9000/sse")
        let resolved = try base.resolving("https://other.invalid/messages?x=1")
        #expect(resolved == (try HTTPURL("https://other.invalid/messages?x=1")))
        #expect(resolved.port == 443)
    }

    @Test func resolvingAnAbsolutePathKeepsOriginAndQuery() throws {
        let base = try HTTPURL("http://127.0.0.1:9000/sse?token=1")
        let resolved = try base.resolving("/messages/?session_id=x")
        #expect(!resolved.isSecure)
        #expect(resolved.host == "127.0.0.1")
        #expect(resolved.port == 9000)
        #expect(resolved.target == "/messages/?session_id=x")
        #expect(resolved.description == "http://127.0.0.1:9000/messages/?session_id=x")

        let v6 = try HTTPURL("https://[::1]:8443/a/b").resolving("/c")
        #expect(v6.host == "::1")
        #expect(v6.port == 8443)
        #expect(v6.target == "/c")
    }

    @Test func resolvingARelativePathUsesTheBasesFolder() throws {
        #expect(try HTTPURL("http://h.invalid:81/mcp/sse?token=1").resolving("messages?session_id=x").target == "/mcp/messages?session_id=x")
        #expect(try HTTPURL("http://h.invalid/mcp/").resolving("messages").target == "/mcp/messages")
        #expect(try HTTPURL("http://h.invalid/sse").resolving("messages").target == "/messages")
        #expect(try HTTPURL("http://h.invalid").resolving("messages").target == "/messages")
        let resolved = try HTTPURL("https://h.invalid:8443/a/b/c").resolving("d?e=f")
        #expect(resolved.isSecure)
        #expect(resolved.port == 8443)
        #expect(resolved.target == "/a/b/d?e=f")
    }
}
