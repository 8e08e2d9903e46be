import Testing
@testable import ClaudeshKit

/// The redirect rules of `HTTPClient`: which method and body go on, and where the headers may go.
struct HTTPRedirectTests {
    func post(_ url: String) throws -> HTTPClient.Request {
        HTTPClient.Request("POST", try HTTPURL(url), headers: [("Content-Type", "application/json"), ("Authorization", "Bearer t")], body: Array("{}".utf8))
    }

    @Test(arguments: [301, 302, 307, 308])
    func aPOSTStaysAPOSTWithItsBodyAndHeaders(_ status: Int) throws {
        let next = try #require(try HTTPClient.redirect(try post("http://h.invalid:8080/old"), status: status, location: "/mcp"))
        #expect(next.method == "POST")
        #expect(next.body == Array("{}".utf8))
        #expect(next.url.description == "http://h.invalid:8080/mcp")
        #expect(next.headers.map(\.0) == ["Content-Type", "Authorization"])
    }

    @Test func a303TurnsIntoAGETWithoutBody() throws {
        let next = try #require(try HTTPClient.redirect(try post("http://h.invalid/a/b"), status: 303, location: "c?x=1"))
        #expect(next.method == "GET")
        #expect(next.body.isEmpty)
        #expect(next.url.target == "/a/c?x=1")
        #expect(next.headers.map(\.0) == ["Authorization"])
    }

    @Test func otherAnswersAreNotRedirects() throws {
        for status in [200, 204, 300, 304, 305, 400, 404] {
            #expect(try HTTPClient.redirect(try post("http://h.invalid/"), status: status, location: "/x") == nil)
        }
        #expect(try HTTPClient.redirect(try post("http://h.invalid/"), status: 307, location: nil) == nil)
        #expect(try HTTPClient.redirect(try post("http://h.invalid/"), status: 307, location: "") == nil)
    }

    @Test func theSameOriginAndAnUpgradeToHTTPSOnTheSameHostAreFollowed() throws {
        #expect(try HTTPClient.redirect(try post("http://h.invalid:80/a"), status: 307, location: "http://H.INVALID/b")?.url.target == "/b")
        let upgraded = try HTTPClient.redirect(try post("http://h.invalid:8080/a"), status: 308, location: "https://h.invalid:8443/a")
        #expect(upgraded?.url.origin == "https://h.invalid:8443")
        #expect(upgraded?.headers.contains { $0.0 == "Authorization" } == true)
        #expect(try HTTPClient.redirect(try post("https://h.invalid/a"), status: 307, location: "//h.invalid/b")?.url.description == "https://h.invalid/b")
    }

    @Test(arguments: [
        ("http://h.invalid/a", "http://other.invalid/a"),
        ("http://h.invalid/a", "http://h.invalid:8080/a"),
        ("https://h.invalid/a", "http://h.invalid/a"), // a downgrade
        ("http://h.invalid/a", "https://other.invalid/a"),
        ("http://h.invalid/a", "//other.invalid/a"),
    ])
    func anotherOriginIsRefused(_ from: String, _ to: String) throws {
        let error = #expect(throws: NetError.self) { try HTTPClient.redirect(try post(from), status: 307, location: to) }
        #expect(error?.description.contains("redirected to another origin") == true)
    }

    @Test func aLocationThatIsNoURLIsRefused() throws {
        let error = #expect(throws: NetError.self) { try HTTPClient.redirect(try post("http://h.invalid/a"), status: 302, location: "ftp://h.invalid/x") }
        #expect(error?.description.hasPrefix("a redirect (HTTP 302) to an unusable location") == true)
    }

    @Test func curlsConnectMessageNamesWhatItTried() {
        #expect(CurlTransfer.connectTarget("Failed to connect to 127.0.0.1 port 3128 after 0 ms: Couldn't connect to server")! == ("127.0.0.1", 3128))
        #expect(CurlTransfer.connectTarget("Failed to connect to localhost port 80: Connection refused")! == ("localhost", 80))
        #expect(CurlTransfer.connectTarget("Could not resolve host: x") == nil)
    }
}
