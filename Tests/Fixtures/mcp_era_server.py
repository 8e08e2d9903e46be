"""An MCP server of the suite for what no PyPI server does: speak only the stateless 2026-07-28
revision, stay silent as some legacy servers do, or refuse the first version it is asked for.
Standard library only.

    mcp_era_server.py MODE           newline-delimited JSON-RPC on stdin/stdout
    mcp_era_server.py MODE --http    streamable HTTP at /mcp on 127.0.0.1, a free port: prints
                                     "PORT <n>" on stdout, then serves until killed
    --description TEXT               the echo tool's description instead of "Says it back" (a
                                     server whose tools changed since they were pinned)

MODE:
    modern          2026-07-28 only: server/discover and tools/list; initialize is refused
                    with the versions it speaks, as the spec asks of a modern-only server
    silent-legacy   the initialize handshake only; says nothing at all to any request before
                    initialize (server/discover included)
    refuse-first    modern, but refuses the first request with -32022 naming 2026-07-28
    slow-modern     modern, and reads nothing for 4 s (a server slow to start)
    input-required  modern, and answers tools/list with resultType input_required
    never-calls     modern, and never answers tools/call
    wrong-id        modern, and answers tools/call under another id
    huge-result     modern, and answers tools/call with 2 MiB of text
    stops-reading   modern, and reads nothing more once it has listed its tools (stdio)
    big-answers     modern, and answers tools/call with its text and 256 KiB more, reading no
                    next line until the answer is written (stdio)
"""
import json
import sys
import time

MODERN = "2026-07-28"
META_VERSION = "io.modelcontextprotocol/protocolVersion"
TOOLS = [{"name": "echo", "description": "Says it back", "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}}}]


class Server:
    def __init__(self, mode):
        self.mode = mode
        self.initialized = False
        self.refused = False

    def error(self, rid, code, message, data=None):
        error = {"code": code, "message": message}
        if data is not None:
            error["data"] = data
        return {"jsonrpc": "2.0", "id": rid, "error": error}

    def result(self, rid, result):
        return {"jsonrpc": "2.0", "id": rid, "result": result}

    def handle(self, message):
        """The answer to one message, or None for no answer."""
        method = message.get("method")
        rid = message.get("id")
        if rid is None:
            return None  # notifications
        params = message.get("params") or {}
        version = (params.get("_meta") or {}).get(META_VERSION)
        if self.mode == "silent-legacy":
            if method == "initialize":
                self.initialized = True
                return self.result(rid, {"protocolVersion": "2025-06-18", "capabilities": {"tools": {}},
                                         "serverInfo": {"name": "silent-legacy", "version": "1.0"}})
            if not self.initialized:
                return None
            if method == "tools/list":
                return self.result(rid, {"tools": TOOLS})
            if method == "ping":
                return self.result(rid, {})
            return self.error(rid, -32601, "Method not found")
        # The modern modes.
        if method == "initialize":
            return self.error(rid, -32022, "this server speaks only " + MODERN, {"supported": [MODERN], "requested": params.get("protocolVersion")})
        if version is None:
            return self.error(rid, -32602, "missing _meta " + META_VERSION)
        if self.mode == "refuse-first" and not self.refused:
            self.refused = True
            return self.error(rid, -32022, "Unsupported protocol version", {"supported": [MODERN], "requested": version})
        if version != MODERN:
            return self.error(rid, -32022, "Unsupported protocol version", {"supported": [MODERN], "requested": version})
        if method == "server/discover":
            return self.result(rid, {"supportedVersions": [MODERN], "capabilities": {"tools": {}, "extensions": {"io.example/demo": {}}},
                                     "resultType": "complete", "ttlMs": 0, "cacheScope": "public",
                                     "_meta": {"io.modelcontextprotocol/serverInfo": {"name": "era-" + self.mode, "version": "1.0", "title": "Era fixture"}}})
        if method == "tools/list":
            if self.mode == "input-required":
                return self.result(rid, {"resultType": "input_required", "inputRequests": {}})
            return self.result(rid, {"tools": TOOLS, "resultType": "complete", "ttlMs": 0, "cacheScope": "public"})
        if method == "tools/call":
            if self.mode == "never-calls":
                return None
            text = (params.get("arguments") or {}).get("text", "")
            if self.mode == "huge-result":
                text = "x" * (2 << 20)
            if self.mode == "big-answers":
                text += "y" * (256 << 10)
            answer = {"content": [{"type": "text", "text": text}], "resultType": "complete"}
            return self.result(rid + 1000 if self.mode == "wrong-id" else rid, answer)
        return self.error(rid, -32601, "Method not found")


def serve_stdio(server):
    if server.mode == "slow-modern":
        time.sleep(4)
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        answer = server.handle(request)
        if answer is not None:
            sys.stdout.write(json.dumps(answer) + "\n")
            sys.stdout.flush()
        if server.mode == "stops-reading" and request.get("method") == "tools/list":
            time.sleep(3600)


def serve_http(server):
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def reply(self, status, body=None):
            data = json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            if body is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            self.reply(405)

        def do_DELETE(self):
            self.reply(405)

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            if self.headers.get("Mcp-Session-Id") is not None:
                return self.reply(400, server.error(body.get("id"), -32600, "a session id was sent to a stateless server"))
            version = self.headers.get("MCP-Protocol-Version")
            method = self.headers.get("Mcp-Method")
            meta = ((body.get("params") or {}).get("_meta") or {}).get(META_VERSION)
            if body.get("method") == "initialize":
                return self.reply(400, server.handle(body))
            if version != meta or method != body.get("method"):
                return self.reply(400, server.error(body.get("id"), -32020, "the headers do not match the body"))
            answer = server.handle(body)
            if answer is None:
                return self.reply(202)
            if "error" in answer:
                status = 404 if answer["error"]["code"] == -32601 else 400
                return self.reply(status, answer)
            self.reply(200, answer)

    http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print("PORT", http.server_address[1], flush=True)
    http.serve_forever()


if __name__ == "__main__":
    options = sys.argv[2:]
    if "--description" in options:
        at = options.index("--description")
        TOOLS[0]["description"] = options[at + 1]
        del options[at:at + 2]
    server = Server(sys.argv[1])
    if options == ["--http"]:
        serve_http(server)
    else:
        serve_stdio(server)
