"""Load on the gateway's HTTP listener: CLIENTS concurrent clients, each on its own keep-alive
connection, each making CALLS tools/call requests of the stateless revision one after another.

    gateway_load.py URL TOKEN CLIENTS CALLS TOOL

Each call asks TOOL (a greeting tool) for a name of its own, and its answer must carry the id it
was sent with and that name. Prints {"calls", "ok", "lost", "mismatched", "errors", "seconds"}.
"""
import asyncio
import json
import sys
import time

import httpx2

url, token, clients, calls, tool = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
meta = {"io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "load", "version": "1"}}
counts = {"calls": 0, "ok": 0, "lost": 0, "mismatched": 0, "errors": 0}
first_error = []


async def client(number):
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json", "Accept": "application/json, text/event-stream",
               "Mcp-Method": "tools/call", "MCP-Protocol-Version": "2026-07-28"}
    async with httpx2.AsyncClient(headers=headers, timeout=120) as http:
        for call in range(calls):
            name = f"c{number}-{call}"
            request_id = number * 1_000_000 + call
            body = {"jsonrpc": "2.0", "id": request_id, "method": "tools/call",
                    "params": {"_meta": meta, "name": tool, "arguments": {"name": name}}}
            counts["calls"] += 1
            try:
                response = await http.post(url, content=json.dumps(body), headers={"Mcp-Name": tool})
                answer = response.json()
            except Exception as error:
                counts["lost"] += 1
                first_error.append(repr(error))
                continue
            if answer.get("id") != request_id:
                counts["mismatched"] += 1
            elif "error" in answer or answer.get("result", {}).get("isError"):
                counts["errors"] += 1
                first_error.append(json.dumps(answer)[:300])
            elif name not in json.dumps(answer["result"]["content"]):
                counts["mismatched"] += 1
            else:
                counts["ok"] += 1


async def main():
    start = time.monotonic()
    await asyncio.gather(*(client(number) for number in range(clients)))
    counts["seconds"] = round(time.monotonic() - start, 3)
    counts["first_error"] = first_error[:1]
    print(json.dumps(counts))


asyncio.run(main())
