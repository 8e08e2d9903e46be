import Foundation
import Testing

/// Many requests in flight on one stdio session, as a gateway's clients put them there.
struct SessionMultiplexingTests {
    /// A server that reads its next line only once it has written a big answer, sent more
    /// requests than its input pipe holds (twelve clients' calls of 100 KB through a gateway):
    /// the session's reader must go on draining its answers while the writes wait for room, or
    /// neither side moves until the deadline ends the session and every call fails.
    @Test func requestsThatFillTheServersInputStillAllGetTheirBigAnswers() throws {
        let home = Claudesh.temporaryFolder("claudesh-multiplexing")
        defer { Claudesh.cleanUp(home) }
        try FileManager.default.createDirectory(atPath: home + "/.config/Claude", withIntermediateDirectories: true)
        MCPFixtures.writeConfig(home + "/.config/Claude/claude_desktop_config.json",
                                [("big", "{\"command\": \"/usr/bin/python3\", \"args\": [\"\(MCPFixtures.eraScript)\", \"big-answers\"]}")])
        let added = try Claudesh.run(["gateway", "add", "big"], home: home)
        #expect(added.status == 0, "\(added.stderr)")
        let script = """
        import json, subprocess, sys
        gateway = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        meta = {"io.modelcontextprotocol/protocolVersion": "2026-07-28"}
        def send(message):
            gateway.stdin.write((json.dumps(dict(message, jsonrpc="2.0")) + "\\n").encode())
            gateway.stdin.flush()
        send({"id": 0, "method": "tools/list", "params": {"_meta": meta}})
        json.loads(gateway.stdout.readline())
        texts = {}
        for number in range(1, 13):
            texts[number] = f"call-{number}-" + "q" * 100_000
            send({"id": number, "method": "tools/call", "params": {"_meta": meta, "name": "big_echo", "arguments": {"text": texts[number]}}})
        answered = []
        while len(answered) < 12:
            message = json.loads(gateway.stdout.readline())
            if "id" not in message:
                continue
            text = ((message.get("result") or {}).get("content") or [{}])[0].get("text", "")
            whole = text.startswith(texts[message["id"]]) and len(text) == len(texts[message["id"]]) + (256 << 10)
            answered.append(f"call-{message['id']}" if whole else f"wrong answer to call-{message['id']}: {json.dumps(message)[:300]}")
        print(json.dumps(sorted(answered)))
        gateway.stdin.close()
        gateway.wait()
        """
        let result = try Claudesh.runProgram("/usr/bin/python3", ["-c", script, Claudesh.binary, "gateway"],
                                             environment: Claudesh.environment(home: home, extra: ["MCP_TOOL_TIMEOUT": "60000"]))
        let answered = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String]) ?? []
        #expect(Set(answered) == Set((1...12).map { "call-\($0)" }), "\(result.stdout.prefix(2000)) \(result.stderr.prefix(2000))")
    }
}
