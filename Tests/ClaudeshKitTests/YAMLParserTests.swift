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
            // A more indented line goes on the plain value; its ': ' is where PyYAML stops too.
            ("a: 1\n  b: 2\n", 2, 4, "': ' inside a plain value"),
            ("command: echo \"a: b\"\n", 1, 17, "': ' inside a plain value"),
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

/// What compose files use and a parser of its own got wrong: Compose's tags, YAML's, every
/// escape, and a kept block at the end of the file.
struct YAMLParserComposeTests {
    @Test func composeTagsAndYAMLTagsAreRead() throws {
        let root = try YAMLParser.parse("ports: !reset []\nenvironment: !override\n  A: b\nversion: !!str 3.8\nuser: !!str 1000\n")
        #expect(root["ports"]?.tag == "!reset" && root["ports"]?.items == [])
        #expect(root["environment"]?.tag == "!override" && root["environment"]?["A"]?.text == "b")
        #expect(root["version"]?.text == "3.8" && root["version"]?.isString == true)
        #expect(root["user"]?.isString == true && YAMLNode(.scalar("1000", quoted: false), line: 1, column: 1).isString == false)
    }

    @Test func everyEscapeOfADoubleQuotedValue() throws {
        let root = try YAMLParser.parse(#"a: "\e[0m \t \u00e9 \x41 \N \_ \/ \\ \" \0 \a \b \v \f \r""# + "\n")
        #expect(root["a"]?.text == "\u{1B}[0m \t é A \u{85} \u{A0} / \\ \" \u{0} \u{7} \u{8} \u{B} \u{C} \r")
    }

    @Test func aKeptBlockAtTheEndOfTheFileKeepsItsOwnBreaksOnly() throws {
        #expect(try YAMLParser.parse("a: |+\n  x\n\n")["a"]?.text == "x\n\n")
        #expect(try YAMLParser.parse("a: |+\n  x\n")["a"]?.text == "x\n")
        #expect(try YAMLParser.parse("a: |+\n  x")["a"]?.text == "x")
    }
}

/// Files as editors and people write them, each checked against what PyYAML reads.
struct YAMLParserEdgeTests {
    func parse(_ text: String) throws -> YAMLNode { try YAMLParser.parse(text) }

    @Test func windowsLineEndsAndAByteOrderMark() throws {
        let root = try parse("\u{FEFF}services:\r\n  web:\r\n    image: x\r\n")
        #expect(root["services"]?["web"]?["image"]?.text == "x")
    }

    @Test func documentMarkersOnlyAtTheFirstColumn() throws {
        let root = try parse("# header\n---\na: |\n  line1\n  ...\n  --- not a marker\nb: 2\n")
        #expect(root["a"]?.text == "line1\n...\n--- not a marker\n")
        #expect(root["b"]?.text == "2")
    }

    @Test func tabsInsideBlockTextAreText() throws {
        let root = try parse("a: |\n  col1\tcol2\n  \tindented by a tab\n")
        #expect(root["a"]?.text == "col1\tcol2\n\tindented by a tab\n")
    }

    @Test func aFlowRootAndAliasesInsideFlowCollections() throws {
        let root = try parse("{\"services\": {\"web\": {\"image\": \"x\"}}}\n\n")
        #expect(root["services"]?["web"]?["image"]?.text == "x")
        let merged = try parse("a: &a {x: 1}\nb: &b {y: 2}\nports: [&p 80, *p, 443]\nc:\n  <<: [*a, *b]\n  z: 3\n")
        #expect(merged["ports"]?.items?.map(\.text) == ["80", "80", "443"])
        #expect(merged["c"]?["x"]?.text == "1" && merged["c"]?["y"]?.text == "2" && merged["c"]?["z"]?.text == "3")
    }

    @Test func indentationIndicatorsAndFoldedMoreIndentedLines() throws {
        #expect(try parse("- |1\n  x\n").items?.first?.text == " x\n")
        #expect(try parse("a: >\n  one\n    two\n  three\n")["a"]?.text == "one\n  two\nthree\n")
    }

    @Test func plainValuesGoOnOverIndentedLinesAndQuotesInsideThemAreText() throws {
        let root = try parse("command: echo hello\n  world\nb: sh -c 'echo # hi'\nc: [echo, don't]\nd: rock 'n roll\n")
        #expect(root["command"]?.text == "echo hello world")
        #expect(root["b"]?.text == "sh -c 'echo")
        #expect(root["c"]?.items?.map(\.text) == ["echo", "don't"])
        #expect(root["d"]?.text == "rock 'n roll")
    }

    @Test func positionsInsideAMultiLineFlowAreTheFilesOwn() throws {
        let root = try parse("env: {\n  A: 1,\n  TOKEN: abc\n}\n")
        let token = try #require(root["env"]?.pairs?.last)
        #expect(token.key.line == 3 && token.key.column == 3)
        #expect(token.value.line == 3 && token.value.column == 10)
        do {
            _ = try YAMLParser.parse("a: [1,\n  2,\n  3 4 ]]\n")
            Issue.record("no error")
        } catch {
            #expect(error.line == 3, "\(error)")
        }
    }

    @Test func deepNestingAndAliasBombsAreErrorsNotCrashes() {
        #expect(throws: YAMLParser.Error.self) { try YAMLParser.parse("a: " + String(repeating: "[", count: 5000) + "\n") }
        #expect(throws: YAMLParser.Error.self) { try YAMLParser.parse(String(repeating: "- ", count: 3000) + "x\n") }
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...6 { bomb += "l\(level): &l\(level) [" + Array(repeating: level == 1 ? "*a" : "*l\(level - 1)", count: 10).joined(separator: ", ") + "]\n" }
        // Aliases share their node, but a walk of the tree meets 10⁷ nodes: refused.
        #expect(throws: YAMLParser.Error.self) { try YAMLParser.parse(bomb) }
        let uses = String(repeating: "- *a\n", count: YAMLParser.maxAliasUses + 1)
        #expect(throws: YAMLParser.Error.self) { try YAMLParser.parse("x: &a 1\ny:\n" + uses) }
    }
}
