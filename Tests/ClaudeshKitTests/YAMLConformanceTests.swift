import Foundation
import Testing
@testable import ClaudeshKit

/// claudesh's reading of YAML against PyYAML's C loader (Tests/Fixtures/yaml_canonical.py), on
/// compose files that use every feature of the Compose file reference and on generated edge
/// cases: the same document, node for node and place for place, or the same refusal.
struct YAMLConformanceTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// What PyYAML makes of each document, from the venv `scripts/test` builds (with PyYAML).
    static func pyyaml(_ documents: [String]) throws -> [[String: Any]] {
        let venv = ProcessInfo.processInfo.environment["CLAUDESH_TEST_VENV"] ?? repository + "/.build/test-venv"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: venv + "/bin/python")
        process.arguments = [repository + "/Tests/Fixtures/yaml_canonical.py"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        // Should Python stop reading, the write fails with EPIPE rather than the test process dying.
        signal(SIGPIPE, SIG_IGN)
        try process.run()
        let writer = Thread { try? input.fileHandleForWriting.write(contentsOf: JSONSerialization.data(withJSONObject: documents)); try? input.fileHandleForWriting.close() }
        writer.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "yaml_canonical.py failed")
        return try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
    }

    /// How claudesh's reading of `text` differs from PyYAML's `expected` (empty: the same).
    static func differences(_ text: String, _ expected: [String: Any]) -> [String] {
        let node: YAMLNode
        do {
            node = try YAMLParser.parse(text)
        } catch {
            guard let refusal = expected["error"] as? [String: Any] else { return ["claudesh refused (\(error)); PyYAML read it"] }
            let places = [refusal["problem"], refusal["context"]].compactMap { $0 as? [Int] }
            return places.isEmpty || places.contains([error.line, error.column]) ? [] : ["refused at \(error.line):\(error.column) (\(error.message)); PyYAML at \(places)"]
        }
        if expected["error"] != nil { return ["claudesh read it; PyYAML refused it: \(expected["error"]!)"] }
        guard let document = expected["node"] as? [String: Any] else {
            return node.isNull ? [] : ["PyYAML found no document; claudesh found \(node.kind)"]
        }
        return compare(node, document, path: "$")
    }

    static func compare(_ node: YAMLNode, _ expected: [String: Any], path: String, places: Bool = true) -> [String] {
        var found: [String] = []
        if places, let at = expected["at"] as? [Int], at != [node.line, node.column] {
            found.append("\(path): at \(node.line):\(node.column), PyYAML \(at[0]):\(at[1])")
        }
        let defaults: Set<String?> = [nil, "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map", "tag:yaml.org,2002:null"]
        let tag = defaults.contains(node.tag) ? nil : node.tag
        if tag != expected["tag"] as? String { found.append("\(path): tag \(tag ?? "none"), PyYAML \(expected["tag"] as? String ?? "none")") }
        switch node.kind {
        case .null:
            if expected["null"] == nil { found.append("\(path): null, PyYAML \(expected)") }
        case .scalar(let text, let quoted):
            if text != expected["scalar"] as? String { found.append("\(path): \(text.debugDescription), PyYAML \(expected["scalar"] ?? "not a scalar")") }
            if !quoted != (expected["plain"] as? Bool) { found.append("\(path): plain \(!quoted), PyYAML \(expected["plain"] ?? "-")") }
        case .sequence(let items):
            guard let other = expected["seq"] as? [[String: Any]], other.count == items.count else {
                return found + ["\(path): a sequence of \(items.count), PyYAML \(expected)"]
            }
            for (index, item) in items.enumerated() { found += compare(item, other[index], path: "\(path)[\(index)]", places: places) }
        case .mapping(let pairs):
            guard let other = expected["map"] as? [[[String: Any]]], other.count == pairs.count else {
                return found + ["\(path): a mapping of \(pairs.count) keys (\(pairs.map { $0.key.text ?? "?" })), PyYAML \(expected["map"].map { "\(($0 as? [Any])?.count ?? -1) keys" } ?? "no mapping")"]
            }
            for pair in pairs {
                let name = "\(path).\(pair.key.text ?? "?")"
                guard let match = other.first(where: { compare(pair.key, $0[0], path: "", places: false).isEmpty }) else {
                    found.append("\(name): no such key in PyYAML's mapping")
                    continue
                }
                found += compare(pair.key, match[0], path: name + " (key)", places: places)
                found += compare(pair.value, match[1], path: name, places: places)
            }
        }
        return found
    }

    static func check(_ documents: [(name: String, text: String)]) throws {
        let expected = try pyyaml(documents.map(\.text))
        try #require(expected.count == documents.count)
        for (document, reading) in zip(documents, expected) {
            let found = differences(document.text, reading)
            #expect(found.isEmpty, "\(document.name) \(document.text.debugDescription):\n\(found.joined(separator: "\n"))")
        }
    }

    @Test func composeFilesWithEveryFeatureOfTheReferenceReadAsPyYAMLReadsThem() throws {
        let folder = Self.repository + "/Tests/Fixtures/compose-corpus"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(names.count >= 9)
        try Self.check(names.map { name in (name, String(decoding: FileManager.default.contents(atPath: folder + "/" + name)!, as: UTF8.self)) })
    }

    /// Scalars in every style, in every place a compose file puts one, ended every way.
    static var generatedDocuments: [(name: String, text: String)] {
        let scalars = [
            "plain", "two words", "'single ''quoted'''", "\"double \\\"quoted\\\" \\t \\e \\u00e9 \\x41 \\/ \\N \\_ \\L\"", "\"\"", "''",
            "~", "null", "NULL", "yes", "0o17", "1_000", "3.10", "-.inf", "2001-12-14t21:59:43.10-05:00", "8080:80", "\"8080:80\"",
            "!!str 12", "!!int \"12\"", "!reset", "!reset []", "!override {a: 1}", "&anchor value", "http://h:1/p?q#f", "a#b", "-x", "?x", "a:b",
        ]
        let blocks = ["|", "|-", "|+", ">", ">-", ">+", "|2", ">1-", "|+2"]
        let bodies = ["line one\n  line two\n", "line\n\n", "  indented\nback\n", "\n\nafter blanks\n"]
        var documents: [(String, String)] = []
        for (index, scalar) in scalars.enumerated() {
            documents.append(("value \(index)", "key: \(scalar)\n"))
            documents.append(("item \(index)", "- \(scalar)\n- last\n"))
            documents.append(("flow \(index)", "k: [\(scalar), x]\nm: {a: \(scalar)}\n"))
            documents.append(("nested \(index)", "services:\n  s:\n    environment:\n      V: \(scalar)\n    labels: [\(scalar)]\n"))
            documents.append(("no newline \(index)", "key: \(scalar)"))
        }
        for block in blocks {
            for (index, body) in bodies.enumerated() {
                let indented = body.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "    " + $0 }.joined(separator: "\n")
                documents.append(("\(block) \(index) at the end", "a:\n  b: \(block)\n\(indented)"))
                documents.append(("\(block) \(index) then a key", "a:\n  b: \(block)\n\(indented)\n  c: d\n"))
                documents.append(("\(block) \(index) in a list", "- \(block)\n\(indented)- next\n"))
            }
        }
        let shapes = [
            "a:\n- x\n- y\n", "a:\n  - x\n  -   y\n", "- - a\n  - b\n- c\n", "- a: 1\n  b: 2\n- {c: 3}\n", "? complex\n: value\n",
            "a: &x [1, 2]\nb: *x\n", "a: &m {k: v}\nb:\n  <<: *m\n  k: w\n", "a: &m {k: v}\nn: &n {k: n, j: n}\nb:\n  <<: [*n, *m]\n",
            "b:\n  k: w\n  <<: {k: v, z: 1}\n", "a: !!str\nb: !!null x\n", "%YAML 1.1\n---\na: 1\n", "--- \na: 1\n...\n", "# only a comment\n",
            "", "\n\n", "a: 1 # c\n#c\nb: 2\n", "a:    \n  b\n", "a: 'multi\n  line'\n", "a: \"multi\\\n  line\"\n", "{a: 1, b: [2, {c: 3}]}\n",
            "[a, b]\n", "a: b\r\nc: d\r\n", "\u{FEFF}a: 1\n", "k:\n  - a\n  # comment between\n  - b\n", "a: [\n  1,\n  2\n]\n",
            "\"quoted key\": 1\n'single key': 2\n", "a: -\n", "a: - b\n", "a: 1\n...\n", "a: |\n  x\n...\n",
        ]
        documents += shapes.enumerated().map { ("shape \($0.offset)", $0.element) }
        let refusals = [
            "services:\n  a:\n\timage: x\n", "a: 1\na: 2\n", "a: [1, 2\n", "a: [1,\n", "a: {b: 1\n", "a: \"open\n", "a: 'open\n",
            "a: *nowhere\n", "a:\n  b: 1\n c: 2\n", "a:\n  - x\n  y: 1\n", "- x\ny: 1\n", "a: 1\n  b: 2\n", "a: 1\n---\nb: 2\n",
            "a: \"bad \\q\"\n", "command: echo \"a: b\"\n", "a: &r [*r]\n", "a: @at\n", "a: `tick`\n", "a: |\n x\n  y\n z: 1\n",
            "a: !<tag:yaml.org,2002:str\n", "<<: 1\n", "a:\n  <<: [1]\n", "a: b: c\n", "- a\n - b\n", "a: [b]]\n", "a: {b: c}}\n",
        ]
        documents += refusals.enumerated().map { ("refusal \($0.offset)", $0.element) }
        return documents
    }

    @Test func generatedEdgeCasesReadOrAreRefusedAsPyYAMLDoes() throws {
        let documents = Self.generatedDocuments
        #expect(documents.count > 300)
        try Self.check(documents)
    }
}
