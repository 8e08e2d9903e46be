/// The shapes API tokens come in: how a clear-text secret is recognised when nobody said it was
/// one (a token pasted on the command line, into a config, into a server's log).
enum TokenShapes {
    struct Match: Sendable, Equatable {
        /// What kind of token, e.g. "GitHub token".
        let kind: String
        /// Byte offsets into the text's UTF-8.
        let range: Range<Int>
    }

    struct Shape {
        let kind: String
        let prefix: [UInt8]
        /// Token characters after the prefix, at least.
        let minimum: Int
        /// Exactly this many, for fixed-length keys (AWS).
        let exact: Int?
        let uppercaseOnly: Bool

        init(_ kind: String, _ prefix: String, minimum: Int, exact: Int? = nil, uppercaseOnly: Bool = false) {
            self.kind = kind
            self.prefix = Array(prefix.utf8)
            self.minimum = minimum
            self.exact = exact
            self.uppercaseOnly = uppercaseOnly
        }
    }

    /// Longer prefixes first, so `sk-ant-` is an Anthropic key before it is an `sk-` key.
    static let shapes: [Shape] = [
        Shape("GitHub token", "github_pat_", minimum: 40),
        Shape("GitHub token", "ghp_", minimum: 30), Shape("GitHub token", "gho_", minimum: 30),
        Shape("GitHub token", "ghu_", minimum: 30), Shape("GitHub token", "ghs_", minimum: 30),
        Shape("GitHub token", "ghr_", minimum: 30),
        Shape("Anthropic API key", "sk-ant-", minimum: 20),
        Shape("Stripe key", "sk_live_", minimum: 20), Shape("Stripe key", "rk_live_", minimum: 20),
        Shape("OpenAI-style API key", "sk-", minimum: 20),
        Shape("Slack token", "xoxb-", minimum: 10), Shape("Slack token", "xoxp-", minimum: 10),
        Shape("Slack token", "xoxa-", minimum: 10), Shape("Slack token", "xoxr-", minimum: 10),
        Shape("Slack token", "xoxs-", minimum: 10),
        Shape("AWS access key", "AKIA", minimum: 16, exact: 16, uppercaseOnly: true),
        Shape("AWS access key", "ASIA", minimum: 16, exact: 16, uppercaseOnly: true),
        Shape("GitLab token", "glpat-", minimum: 20),
        Shape("Google API key", "AIza", minimum: 35),
        Shape("npm token", "npm_", minimum: 36),
        Shape("Hugging Face token", "hf_", minimum: 30),
    ]

    static func isTokenByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F || byte == 0x2D
    }

    /// Every token in `text`, left to right, not overlapping.
    static func find(in text: String) -> [Match] {
        let bytes = Array(text.utf8)
        var matches: [Match] = []
        var index = 0
        while index < bytes.count {
            // A token starts a word: "task-force-..." holds no "sk-" key.
            guard index == 0 || !isTokenByte(bytes[index - 1]), let match = match(in: bytes, at: index) else {
                index += 1
                continue
            }
            matches.append(match)
            index = match.range.upperBound
        }
        return matches
    }

    private static func match(in bytes: [UInt8], at start: Int) -> Match? {
        for shape in shapes where bytes.count - start > shape.prefix.count && bytes[start] == shape.prefix[0] {
            guard bytes[start..<(start + shape.prefix.count)].elementsEqual(shape.prefix) else { continue }
            var end = start + shape.prefix.count
            while end < bytes.count && isTokenByte(bytes[end]) {
                if shape.uppercaseOnly && !((bytes[end] >= 0x41 && bytes[end] <= 0x5A) || (bytes[end] >= 0x30 && bytes[end] <= 0x39)) { break }
                end += 1
            }
            let length = end - start - shape.prefix.count
            if let exact = shape.exact {
                guard length == exact, end == bytes.count || !isTokenByte(bytes[end]) else { continue }
            } else {
                guard length >= shape.minimum else { continue }
            }
            return Match(kind: shape.kind, range: start..<end)
        }
        return nil
    }

    static func contains(in text: String) -> Bool { !find(in: text).isEmpty }
}
