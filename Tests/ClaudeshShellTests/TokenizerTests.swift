import Testing
@testable import ClaudeshShell

struct TokenizerTests {
    let expansion = Tokenizer.Expansion(
        variable: { ["HOME": "/home/op", "EMPTY": "", "SPACED": "a b"][$0] },
        positional: ["script.claudesh", "first", "second"]
    )

    func words(_ text: String) throws -> [String] { try Tokenizer.words(text, expansion: expansion) }

    @Test func splitsOnWhitespace() throws {
        #expect(try words("  mcp   check\tgithub ") == ["mcp", "check", "github"])
    }

    @Test func quotesKeepSpacesAndEmptyWords() throws {
        #expect(try words(#"echo 'a  b' "c d" '' """#) == ["echo", "a  b", "c d", "", ""])
        #expect(try words(#"echo x'y'"z""#) == ["echo", "xyz"])
    }

    @Test func singleQuotesAreLiteral() throws {
        #expect(try words(#"echo '$HOME \n ${X}'"#) == ["echo", #"$HOME \n ${X}"#])
    }

    @Test func backslashEscapes() throws {
        #expect(try words(#"echo a\ b \$HOME \\ \'"#) == ["echo", "a b", "$HOME", "\\", "'"])
        #expect(try words(#"echo "q\"uote" "back\\slash" "keep\n""#) == ["echo", "q\"uote", "back\\slash", "keep\\n"])
    }

    @Test func commentsEndTheLine() throws {
        #expect(try words("echo hi # a comment 'unterminated") == ["echo", "hi"])
        #expect(try words("# only a comment") == [])
        #expect(try words("echo a#b") == ["echo", "a#b"])
    }

    @Test func continuationJoinsLines() throws {
        #expect(try words("mcp add x \\\n  --env K=V") == ["mcp", "add", "x", "--env", "K=V"])
        #expect(try words("ec\\\nho") == ["echo"])
        #expect(Tokenizer.needsContinuation("mcp add \\"))
        #expect(!Tokenizer.needsContinuation("mcp add \\\\"))
        #expect(!Tokenizer.needsContinuation("echo '\\"))
        #expect(Tokenizer.needsContinuation("echo \"abc\\"))
        #expect(!Tokenizer.needsContinuation("# comment \\"))
    }

    @Test func variablesExpand() throws {
        #expect(try words("echo $HOME ${HOME}/x \"${HOME}\"") == ["echo", "/home/op", "/home/op/x", "/home/op"])
        #expect(try words("echo ${MISSING:-fallback} ${EMPTY:-used} ${HOME:-unused}") == ["echo", "fallback", "used", "/home/op"])
        #expect(try words("echo ${MISSING:-}") == ["echo", ""])
        #expect(try words("echo ${MISSING:-$HOME/x} ${A:-${B:-deep}} \"${C:-a b}\"") == ["echo", "/home/op/x", "deep", "a b"])
        #expect(throws: Tokenizer.Error.self) { try words("echo ${MISSING:-$NOPE}") }
    }

    @Test func expandedValuesAreNotSplit() throws {
        #expect(try words("echo $SPACED") == ["echo", "a b"])
    }

    @Test func positionalArguments() throws {
        #expect(try words("echo $1 ${2} $# $0") == ["echo", "first", "second", "2", "script.claudesh"])
        #expect(try words("echo ${3:-none}") == ["echo", "none"])
    }

    @Test func dollarWithoutNameIsLiteral() throws {
        #expect(try words("echo $ a$ $%") == ["echo", "$", "a$", "$%"])
    }

    @Test func unsetVariableIsAnErrorNamingIt() {
        #expect(throws: Tokenizer.Error(message: "NOPE is not set (set it with 'set NOPE VALUE', or write ${NOPE:-default})", column: 6)) {
            try words("echo $NOPE")
        }
        #expect(throws: Tokenizer.Error.self) { try words("echo ${NOPE}") }
        let error = #expect(throws: Tokenizer.Error.self) { try words("echo $5") }
        #expect(error?.message.contains("$5 was not given") == true)
    }

    @Test func malformedInputReportsTheColumn() {
        #expect((#expect(throws: Tokenizer.Error.self) { try words("echo 'abc") })?.column == 6)
        #expect((#expect(throws: Tokenizer.Error.self) { try words("echo ab \"c") })?.column == 9)
        #expect((#expect(throws: Tokenizer.Error.self) { try words("echo ${HOME") })?.message == "unterminated ${")
        #expect((#expect(throws: Tokenizer.Error.self) { try words("echo ${A B}") })?.message.hasPrefix("bad substitution") == true)
    }

    @Test func partialLineForCompletion() {
        #expect(Tokenizer.partial("mcp ch", expansion: expansion) == .init(words: ["mcp"], current: "ch", openQuote: nil))
        #expect(Tokenizer.partial("mcp ", expansion: expansion) == .init(words: ["mcp"], current: "", openQuote: nil))
        #expect(Tokenizer.partial("source 'my fi", expansion: expansion) == .init(words: ["source"], current: "my fi", openQuote: "'"))
        #expect(Tokenizer.partial("source my\\ fi", expansion: expansion) == .init(words: ["source"], current: "my fi", openQuote: nil))
        #expect(Tokenizer.partial("echo $NOPE/x", expansion: expansion).current == "$NOPE/x")
        #expect(Tokenizer.partial("echo ${HOME}/x", expansion: expansion).current == "/home/op/x")
    }

    @Test func longLineIsLinear() throws {
        let line = "echo " + String(repeating: "a", count: 1_000_000)
        #expect(try words(line)[1].count == 1_000_000)
    }

    @Test func defaultsNestedSixteenDeepExpand() throws {
        let line = "echo " + String(repeating: "${UNSET:-", count: 16) + "deep" + String(repeating: "}", count: 16)
        #expect(try words(line) == ["echo", "deep"])
    }

    /// Ten thousand levels took minutes and gigabytes: each level rescanned the rest.
    @Test func defaultsNestedDeeperThanTheBoundAreRefused() throws {
        let line = "echo " + String(repeating: "${A:-", count: 10_000) + "x" + String(repeating: "}", count: 10_000)
        #expect(throws: Tokenizer.Error(message: "${...:-default} nested more than 16 deep", column: 6)) { try words(line) }
        #expect(Tokenizer.partial(line, expansion: expansion).words == ["echo"])
    }
}
