"""A hostile MCP server over HTTP, for claudesh's tests.

usage: hostile_http.py MODE

Binds 127.0.0.1 on a free port and prints "PORT <n>" on stdout. Streamable HTTP on /mcp: every
POST is answered with an event stream that never carries the answer; legacy HTTP+SSE on /sse:
the GET stream names the endpoint, then misbehaves the same way (POSTs to /messages get 202).
  sse-flood     notification events without end
  sse-huge-line one data line of 1 GB
  sse-endless   data lines without end and never the blank line that ends the event
"""
import socket
import sys
import threading

mode = sys.argv[1]
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 0))
listener.listen(64)
port = listener.getsockname()[1]
print("PORT", port, flush=True)

NOTE = b'data: {"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"' + b"x" * 100 + b'"}}\n\n'


def misbehave(connection):
    if mode == "sse-flood":
        block = NOTE * 1000
        while True:
            connection.sendall(block)
    elif mode == "sse-huge-line":
        connection.sendall(b'data: {"jsonrpc":"2.0","method":"notifications/message","params":{"data":"')
        block = b"a" * (1 << 20)
        for _ in range(1024):
            connection.sendall(block)
        connection.sendall(b'"}}\n\n')
        threading.Event().wait(60)
    elif mode == "sse-endless":
        block = (b"data: " + b"m" * 1000 + b"\n") * 100
        while True:
            connection.sendall(block)


def serve(connection):
    with connection:
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = connection.recv(65536)
            if not chunk:
                return
            request += chunk
        head, _, body = request.partition(b"\r\n\r\n")
        method, path = head.split(b" ")[:2]
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(body) < length:
            chunk = connection.recv(65536)
            if not chunk:
                return
            body += chunk
        stream = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n"
        try:
            if method == b"GET" and path.startswith(b"/sse"):
                connection.sendall(stream + b"event: endpoint\ndata: /messages\n\n")
                misbehave(connection)
            elif method == b"POST" and path.startswith(b"/messages"):
                connection.sendall(b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n")
            elif method == b"POST":
                connection.sendall(stream)
                misbehave(connection)
            else:
                connection.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
        except OSError:
            pass


while True:
    client, _ = listener.accept()
    threading.Thread(target=serve, args=(client,), daemon=True).start()
