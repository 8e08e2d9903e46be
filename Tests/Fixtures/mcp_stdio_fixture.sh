#!/bin/sh
# An MCP stdio server in plain sh for claudesh's tests; MODE says how it behaves:
#   instant         answers the handshake at once (one tool)
#   exit            writes an error to stderr and exits with status 7
#   garbage         writes a banner to stdout, then hangs
#   hang            reads and never answers, and ignores SIGTERM
#   needs-env       exits unless API_KEY is set, then answers
#   unauthenticated answers initialize, then fails tools/list
#   old-version     answers with a protocol version nobody speaks
#   grandchild      leaves a sleeping child behind, then answers
#   flaky FILE      exits until it has been started three times (counted in FILE)
#   flood           never reads its input and sends ping requests without end
#   detached        leaves a child outside its process group holding the pipes, then exits 3
#   echo-env        writes "key=$API_KEY" to stdout and stderr, then hangs
#   usage-exit      writes a usage line to stdout and exits with status 2 at once
#   session FILE    writes its process id and session id to FILE, then answers
mode=${1:-instant}
case $mode in
  exit) echo "fatal: cannot open database /nonexistent/db.sqlite" >&2; exit 7 ;;
  garbage) echo "Starting server on port 8080..."; exec sleep 600 ;;
  hang) trap '' TERM; exec sleep 600 ;;
  needs-env) [ -n "$API_KEY" ] || { echo "error: API_KEY is not set" >&2; exit 1; } ;;
  grandchild) sleep 600 & ;;
  flood) while :; do echo '{"jsonrpc":"2.0","id":"p","method":"ping"}'; done ;;
  detached) echo "fatal: detached" >&2; setsid sleep 600 & exit 3 ;;
  echo-env) echo "key=$API_KEY"; echo "key=$API_KEY" >&2; exec sleep 600 ;;
  usage-exit) echo "usage: mcp-thing --port N"; exit 2 ;;
  session) set -- $(cat /proc/$$/stat); echo "$1 $6" > "$FIXTURE_FILE" ;;
  flaky)
    count=$(( $(cat "$2" 2>/dev/null || echo 0) + 1 ))
    echo "$count" > "$2"
    [ "$count" -ge 3 ] || { echo "not ready yet (start $count)" >&2; exit 1; } ;;
esac
version=2025-06-18
[ "$mode" = old-version ] && version=1999-01-01
while IFS= read -r line; do
  rest=${line#*\"id\":}
  [ "$rest" = "$line" ] && continue # a notification
  id=${rest%%[!0-9]*}
  case $line in
    *'"method":"initialize"'*)
      printf '{"jsonrpc":"2.0","id":%s,"result":{"protocolVersion":"%s","capabilities":{"tools":{}},"serverInfo":{"name":"sh-fixture","version":"1.0"}}}\n' "$id" "$version" ;;
    *'"method":"tools/list"'*)
      if [ "$mode" = unauthenticated ]; then
        printf '{"jsonrpc":"2.0","id":%s,"error":{"code":-32001,"message":"Bad credentials"}}\n' "$id"
      else
        printf '{"jsonrpc":"2.0","id":%s,"result":{"tools":[{"name":"a","inputSchema":{"type":"object"}}]}}\n' "$id"
      fi ;;
    *'"method":"tools/call"'*)
      printf '{"jsonrpc":"2.0","id":%s,"result":{"content":[{"type":"text","text":"a answered on %s"}]}}\n' "$id" "$(cat /etc/hostname)" ;;
    *) printf '{"jsonrpc":"2.0","id":%s,"result":{}}\n' "$id" ;;
  esac
done
