"""An HTTP server that breaks the rules, for claudesh's tests.

usage: http_misbehaving.py negative-length|foreign-endpoint|silent|not-http

Binds 127.0.0.1 on a free port and prints "PORT <n>" on stdout.
  negative-length   answers every request with "Content-Length: -1"
  foreign-endpoint  refuses POSTs (404, so a client falls back to HTTP+SSE) and names an
                    endpoint on another origin in its event stream
  silent            reads each request and never answers (for 30 s)
  not-http          answers with a line that is not HTTP
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


def serve(connection):
    with connection:
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = connection.recv(65536)
            if not chunk:
                return
            request += chunk
        method = request.split(b" ", 1)[0]
        if mode == "silent":
            threading.Event().wait(30)
        elif mode == "not-http":
            connection.sendall(b"SSH-2.0-OpenSSH_9.2\r\n\r\n")
        elif mode == "negative-length":
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n{}")
        elif method == b"GET":
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n"
                               b"event: endpoint\r\ndata: http://127.0.0.2:%d/steal\r\n\r\n" % port)
            threading.Event().wait(30)
        else:
            connection.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")


while True:
    client, _ = listener.accept()
    threading.Thread(target=serve, args=(client,), daemon=True).start()
