import Foundation
import Testing

/// The layering rules of the design, checked on the source tree so that they hold by machine:
/// command files never reach into each other, and nothing leaves the process except through
/// the sinks that take redacted values.
struct LayeringTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The Swift files under `folder` (relative to the package), each with its text without
    /// line comments (a comment may name anything).
    static func sources(under folder: String) throws -> [(path: String, text: String)] {
        let base = root + "/" + folder
        let enumerator = try #require(FileManager.default.enumerator(atPath: base))
        var files: [(String, String)] = []
        while let relative = enumerator.nextObject() as? String {
            guard relative.hasSuffix(".swift") else { continue }
            let text = try String(contentsOfFile: base + "/" + relative, encoding: .utf8)
            let code = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
                guard let comment = line.range(of: "//") else { return String(line) }
                return String(line[..<comment.lowerBound])
            }.joined(separator: "\n")
            files.append((folder + "/" + relative, code))
        }
        return files.sorted { $0.0 < $1.0 }
    }

    // MARK: Commands reach into no other group

    /// The sources under `folder`, with `code` added to the file whose path ends in `file`: a
    /// change the checks must catch.
    static func sources(under folder: String, planting code: String, in file: String) throws -> [(path: String, text: String)] {
        var files = try sources(under: folder)
        let index = try #require(files.firstIndex { $0.path.hasSuffix(file) })
        files[index].text += "\n" + code + "\n"
        return files
    }

    /// A command group: a folder under Commands/, or a file directly in it.
    static func group(of path: String) -> String {
        let inside = path.dropFirst("Sources/ClaudeshShell/Commands/".count)
        return inside.split(separator: "/").first.map(String.init) ?? String(inside)
    }

    /// The types a file declares at its top level.
    static func declaredTypes(in text: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: #"^(?:(?:package|public|internal|private|fileprivate|final|@MainActor)\s+)*(?:enum|struct|class|actor|protocol|typealias)\s+(\w+)"#, options: .anchorsMatchLines)
        let range = NSRange(text.startIndex..., in: text)
        return pattern.matches(in: text, range: range).compactMap { Range($0.range(at: 1), in: text).map { String(text[$0]) } }
    }

    /// Every place where a file under Commands/ names a type another group declares.
    static func crossReferences(in files: [(path: String, text: String)]) -> [String] {
        var owner: [String: String] = [:]
        for file in files {
            for name in declaredTypes(in: file.text) { owner[name] = group(of: file.path) }
        }
        var found: [String] = []
        for file in files {
            let mine = group(of: file.path)
            for (name, group) in owner.sorted(by: { $0.key < $1.key }) where group != mine {
                if file.text.range(of: #"\b\#(name)\b"#, options: .regularExpression) != nil {
                    found.append("\(file.path) names \(name), which belongs to the \(group) commands: what two commands share belongs in the kit (or in the shell outside Commands/)")
                }
            }
        }
        return found
    }

    @Test func noCommandFileNamesAnotherGroupsTypes() throws {
        let files = try Self.sources(under: "Sources/ClaudeshShell/Commands")
        #expect(files.count > 10, "the command files were found")
        let found = Self.crossReferences(in: files)
        #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
    }

    @Test func theCheckFindsAReintroducedCrossReference() throws {
        // What RecoverCommand once did: call the health command's check and the MCP probe's targets.
        let files = try Self.sources(under: "Sources/ClaudeshShell/Commands", planting: "let probe = MCPCheckCommands.self\nlet health = HealthCommands.self",
                                     in: "Recovery/RecoverCommand.swift")
        let found = Self.crossReferences(in: files)
        #expect(found.count == 2, "\(found)")
        #expect(found.contains { $0.contains("RecoverCommand.swift names MCPCheckCommands, which belongs to the MCP commands") })
        #expect(found.contains { $0.contains("RecoverCommand.swift names HealthCommands, which belongs to the Health commands") })
    }

    // MARK: Every way out passes the redactor

    /// The calls that put bytes somewhere outside the process (libc's `write(fd, ...)`, not a
    /// Swift method that happens to be called write).
    static let rawWrites = [
        #"(?<![.\w])write\(\s*[\w.]+\s*,"#, #"\bfputs\("#, #"\bfwrite\("#, #"\bputs\("#, #"\bputchar\("#, #"(?<![.\w])print\("#,
        #"\bprintf\("#, #"\bdprintf\("#, #"\bFileHandle\b"#, #"\bFileIO\.writeAll\("#, #"(?<![.\w])writeAll\("#,
        #"\bsqlite3_bind_text\("#, #"\bsqlite3_exec\("#,
    ]

    /// The files allowed to make them, and why: a sink that takes only `Redacted` values, or a
    /// write that is not output (a child's stdin, a file the user's data goes to).
    static let allowedWriters: [String: String] = [
        "Sources/ClaudeshKit/Files/FileIO.swift": "the one low-level writer: writeAll and copy",
        "Sources/ClaudeshKit/Files/AtomicFile.swift": "files written whole: configs, the history (HistoryFile.append takes Redacted), the index",
        "Sources/ClaudeshKit/Process/ChildProcess.swift": "a child's standard input",
        "Sources/ClaudeshKit/Backup/RestoreStaging.swift": "a backup's members, staged for a restore",
        "Sources/ClaudeshKit/Health/SQLiteDatabase.swift": "binding values; HealthHistory.record, its only writer, takes Redacted",
        "Sources/ClaudeshKit/MCP/Probe/ServerLog.swift": "a server's log: its write takes Redacted",
        "Sources/ClaudeshShell/Output.swift": "standard output and error: its emit takes Redacted",
        "Sources/ClaudeshKit/Gateway/GatewayStdio.swift": "the gateway's messages on stdout: LineWriter.emit takes Redacted",
        "Sources/ClaudeshKit/Gateway/GatewayRecorder.swift": "a failure to record, on stderr: report takes Redacted",
    ]

    /// Every raw write outside the allowed files, as FILE:LINE: code.
    static func bypasses(in files: [(path: String, text: String)]) -> [String] {
        var found: [String] = []
        for file in files where allowedWriters[file.path] == nil {
            for (number, line) in file.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                for pattern in rawWrites where line.range(of: pattern, options: .regularExpression) != nil {
                    found.append("\(file.path):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        return found
    }

    @Test func onlyTheRedactingSinksWriteOutOfTheProcess() throws {
        let found = Self.bypasses(in: try Self.sources(under: "Sources/ClaudeshKit") + Self.sources(under: "Sources/ClaudeshShell"))
        #expect(found.isEmpty, "writes that bypass the redactor's sinks:\n\(found.joined(separator: "\n"))")
        for path in Self.allowedWriters.keys { #expect(FileManager.default.fileExists(atPath: Self.root + "/" + path), "\(path) is still there") }
    }

    @Test func theSinksTakeOnlyRedactedValues() throws {
        let signatures = [
            ("Sources/ClaudeshShell/Output.swift", "private func emit(_ text: Redacted<String>"),
            ("Sources/ClaudeshShell/Output.swift", "nonisolated private static func send(_ text: Redacted<String>"),
            ("Sources/ClaudeshKit/MCP/Probe/ServerLog.swift", "private func write(_ line: Redacted<String>"),
            ("Sources/ClaudeshKit/History/HistoryFile.swift", "func append(_ entries: [Redacted<String>])"),
            ("Sources/ClaudeshKit/Health/HealthHistory.swift", "func record(_ redacted: Redacted<HealthReport>"),
            ("Sources/ClaudeshKit/Health/HealthHistory+Gateway.swift", "func record(calls: Redacted<[GatewayCall]>, events: Redacted<[GatewayEvent]>"),
            ("Sources/ClaudeshKit/Gateway/GatewayStdio.swift", "private func emit(_ message: Redacted<JSONValue>)"),
            ("Sources/ClaudeshKit/Gateway/GatewayRecorder.swift", "private func report(_ line: Redacted<String>)"),
            ("Sources/ClaudeshKit/Gateway/GatewayHTTP.swift", "json: Redacted<JSONValue>"),
            // Only the redactor's file can make one.
            ("Sources/ClaudeshKit/Context/Redactor.swift", "fileprivate init(_ value: Value)"),
        ]
        for (path, signature) in signatures {
            let text = try String(contentsOfFile: Self.root + "/" + path, encoding: .utf8)
            #expect(text.contains(signature), "\(path) declares \(signature)")
        }
    }

    @Test func aNewWriteToStandardErrorIsFound() throws {
        let files = try Self.sources(under: "Sources/ClaudeshShell", planting: """
            func leak(_ text: String) { fputs(text, stderr) }
            func log(_ fd: Int32, _ text: String) { try? FileIO.writeAll(fd, text.utf8, path: "x") }
            """, in: "Commands/ScriptCommands.swift")
        let found = Self.bypasses(in: files)
        #expect(found.count == 2, "\(found)")
        #expect(found.allSatisfy { $0.hasPrefix("Sources/ClaudeshShell/Commands/ScriptCommands.swift:") })
    }
}
