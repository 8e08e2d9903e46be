"""A server with every kind of thing a client uses: tools of several argument types, a tool
that reports progress and takes its time, one that fails, one that returns an image, one
that asks the client for input mid-call;
one whose argument goes in an HTTP header too (x-mcp-header); resources and a resource
template; a prompt; completions. Written once for both SDKs: run by
the test venv's python (mcp 2.x, both eras) or the legacy venv's (mcp 1.x, the handshake era).

usage: mcp_full_server.py stdio|http [--log FILE]

http binds 127.0.0.1 on a free port, prints "PORT <n>" on stdout, then serves until killed.
With --log, every cancellation the server is told of is appended to FILE, one line each.
"""
import asyncio
import base64
import sys
from typing import Annotated, Literal

from pydantic import BaseModel, Field

try:
    from mcp.server.mcpserver import Context, Image, MCPServer as App
except ImportError:
    from mcp.server.fastmcp import Context, FastMCP as App
    from mcp.server.fastmcp.utilities.types import Image
from mcp.types import Completion, PromptReference, ResourceTemplateReference

mode = sys.argv[1]
log = sys.argv[sys.argv.index("--log") + 1] if "--log" in sys.argv else None
app = App("full-fixture")

# A 1x1 PNG.
PIXEL = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


@app.tool()
def add(a: int, b: int) -> int:
    """Adds two whole numbers."""
    return a + b


@app.tool()
def greet(name: str, style: Literal["plain", "loud"] = "plain", times: int = 1, polite: bool = False) -> str:
    """Greets someone.

    The style says how loud."""
    text = ("Please, hello " if polite else "Hello ") + name
    return "\n".join([text.upper() if style == "loud" else text] * times)


@app.tool()
def tags(items: list[str], meta: dict[str, int] | None = None) -> str:
    """Joins a list."""
    return ",".join(items) + (f" {sorted(meta.items())}" if meta else "")


@app.tool()
async def slow(seconds: float, ctx: Context) -> str:
    """Takes its time and reports progress."""
    steps = max(1, int(seconds / 0.2))
    try:
        for step in range(steps):
            await ctx.report_progress(step + 1, steps, f"step {step + 1}")
            await ctx.info(f"slow step {step + 1}")
            await asyncio.sleep(seconds / steps)
    except asyncio.CancelledError:
        if log:
            with open(log, "a") as out:
                out.write("cancelled slow\n")
        raise
    return f"slept {seconds}"


@app.tool()
def locate(region: Annotated[str, Field(json_schema_extra={"x-mcp-header": "Region"})]) -> str:
    """Says where: its argument is mirrored into the Mcp-Param-Region header over HTTP."""
    return f"region {region}"


@app.tool()
def fail(reason: str) -> str:
    """Always fails."""
    raise ValueError("refused: " + reason)


@app.tool()
def pixel() -> Image:
    """A one-pixel image."""
    return Image(data=PIXEL, format="png")


class Answer(BaseModel):
    text: str


@app.tool()
async def ask(ctx: Context) -> str:
    """Asks the client for input before answering: a request of the server's own, sent on the
    call's stream (handshake era), that the client must answer while the call is open."""
    try:
        result = await asyncio.wait_for(ctx.elicit("Which answer?", Answer), 10)
        return f"elicitation {result.action}"
    except asyncio.TimeoutError:
        return "the client never answered"
    except Exception as error:  # the client declined: an MCP error
        return f"declined: {error}"


background = set()


@app.tool()
async def sprout(ctx: Context, later: float = 0) -> str:
    """Adds the tool `sprouted` and says its tools changed, now or `later` seconds after it
    answers: a server whose tools come while it runs."""
    def sprouted() -> str:
        """Added while the server ran."""
        return "sprouted"

    version = getattr(ctx.request_context, "protocol_version", "")
    if version.startswith("2026"):
        # mcp 2.x in the stateless revision: heard on subscriptions/listen streams only.
        notify = ctx.notify_tools_changed
    else:
        notify = ctx.session.send_tool_list_changed  # the handshake era: unasked

    async def grow():
        await asyncio.sleep(later)
        app.add_tool(sprouted)
        await notify()

    if later:
        task = asyncio.get_running_loop().create_task(grow())
        background.add(task)  # kept until it is done
        task.add_done_callback(background.discard)
        return "sprouting"
    await grow()
    return "sprouted"


@app.resource("config://app", mime_type="text/plain")
def config() -> str:
    """The app's settings."""
    return "mode=test"


@app.resource("greeting://{name}")
def greeting(name: str) -> str:
    """A greeting for a name."""
    return f"Hello, {name}!"


@app.prompt()
def review(code: str, style: str = "brief") -> str:
    """Asks for a review of some code."""
    return f"Review this code ({style}):\n{code}"


@app.completion()
async def complete(ref, argument, context):
    if isinstance(ref, PromptReference) and argument.name == "style":
        return Completion(values=[v for v in ["brief", "detailed"] if v.startswith(argument.value)])
    if isinstance(ref, ResourceTemplateReference) and argument.name == "name":
        return Completion(values=[v for v in ["alice", "albert", "bob"] if v.startswith(argument.value)])
    return None


if mode == "stdio":
    app.run()
else:
    from fixture_http import serve

    serve(app.streamable_http_app())
