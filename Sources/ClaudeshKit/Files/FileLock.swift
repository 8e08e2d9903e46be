#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The lock Claude Code takes while it saves `~/.claude.json`: a folder named `FILE.lock`
/// beside the file, made with mkdir.
///
/// Claude Code's `saveConfigWithLock` takes `${configPath}.lock` before it re-reads the file,
/// changes it and renames a temp file over it (its debug log: "Acquiring lock on
/// ~/.claude.json.lock for config save", anthropics/claude-code#3272 and #30372). The lock is
/// the npm package proper-lockfile's: mkdir succeeds for one process at a time, the holder
/// touches the folder every 5 s, and a lock untouched for 10 s is stale. Claude Code saves
/// without the lock when it cannot take it (anthropics/claude-code#20637), so holding it only
/// narrows the window; the check before the rename (`AtomicFile.update`) is what keeps its
/// writes. For a config behind a link the lock is taken beside the file the link leads to, where
/// proper-lockfile puts it by default (it resolves the path first).
struct FileLock {
    let path: String
    /// Whether this process made the folder (and so removes it).
    private let held: Bool

    /// proper-lockfile's default: a lock older than this was left by a process that died.
    static let stale: Int = 10

    /// Takes the lock of `file`, waiting up to `timeout` for another holder. Where the folder
    /// cannot be made at all (a home not writable for new names, as in a sandbox), goes on
    /// without it, as Claude Code does.
    static func acquire(for file: String, timeout: Duration = .seconds(5)) throws(FileError) -> FileLock {
        let path = file + ".lock"
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            if mkdir(path, 0o700) == 0 { return FileLock(path: path, held: true) }
            guard errno == EEXIST else { return FileLock(path: path, held: false) }
            if let stamp = FileStamp(of: path), Int(time(nil)) - stamp.seconds > stale {
                // Left by a process that died: take it over, as proper-lockfile does.
                if rmdir(path) != 0 { unlink(path) }
                continue
            }
            guard clock.now < deadline else {
                throw FileError("take the lock", path + " (another program holds it; a lock untouched for \(stale) s is taken over)", code: EAGAIN)
            }
            usleep(20_000)
        }
    }

    func release() {
        if held { rmdir(path) }
    }
}
