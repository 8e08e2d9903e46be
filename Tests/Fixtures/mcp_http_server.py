"""An MCP server over HTTP for claudesh's tests, made with the official Python SDK.

usage: mcp_http_server.py streamable-http|json|sse [--token TOKEN] [--tls CERT KEY]

Binds 127.0.0.1 on a free port, prints "PORT <n>" on stdout, then serves until killed.
`json` is streamable HTTP answering with application/json instead of an event stream.
With --token, every request needs "Authorization: Bearer TOKEN" or gets HTTP 401.
With --tls, it serves https with the certificate and key in those PEM files.
"""
import socket
import sys

import uvicorn
from mcp.server.mcpserver import MCPServer

mode = sys.argv[1]
token = sys.argv[sys.argv.index("--token") + 1] if "--token" in sys.argv else None
tls = sys.argv[sys.argv.index("--tls") + 1:sys.argv.index("--tls") + 3] if "--tls" in sys.argv else None

server = MCPServer("fixture-" + mode)


@server.tool()
def add(a: int, b: int) -> int:
    """Adds two numbers."""
    return a + b


@server.tool()
def echo(text: str) -> str:
    """Says the text back."""
    return text


@server.tool()
def now() -> str:
    """A fixed time."""
    return "2026-01-01T00:00:00Z"


if mode == "sse":
    app = server.sse_app()
else:
    app = server.streamable_http_app(json_response=(mode == "json"))

if token is not None:
    inner = app

    async def app(scope, receive, send):  # noqa: F811 - the guarded app
        if scope["type"] == "http":
            headers = dict(scope.get("headers", []))
            if headers.get(b"authorization") != b"Bearer " + token.encode():
                await send({"type": "http.response.start", "status": 401, "headers": [(b"content-type", b"text/plain")]})
                await send({"type": "http.response.body", "body": b"missing or wrong bearer token"})
                return
        await inner(scope, receive, send)

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind(("127.0.0.1", 0))
sock.listen(64)  # before saying the port: a probe may connect at once
print("PORT", sock.getsockname()[1], flush=True)
config = uvicorn.Config(app, log_level="warning", lifespan="on",
                        ssl_certfile=tls[0] if tls else None, ssl_keyfile=tls[1] if tls else None)
uvicorn.Server(config).run(sockets=[sock])
