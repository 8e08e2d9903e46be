"""A hostile MCP stdio server, for claudesh's tests: what a broken or malicious server can send.

usage: hostile_server.py MODE [SIZE_MB]
  notify-flood       sends notifications without end and never answers
  huge-line          sends one line of SIZE_MB (default 100) MB, then hangs
  wide-json          sends one JSON array of SIZE_MB (default 60) MB of empty arrays, then hangs
  deep-json          sends one JSON line nested 100000 deep, then hangs
  stderr-flood       writes lines to stderr without end and never answers
  stderr-no-newline  writes to stderr without end and without a newline, never answers
  daemon             leaves a daemon in a session of its own (setsid), then answers the handshake
  daemon-hang        leaves such a daemon, then reads and answers nothing
  hang               reads and never answers

Every process it starts keeps the environment, so a test finds them by a marker variable.
"""
import json
import os
import sys
import time

mode = sys.argv[1]
size = int(sys.argv[2]) if len(sys.argv) > 2 else 0
out = sys.stdout.buffer
err = sys.stderr.buffer


def hang():
    while True:
        time.sleep(3600)


def answer(request):
    method = request.get("method")
    if method == "initialize":
        result = {"protocolVersion": "2025-06-18", "capabilities": {"tools": {}}, "serverInfo": {"name": "hostile", "version": "1"}}
    elif method == "tools/list":
        result = {"tools": [{"name": "noop", "inputSchema": {"type": "object"}}]}
    else:
        result = {}
    out.write(json.dumps({"jsonrpc": "2.0", "id": request["id"], "result": result}).encode() + b"\n")
    out.flush()


def serve():
    for line in sys.stdin.buffer:
        request = json.loads(line)
        if "id" in request and "method" in request:
            answer(request)


if mode == "notify-flood":
    note = json.dumps({"jsonrpc": "2.0", "method": "notifications/message", "params": {"level": "info", "data": "x" * 100}}).encode() + b"\n"
    block = note * 1000
    while True:
        out.write(block)
elif mode == "huge-line":
    out.write(b'{"jsonrpc":"2.0","method":"notifications/message","params":{"data":"')
    block = b"a" * (1 << 20)
    for _ in range(size or 100):
        out.write(block)
    out.write(b'"}}\n')
    out.flush()
    hang()
elif mode == "wide-json":
    block = b"[]," * (1 << 18)
    out.write(b'{"jsonrpc":"2.0","method":"notifications/message","params":{"data":[')
    for _ in range((size or 60) * 4 // 3):
        out.write(block)
    out.write(b'[]]}}\n')
    out.flush()
    hang()
elif mode == "deep-json":
    out.write(b"[" * 100000 + b"]" * 100000 + b"\n")
    out.flush()
    hang()
elif mode == "stderr-flood":
    block = b"warning: something happened again and again\n" * 1000
    while True:
        err.write(block)
elif mode == "stderr-no-newline":
    block = b"x" * 65536
    while True:
        err.write(block)
elif mode in ("daemon", "daemon-hang"):
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            hang()
        os._exit(0)
    os.wait()
    if mode == "daemon-hang":
        hang()
    serve()
elif mode == "hang":
    hang()
else:
    sys.exit("unknown mode " + mode)
