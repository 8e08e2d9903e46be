/// The compose file `compose init` writes: the four containerised MCP servers of a Claude
/// workstation, as the classic setup runs them.
enum ComposeTemplate {
    static let text = """
    # The MCP servers that run in containers; `compose up` starts them, `compose health` checks them.
    # Secrets are variable names only (${GITHUB_TOKEN} below): their values come from the claudesh
    # session (`secrets load` offers claude/github-token as GITHUB_TOKEN, or
    # `compose up --secret GITHUB_TOKEN=NAME`) through compose's environment, never from this file.
    # The filesystem server sees one folder, ./shared next to this file unless MCP_SHARED_FOLDER
    # names another: not your home, which holds ~/.gnupg, ~/.password-store and ~/.ssh.
    services:
      filesystem:
        image: mcp/filesystem
        command: ["/rootfs"]
        volumes:
          - ${MCP_SHARED_FOLDER:-./shared}:/rootfs:ro
        restart: unless-stopped
        mem_limit: 2g
        networks:
          - claude-net

      memory:
        image: mcp/memory
        restart: unless-stopped
        mem_limit: 2g
        networks:
          - claude-net

      github:
        image: mcp/github
        environment:
          - GITHUB_PERSONAL_ACCESS_TOKEN=${GITHUB_TOKEN}
        restart: unless-stopped
        mem_limit: 2g
        networks:
          - claude-net

      context7:
        image: mcp/context7
        environment:
          - API_ENDPOINT=https://mcp.context7.com/mcp
        restart: unless-stopped
        mem_limit: 2g
        networks:
          - claude-net

    networks:
      claude-net:
        driver: bridge

    """
}
