import Testing
@testable import ClaudeshKit

struct TokenShapesTests {
    static let samples: [(String, String)] = [
        ("GitHub token", "ghp_" + String(repeating: "a1B2", count: 9)),
        ("GitHub token", "github_pat_11ABCDEFG0" + String(repeating: "x", count: 60)),
        ("Anthropic API key", "sk-ant-api03-" + String(repeating: "Q", count: 40)),
        ("OpenAI-style API key", "sk-proj-" + String(repeating: "z9", count: 20)),
        ("Slack token", "xoxb-123456789012-abcdefABCDEF"),
        ("AWS access key", "AKIAIOSFODNN7EXAMPLE"),
        ("GitLab token", "glpat-" + String(repeating: "k", count: 20)),
        ("Google API key", "AIza" + String(repeating: "S", count: 35)),
    ]

    @Test(arguments: samples)
    func eachKnownShapeIsFoundWhereverItStands(kind: String, token: String) {
        for text in [token, "export KEY=\(token)", "\"Authorization\": \"Bearer \(token)\"", "--token=\(token) --verbose"] {
            let matches = TokenShapes.find(in: text)
            #expect(matches.count == 1, "\(text)")
            #expect(matches.first?.kind == kind)
            let bytes = Array(text.utf8)
            #expect(matches.first.map { String(decoding: bytes[$0.range], as: UTF8.self) } == token)
        }
    }

    @Test func lookalikesAreNotTokens() {
        for text in [
            "task-force-0123456789abcdefghijkl",  // "sk-" inside a word
            "sk-short",                            // too short to be a key
            "ghp_tooshort",
            "AKIAabcdefghijklmnop",                // AWS keys are upper case
            "AKIAIOSFODNN7EXAMPLEX",               // and exactly 20 long
            "mcp-server-time --local-timezone Europe/Paris",
            "/home/op/.config/Claude/claude_desktop_config.json",
        ] {
            #expect(TokenShapes.find(in: text).isEmpty, "\(text)")
        }
    }

    @Test func severalTokensInOneTextAreAllFound() {
        let text = "a=\(Self.samples[0].1) b=\(Self.samples[5].1) c=\(Self.samples[2].1)"
        #expect(TokenShapes.find(in: text).map(\.kind) == ["GitHub token", "AWS access key", "Anthropic API key"])
    }

    @Test func theRedactorMasksShapesUnlessToldNot() {
        let token = Self.samples[0].1
        #expect(Redactor(values: []).redact("use \(token) now") == "use \(Redactor.mask) now")
        #expect(Redactor(values: [], shapes: false).redact("use \(token) now") == "use \(token) now")
    }

    @Test func aLineHoldingATokenStaysOutOfHistory() {
        #expect(!HistoryFile.shouldRecord("mcp add gh --env GITHUB_TOKEN=\(Self.samples[0].1) -- npx server", vault: SecretVault()))
        #expect(HistoryFile.shouldRecord("mcp add gh --env GITHUB_TOKEN=${GITHUB_TOKEN} -- npx server", vault: SecretVault()))
    }
}
