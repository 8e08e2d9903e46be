import Testing
@testable import ClaudeshKit

/// What leaves the gateway: every string masked, base64 data only where MCP defines it, and
/// withheld whole when it hides a secret.
@Suite
struct GatewayMaskingTests {
    let secret = "s3cr3t-value-123"
    var redactor: Redactor { Redactor(values: [secret]) }

    @Test func aTokenInAFieldNamedDataIsMaskedLikeAnyText() throws {
        // Both base64 alphabets take a GitHub token: read as binary it would go out as it came.
        let token = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"
        let masked = GatewayMasking.mask(.object([("structuredContent", .object([("data", .string(token)), ("blob", .string(secret))]))]), by: redactor)
        let text = masked.serialized()
        #expect(!text.contains(token) && !text.contains(secret), "\(text)")
    }

    @Test func anImagesDataGoesOutAsItCameUnlessItHidesASecret() throws {
        let clean = Base64.encode(Array("just pixels".utf8))
        let hiding = Base64.encode(Array("key=\(secret)".utf8))
        let image: (String) -> JSONValue = { .object([("type", .string("image")), ("data", .string($0)), ("mimeType", .string("image/png"))]) }
        #expect(GatewayMasking.mask(image(clean), by: redactor)["data"]?.stringValue == clean)
        #expect(GatewayMasking.mask(image(hiding), by: redactor)["data"]?.stringValue == "")
        let blob: JSONValue = .object([("uri", .string("file:///x")), ("blob", .string(hiding))])
        #expect(GatewayMasking.mask(blob, by: redactor)["blob"]?.stringValue == "")
        let text: JSONValue = .object([("type", .string("text")), ("text", .string("the key is \(secret)"))])
        #expect(GatewayMasking.mask(text, by: redactor)["text"]?.stringValue?.contains(secret) == false)
    }
}
