"""An MCP server over HTTP for claudesh's tests, made with the official Python SDK.

usage: mcp_http_server.py streamable-http|json|sse [--token TOKEN] [--tls CERT KEY]
           [--redirect CODE FROM TO]... [--log FILE] [--server uvicorn|hypercorn]

Binds 127.0.0.1 on a free port, prints "PORT <n>" on stdout, then serves until killed.
`json` is streamable HTTP answering with application/json instead of an event stream.
With --token, every request needs "Authorization: Bearer TOKEN" or gets HTTP 401; with
--challenge as well, the 401 carries a WWW-Authenticate challenge naming its resource metadata,
as an OAuth-protected server's does.
With --tls, it serves https with the certificate and key in those PEM files.
With --redirect, a request for the path FROM is answered with status CODE and Location TO.
With --log, every request is appended to FILE as one JSON line: method, path, the HTTP version,
the client's address and port (one port per TCP connection), and its headers.
--server hypercorn serves the app with Hypercorn instead of uvicorn: with --tls it offers HTTP/2
(ALPN h2) next to HTTP/1.1.
"""
import json
import socket
import sys

from mcp.server.mcpserver import MCPServer

mode = sys.argv[1]


def option(name, count=1):
    """The values after each NAME on the command line."""
    found = []
    for index, word in enumerate(sys.argv):
        if word == name:
            found.append(sys.argv[index + 1:index + 1 + count])
    return found


token = option("--token")[0][0] if option("--token") else None
challenge = "--challenge" in sys.argv
tls = option("--tls", 2)[0] if option("--tls") else None
redirects = {path: (int(code), target) for code, path, target in option("--redirect", 3)}
log = option("--log")[0][0] if option("--log") else None
server_kind = option("--server")[0][0] if option("--server") else "uvicorn"

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
                start = [(b"content-type", b"text/plain")]
                if challenge:
                    metadata = b"http://" + headers.get(b"host", b"") + b"/.well-known/oauth-protected-resource"
                    start.append((b"www-authenticate", b'Bearer realm="mcp", resource_metadata="' + metadata + b'"'))
                await send({"type": "http.response.start", "status": 401, "headers": start})
                await send({"type": "http.response.body", "body": b"missing or wrong bearer token"})
                return
        await inner(scope, receive, send)

if redirects:
    served = app

    async def app(scope, receive, send):  # noqa: F811 - the redirecting app
        if scope["type"] == "http" and scope["path"] in redirects:
            code, target = redirects[scope["path"]]
            await send({"type": "http.response.start", "status": code,
                        "headers": [(b"location", target.encode()), (b"content-type", b"text/plain")]})
            await send({"type": "http.response.body", "body": b"moved"})
            return
        await served(scope, receive, send)

if log is not None:
    logged = app

    async def app(scope, receive, send):  # noqa: F811 - the logging app
        if scope["type"] == "http":
            entry = {
                "method": scope["method"], "path": scope["path"], "http_version": scope["http_version"],
                "client": list(scope["client"] or []),
                "headers": {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]},
            }
            with open(log, "a") as file:
                file.write(json.dumps(entry) + "\n")
        await logged(scope, receive, send)

# IPPROTO_TCP named, as getaddrinfo names it for a server given a host and port: asyncio sets
# TCP_NODELAY only on such sockets, and without it the server holds each small write until the
# last one is acknowledged (40 ms on a kept-alive connection).
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind(("127.0.0.1", 0))
sock.listen(64)  # before saying the port: a probe may connect at once
print("PORT", sock.getsockname()[1], flush=True)
if server_kind == "hypercorn":
    import asyncio

    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    config = Config()
    config.bind = [f"fd://{sock.fileno()}"]
    config.loglevel = "WARNING"
    if tls:
        config.certfile, config.keyfile = tls
    asyncio.run(serve(app, config))
else:
    import uvicorn

    config = uvicorn.Config(app, log_level="warning", lifespan="on",
                            ssl_certfile=tls[0] if tls else None, ssl_keyfile=tls[1] if tls else None)
    uvicorn.Server(config).run(sockets=[sock])
