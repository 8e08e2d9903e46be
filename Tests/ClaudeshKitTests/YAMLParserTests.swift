import Testing
@testable import ClaudeshKit

/// The YAML of compose files, and errors that point at the line and column.
struct YAMLParserTests {
    func parse(_ text: String) throws -> YAMLNode { try YAMLParser.parse(text) }

    @Test func theSeedsComposeFileReadsAsWritten() throws {
        let text = """
        version: '3.8'
        services:
          filesystem:
            image: mcp/filesystem
            command: ["/rootfs"]
            volumes:
              - ${HOME}:/rootfs:ro
            restart: unless-stopped
            networks:
              - claude-net

          github:
            image: mcp/server-github   # the token comes from the environment
            environment:
              - GITHUB_TOKEN=${GITHUB_TOKEN}
        networks:
          claude-net:
            driver: bridge
        """
        let root = try parse(text)
        #expect(root["version"]?.kind == .scalar("3.8", quoted: true))
        let filesystem = try #require(root["services"]?["filesystem"])
        #expect(filesystem["image"]?.text == "mcp/filesystem")
        #expect(filesystem["command"]?.items?.map(\.text) == ["/rootfs"])
        #expect(filesystem["volumes"]?.items?.first?.text == "${HOME}:/rootfs:ro")
        #expect(root["services"]?["github"]?["image"]?.text == "mcp/server-github")
        #expect(root["services"]?["github"]?["environment"]?.items?.first?.text == "GITHUB_TOKEN=${GITHUB_TOKEN}")
        #expect(root["networks"]?["claude-net"]?["driver"]?.text == "bridge")
        // Positions: the github service's key is on line 12, column 3.
        let github = try #require(root["services"]?.pairs?.first { $0.key.text == "github" })
        #expect(github.key.line == 12 && github.key.column == 3)
    }

    @Test func listsAtTheKeysIndentCompactMappingsAndFlowCollections() throws {
        let root = try parse("""
        a:
        - x
        - name: one
          value: 1
        - [p, "q, r", {k: v}]
        b: {x: 1, y: [2, 3]}
        c: 'it''s'
        d: "tab\\there \\u00e9"
        e: ~
        f:
        """)
        #expect(root["a"]?.items?.count == 3)
        #expect(root["a"]?.items?[1]["value"]?.text == "1")
        #expect(root["a"]?.items?[2].items?.map { $0.text ?? "{}" } == ["p", "q, r", "{}"])
        #expect(root["b"]?["y"]?.items?.map(\.text) == ["2", "3"])
        #expect(root["c"]?.text == "it's")
        #expect(root["d"]?.text == "tab\there é")
        #expect(root["e"]?.isNull == true && root["f"]?.isNull == true)
    }

    @Test func blockScalarsAnchorsAliasesAndMerges() throws {
        let root = try parse("""
        x-defaults: &defaults
          restart: unless-stopped
          mem_limit: 2g
        services:
          one:
            <<: *defaults
            restart: always
            command: |
              line one
              line two
            note: >-
              folded
              text
        """)
        let one = try #require(root["services"]?["one"])
        #expect(one["restart"]?.text == "always")
        #expect(one["mem_limit"]?.text == "2g")
        #expect(one["command"]?.text == "line one\nline two\n")
        #expect(one["note"]?.text == "folded text")
    }

    @Test func errorsSayWhatAndWhere() {
        let cases: [(String, Int, Int, String)] = [
            ("services:\n  a:\n\timage: x\n", 3, 1, "tab"),
            ("a: 1\na: 2\n", 2, 1, "duplicate key 'a'"),
            ("a: [1, 2\n", 1, 4, "not closed"),
            ("a: \"open\n", 1, 4, "not closed"),
            ("a: *nowhere\n", 1, 4, "unknown alias"),
            ("a:\n  b: 1\n c: 2\n", 3, 2, "unexpected indentation"),
            ("a:\n  - x\n  y: 1\n", 3, 3, "unexpected indentation"),
            ("- x\ny: 1\n", 2, 1, "unexpected indentation"),
            ("a: 1\n  b: 2\n", 2, 3, "unexpected indentation"),
            ("a: 1\n---\nb: 2\n", 2, 1, "second document"),
            ("a: \"bad \\q\"\n", 1, 9, "unknown escape"),
        ]
        for (text, line, column, message) in cases {
            do {
                _ = try YAMLParser.parse(text)
                Issue.record("no error for \(text.debugDescription)")
            } catch {
                #expect(error.line == line && error.column == column, "\(text.debugDescription): \(error)")
                #expect(error.message.contains(message), "\(text.debugDescription): \(error)")
            }
        }
    }

    @Test func commentsAndHashesInsideValues() throws {
        let root = try parse("""
        # a comment
        a: value # trailing
        b: "not # a comment"
        c: url#fragment
        """)
        #expect(root["a"]?.text == "value")
        #expect(root["b"]?.text == "not # a comment")
        #expect(root["c"]?.text == "url#fragment")
    }
}
