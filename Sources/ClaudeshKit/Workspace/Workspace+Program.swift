#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The claudesh that configs and scheduled jobs start: written into `claudesh exec` entries
/// and the crontab, it must outlive this run, so a build folder (a clean or a new clone removes
/// it) or a temporary folder is refused.
extension Workspace {
    /// The variable that names the program to record, explicitly and unchecked: what the tests
    /// use, since they run the binary from the build folder.
    static let programVariable = "CLAUDESH_PROGRAM"

    /// The path to record: CLAUDESH_PROGRAM when set; else this binary, or the `claudesh` on
    /// PATH, whichever is not in a build or temporary folder.
    package func recordedProgram() throws -> String {
        if let chosen = environment.variables[Self.programVariable], !chosen.isEmpty {
            guard chosen.hasPrefix("/") else { throw OperationError.usage("\(Self.programVariable) must be an absolute path, not '\(chosen)'") }
            return chosen
        }
        let running = Claudesh.executablePath
        if !isTransient(running) { return running }
        let search = environment.variables["PATH"] ?? "/usr/bin:/bin"
        let onPath = search.split(separator: ":").map { Path.join(String($0), "claudesh") }.first { access($0, X_OK) == 0 && !isTransient(Path.normalize($0)) }
        if let onPath { return Path.normalize(onPath) }
        throw OperationError.failed("""
            claudesh runs from \(running), which a clean, a new clone or a reboot removes, and no claudesh is on PATH: \
            run scripts/claudesh once to install claudesh to ~/.local/bin, or put claudesh on PATH \
            (or set \(Self.programVariable) to the claudesh to record); nothing was written
            """)
    }

    /// Whether `path` is inside a build folder or a temporary folder.
    func isTransient(_ path: String) -> Bool {
        var temporary = ["/tmp/", "/var/tmp/", "/private/tmp/", "/private/var/folders/"]
        if let folder = environment.variables["TMPDIR"], folder.count > 1 {
            temporary.append(folder.hasSuffix("/") ? folder : folder + "/")
        }
        return path.contains("/.build/") || temporary.contains { path.hasPrefix($0) }
    }
}
