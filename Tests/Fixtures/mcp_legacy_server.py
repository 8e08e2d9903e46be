"""A server of the handshake era only, written with FastMCP from the `mcp` SDK before 2.0, as
many servers in use still are. Run by the legacy venv's python (scripts/lib/setup.sh).

usage: mcp_legacy_server.py stdio|streamable-http

streamable-http binds 127.0.0.1 on a free port, prints "PORT <n>" on stdout, then serves until
killed.
"""
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
    from fixture_http import serve

    serve(app.streamable_http_app())
