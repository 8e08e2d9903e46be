"""A server of the handshake era only, written with FastMCP from the `mcp` SDK before 2.0, as
many servers in use still are. Run by the legacy venv's python (scripts/lib/setup.sh).

usage: mcp_legacy_server.py stdio|streamable-http

streamable-http binds 127.0.0.1 on a free port, prints "PORT <n>" on stdout, then serves until
killed.
"""
import socket
import sys

from mcp.server.fastmcp import FastMCP

mode = sys.argv[1]
app = FastMCP("legacy-fastmcp")


@app.tool()
def echo(text: str) -> str:
    """Says the text back."""
    return text


if mode == "stdio":
    app.run()
else:
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    print("PORT", sock.getsockname()[1], flush=True)
    uvicorn.Server(uvicorn.Config(app.streamable_http_app(), log_level="warning", lifespan="on")).run(sockets=[sock])
