#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// claudesh's own identity: what `version` prints and what the MCP probe calls itself.
package enum Claudesh {
    package static let version = "0.1.0"

    /// The absolute path of the running binary: what a `claudesh exec` entry starts. The path
    /// it was started by (argv[0], on PATH if bare) when that is this binary, so that a link
    /// such as Homebrew's `/opt/homebrew/bin/claudesh` is kept rather than the versioned file
    /// behind it, which an upgrade removes; else the kernel's name for the file.
    static var executablePath: String {
        let actual = resolvedExecutable()
        if let invoked = invokedPath(), let same = FileIdentity(of: invoked), same == FileIdentity(of: actual) {
            return invoked
        }
        return actual
    }

    static func invokedPath() -> String? {
        guard let first = CommandLine.arguments.first, !first.isEmpty else { return nil }
        if first.hasPrefix("/") { return Path.normalize(first) }
        if first.contains("/") {
            guard let cwd = getcwd(nil, 0) else { return nil }
            defer { free(cwd) }
            return Path.normalize(Path.join(String(cString: cwd), first))
        }
        let search = getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
        return search.split(separator: ":").map { Path.join(String($0), first) }.first { access($0, X_OK) == 0 }
    }

    static func resolvedExecutable() -> String {
        #if os(Linux)
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if count > 0 {
            let path = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            // The file was replaced while running (a rebuild, an upgrade): its name now holds the new one.
            return path.hasSuffix(" (deleted)") ? String(path.dropLast(" (deleted)".count)) : path
        }
        #elseif canImport(Darwin)
        var size: UInt32 = 4096
        var buffer = [CChar](repeating: 0, count: Int(size))
        if _NSGetExecutablePath(&buffer, &size) == 0, let resolved = realpath(buffer, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        #endif
        return CommandLine.arguments.first ?? "claudesh"
    }
}
