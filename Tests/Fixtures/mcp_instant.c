// An MCP stdio server of both eras that answers at once, for scripts/bench: a C program, so the
// fan-out row measures claudesh, not the start-up of a shell or an interpreter per server, and
// the call rows a session's floor (its one tool, add, answers 3 whatever it is given).
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
int main(void) {
    char line[65536];
    while (fgets(line, sizeof line, stdin)) {
        char *id = strstr(line, "\"id\":");
        if (!id) continue;
        long n = strtol(id + 5, NULL, 10);
        if (strstr(line, "\"method\":\"server/discover\""))
            printf("{\"jsonrpc\":\"2.0\",\"id\":%ld,\"result\":{\"supportedVersions\":[\"2026-07-28\"],\"capabilities\":{\"tools\":{}},\"resultType\":\"complete\",\"_meta\":{\"io.modelcontextprotocol/serverInfo\":{\"name\":\"c-fixture\",\"version\":\"1.0\"}}}}\n", n);
        else if (strstr(line, "\"method\":\"initialize\""))
            printf("{\"jsonrpc\":\"2.0\",\"id\":%ld,\"result\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\"c-fixture\",\"version\":\"1.0\"}}}\n", n);
        else if (strstr(line, "\"method\":\"tools/list\""))
            printf("{\"jsonrpc\":\"2.0\",\"id\":%ld,\"result\":{\"tools\":[{\"name\":\"add\",\"inputSchema\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"integer\"}}}}],\"resultType\":\"complete\"}}\n", n);
        else if (strstr(line, "\"method\":\"tools/call\""))
            printf("{\"jsonrpc\":\"2.0\",\"id\":%ld,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"3\"}],\"resultType\":\"complete\"}}\n", n);
        else
            printf("{\"jsonrpc\":\"2.0\",\"id\":%ld,\"result\":{}}\n", n);
        fflush(stdout);
    }
    return 0;
}
