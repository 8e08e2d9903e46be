#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A snapshot of the process environment and the paths derived from it.
///
/// Everything that depends on `HOME`, `XDG_CONFIG_HOME` or the platform goes through this value,
/// so tests give a command a fake home by building one instead of changing the process.
package struct Environment: Sendable, Equatable {
    package var variables: [String: String]
    package var currentDirectory: String
    var isMacOS: Bool

    init(variables: [String: String], currentDirectory: String, isMacOS: Bool = Environment.hostIsMacOS) {
        self.variables = variables
        self.currentDirectory = currentDirectory
        self.isMacOS = isMacOS
    }

    static var hostIsMacOS: Bool {
        #if os(macOS)
        return true
        #else
        return false
        #endif
    }

    /// The environment of this process.
    package static func current() -> Environment {
        var variables: [String: String] = [:]
        #if canImport(Darwin)
        var pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = _NSGetEnviron().pointee
        #else
        var pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = environ
        #endif
        while let entry = pointer?.pointee {
            // Split at the first '=' on the bytes: every run reads the whole environment.
            if let equals = strchr(entry, Int32(UInt8(ascii: "="))) {
                let name = UnsafeRawBufferPointer(start: entry, count: entry.distance(to: equals))
                variables[String(decoding: name, as: UTF8.self)] = String(cString: equals + 1)
            }
            pointer = pointer?.advanced(by: 1)
        }
        let cwd = getcwd(nil, 0).map { pointer in
            defer { free(pointer) }
            return String(cString: pointer)
        } ?? "/"
        return Environment(variables: variables, currentDirectory: cwd)
    }

    /// The user's home folder: `HOME`, else the password database.
    package var userHome: String {
        if let home = variables["HOME"], !home.isEmpty { return home }
        if let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir { return String(cString: dir) }
        return "/"
    }

    /// The claudesh home: `CLAUDESH_HOME`, else `~/.claude`.
    var defaultClaudeshHome: String {
        if let home = variables["CLAUDESH_HOME"], !home.isEmpty { return absolutePath(home) }
        return Path.join(userHome, ".claude")
    }

    /// Claude Desktop's config file for this platform.
    var desktopConfigPath: String {
        if isMacOS {
            return Path.join(userHome, "Library/Application Support/Claude/claude_desktop_config.json")
        }
        let configHome = variables["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? Path.join(userHome, ".config")
        return Path.join(configHome, "Claude/claude_desktop_config.json")
    }

    /// Claude Code's config directory: `CLAUDE_CONFIG_DIR`, else `~/.claude`.
    var claudeCodeDirectory: String {
        if let directory = variables["CLAUDE_CONFIG_DIR"], !directory.isEmpty { return absolutePath(directory) }
        return Path.join(userHome, ".claude")
    }

    /// Where Claude Code's administrator files are (`managed-mcp.json`, `managed-settings.json`):
    /// the platform's system folder, or `CLAUDESH_MANAGED_DIR` (to inspect another machine's).
    var managedCodeDirectory: String {
        if let directory = variables["CLAUDESH_MANAGED_DIR"], !directory.isEmpty { return absolutePath(directory) }
        return isMacOS ? "/Library/Application Support/ClaudeCode" : "/etc/claude-code"
    }

    /// Claude Code's `.claude.json` (user and local scopes): in `CLAUDE_CONFIG_DIR` when that is
    /// set, as Claude Code reads it, else in the home folder.
    var userConfigPath: String {
        if let directory = variables["CLAUDE_CONFIG_DIR"], !directory.isEmpty { return Path.join(absolutePath(directory), ".claude.json") }
        return Path.join(userHome, ".claude.json")
    }

    /// Claude Code's project-scope config file, in the current folder.
    var projectConfigPath: String { Path.join(currentDirectory, ".mcp.json") }

    /// `~` expanded, made absolute against the current folder, `.` and `..` folded.
    package func absolutePath(_ path: String) -> String {
        var expanded = path
        if expanded == "~" {
            expanded = userHome
        } else if expanded.hasPrefix("~/") {
            expanded = Path.join(userHome, String(expanded.dropFirst(2)))
        }
        if !expanded.hasPrefix("/") { expanded = Path.join(currentDirectory, expanded) }
        return Path.normalize(expanded)
    }
}
