"""Drives claudesh's gateway with the Python SDK 2.x Client, as Claude would.

    gateway_client.py MODE TARGET [STEP...]

MODE: auto (server/discover, the 2026-07-28 revision when the server has it) or legacy (the
initialize handshake). TARGET: a URL (streamable HTTP; GATEWAY_TOKEN, when set, goes as the
bearer token) or `stdio` (the command after `--` is started, its stdin and stdout the channel).
STEP: `tools`, `prompts`, `resources`, `call:TOOL:JSON`, `read:URI`, `prompt:NAME:JSON`,
`sleep:SECONDS`, `notifications` (the methods of the notifications the server sent so far), `kill:WORD` (SIGKILL to the processes whose command line has WORD, as a
crash from outside would), `run:JSON` (runs the program and arguments of a JSON list, as an
operator in another shell would; its exit status is the value), `wait:METHOD:N` (waits up to 15 s
for N notifications of METHOD in all; their count is the value), `listen:KIND,...` (opens a
`subscriptions/listen` stream for the list changes of each KIND, tools, prompts or resources; the
filter the server honoured is the value), `events` (the events that stream carried so far, by
kind). Prints one JSON line per step:
{"step", "ok", "value"|"error"}, and first {"era", "version", "server"}.
"""
import asyncio
import contextlib
import json
import os
import sys

from mcp.client.client import Client
from mcp.client.stdio import StdioServerParameters


def dump(model):
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


async def main():
    mode, target, *rest = sys.argv[1:]
    command = []
    if "--" in rest:
        index = rest.index("--")
        rest, command = rest[:index], rest[index + 1:]
    if target == "stdio":
        server = StdioServerParameters(command=command[0], args=command[1:], env=dict(os.environ))
    else:
        import httpx2
        from mcp.client.streamable_http import streamable_http_client

        headers = {}
        if os.environ.get("GATEWAY_TOKEN"):
            headers["Authorization"] = "Bearer " + os.environ["GATEWAY_TOKEN"]
        server = streamable_http_client(target, http_client=httpx2.AsyncClient(headers=headers, timeout=60))
    notified = []

    async def on_message(message):
        # The server's notifications, by method (list changes among them).
        root = getattr(message, "root", message)
        method = getattr(root, "method", None)
        if method:
            notified.append(method)

    events = []

    async with Client(server, mode=mode, read_timeout_seconds=60, message_handler=on_message) as client, \
            contextlib.AsyncExitStack() as streams:
        info = client.server_info
        print(json.dumps({"era": "modern" if client.protocol_version.startswith("2026") else "legacy",
                          "version": client.protocol_version, "server": info.name if info else None}), flush=True)
        for step in rest:
            kind, _, arg = step.partition(":")
            try:
                if kind == "tools":
                    value = [dump(tool) for tool in (await client.list_tools()).tools]
                elif kind == "prompts":
                    value = [dump(prompt) for prompt in (await client.list_prompts()).prompts]
                elif kind == "resources":
                    value = [dump(resource) for resource in (await client.list_resources()).resources]
                elif kind == "call":
                    name, _, arguments = arg.partition(":")
                    value = dump(await client.call_tool(name, json.loads(arguments or "{}")))
                elif kind == "read":
                    value = dump(await client.read_resource(arg))
                elif kind == "prompt":
                    name, _, arguments = arg.partition(":")
                    value = dump(await client.get_prompt(name, json.loads(arguments or "{}")))
                elif kind == "kill":
                    import subprocess
                    found = subprocess.run(["pgrep", "-f", arg], capture_output=True, text=True).stdout.split()
                    killed = [int(pid) for pid in found if int(pid) != os.getpid()]  # not this client, whose argv has WORD
                    if not killed:
                        raise RuntimeError(f"no process has {arg}")
                    for pid in killed:
                        os.kill(pid, 9)
                    await asyncio.sleep(0.5)
                    value = None
                elif kind == "run":
                    import subprocess
                    value = subprocess.run(json.loads(arg), capture_output=True).returncode
                elif kind == "wait":
                    method, _, count = arg.rpartition(":")
                    for _ in range(150):
                        if notified.count(method) >= int(count):
                            break
                        await asyncio.sleep(0.1)
                    value = notified.count(method)
                elif kind == "listen":
                    wanted = {f"{name}_list_changed": True for name in arg.split(",")}
                    stream = await streams.enter_async_context(client.listen(**wanted))

                    async def carry(stream=stream):
                        async for event in stream:
                            events.append(type(event).__name__)

                    asyncio.get_running_loop().create_task(carry())
                    value = dump(stream.honored)
                elif kind == "events":
                    await asyncio.sleep(0.3)  # the stream's reader takes each in its turn
                    value = events
                elif kind == "notifications":
                    value = notified
                elif kind == "sleep":
                    await asyncio.sleep(float(arg))
                    value = None
                else:
                    raise SystemExit(f"unknown step {step}")
                print(json.dumps({"step": step, "ok": True, "value": value}), flush=True)
            except Exception as error:  # the test reads what failed
                print(json.dumps({"step": step, "ok": False, "error": f"{type(error).__name__}: {error}"}), flush=True)


asyncio.run(main())
