import Foundation
import Testing
@testable import ClaudeshKit

/// The redactor against secrets sent back encoded, wrapped or clipped, and what masks show.
struct RedactorEncodingTests {
    let mask = Redactor.mask

    /// `secret` in each form a server sends it back in, inside a line of text.
    static func encodings(of secret: String) -> [(String, String)] {
        let bytes = Data(secret.utf8)
        let json = String(decoding: try! JSONSerialization.data(withJSONObject: [secret], options: [.fragmentsAllowed, .withoutEscapingSlashes]), as: UTF8.self)
            .dropFirst(2).dropLast(2)
        // As Python's json.dumps writes it (ensure_ascii).
        let ascii = JSONWriterTests.pythonEnsureASCII(secret)
        let url = secret.utf8.map { byte -> String in
            TokenShapes.isTokenByte(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "~") ? String(UnicodeScalar(byte)) : String(format: "%%%02X", byte)
        }.joined()
        let basic = Data("user:".utf8 + bytes).base64EncodedString()
        let half = secret.count / 2
        return [
            ("raw", secret), ("JSON", String(json)), ("JSON \\u", ascii), ("URL", url),
            ("base64", bytes.base64EncodedString()),
            // `user:` puts the secret at an offset of two bytes: the characters that depend on it
            // alone, from the eighth to the last whole one.
            ("base64 at an offset", String(basic.prefix((5 + bytes.count) * 8 / 6).dropFirst(7))),
            ("split", String(secret.prefix(half)) + "\n  " + String(secret.dropFirst(half))),
        ]
    }

    /// The longest run of `form` that `text` still holds.
    static func longestRun(of form: String, in text: String) -> Int {
        let form = Array(form.unicodeScalars)
        var longest = 0
        for start in form.indices {
            var length = longest + 1
            while start + length <= form.count && text.unicodeScalars.contains(String.UnicodeScalarView(form[start..<(start + length)])) {
                longest = length
                length += 1
            }
        }
        return longest
    }

    @Test func randomSecretsInEveryEncodingNeverSurviveAndTheRestRevealsAtMostTheFixedShare() {
        var random = SplitMix64(seed: 0x5EC2E7)
        let alphabet = Array("abcXYZ019-_.~ /+=\"\\'\u{1B}\u{07}\t\u{7F}äöü€😀".unicodeScalars)
        for _ in 0..<300 {
            let length = Int.random(in: 12...80, using: &random)
            var secret = String.UnicodeScalarView()
            for _ in 0..<length { secret.append(alphabet.randomElement(using: &random)!) }
            let value = String(secret)
            let redactor = Redactor(values: [value], shapes: false)
            for (name, form) in Self.encodings(of: value) {
                let shown = redactor.redact("<<" + form + ">>")
                let rest = shown.replacingOccurrences(of: mask, with: "")
                #expect(!shown.contains(value), "\(name) of \(value.debugDescription): \(shown.debugDescription)")
                #expect(!shown.contains(form), "\(name) of \(value.debugDescription): \(shown.debugDescription)")
                let revealed = Self.longestRun(of: form, in: rest)
                #expect(revealed <= max(3, form.unicodeScalars.count / Redactor.revealedShare), "\(name) of \(value.debugDescription): \(shown.debugDescription)")
            }
            let masked = ServerEntry.masked(value)
            #expect(Self.longestRun(of: value, in: masked) <= value.unicodeScalars.count / Redactor.revealedShare, "\(value.debugDescription) → \(masked)")
        }
    }

    @Test func aMaskShowsNothingOfATwelveCharacterSecretAndAtMostAnEighthOfALongOne() {
        #expect(ServerEntry.masked("k7QpXw9mZr4a") == "••••••••")
        let long = "k7QpXw9mZr4aT2vB8nL5cH1dF6gJ3sW0"
        let masked = ServerEntry.masked(long)
        #expect(masked == "k7…W0", "\(masked)")
        #expect(ServerEntry.masked("ghp_" + String(repeating: "a1B2", count: 9) + "Q3f") == "ghp_…3f")
    }

    @Test func aLongSecretClippedForAMessageOrATableShowsNoneOfItsStart() {
        let secret = String(repeating: "Vq7ZmR2xLp9TnW4k", count: 8).prefix(120)
        let redactor = Redactor(values: [String(secret)], shapes: false)
        for clipped in [String(secret).clipped(), String(secret).clipped(40), "unexpected argument '\(String(secret).clipped())'"] {
            let shown = redactor.redact(clipped)
            #expect(!shown.contains(secret.prefix(8)), "\(shown)")
        }
        // A value that only starts like the secret and was not clipped stays.
        #expect(redactor.redact("Vq7ZmR2x and more") == "Vq7ZmR2x and more")
    }

    @Test func theHistoryKeepsNoLineThatTheOutputWouldMask() {
        let vault = SecretVault()
        let secret = "hist\"ory\\secret-0123456789"
        vault.store(secret, as: "claude/x")
        let redactor = Redactor(vault: vault)
        let lines = [
            "echo 'hist\\\"ory\\\\secret-0123456789'", // escaped as it is typed in a JSON argument
            "echo \(secret.prefix(secret.count * 5 / 6))", // 83% of it
            "echo hist%22ory%5Csecret-0123456789",
        ]
        for line in lines {
            #expect(redactor.redact(line) != line, "the output masks \(line)")
            #expect(redactor.historyEntry(line) == nil, "\(line)")
        }
        #expect(redactor.historyEntry("mcp list")?.value == "mcp list")
    }

    @Test func controlCharactersAreShownNotObeyedAndColoursStay() {
        let text = "name\u{1B}]52;c;cm0=\u{07} \u{1B}[31mred\u{1B}[0m\rover\nnext\u{9B}2J\tend\r\n"
        #expect(TerminalText.neutralized(text) == "name^[]52;c;cm0=^G \u{1B}[31mred\u{1B}[0m^Mover\nnext\u{FFFD}2J\tend\r\n")
        #expect(Redactor(values: ["owned-secret"]).clean("\u{1B}]0;owned-secret\u{07}") == "^[]0;\(mask)^G")
    }
}
