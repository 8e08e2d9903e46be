#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CProcess

/// The files a restore takes, written as the backup streams by into a private folder inside the
/// restore's target: moving one into place is then a rename on the same file system.
///
/// Files are stored under numbers, not their names: nothing an archive says can place a file
/// anywhere but in this folder. Links and folders are made from the manifest when applied.
final class RestoreStaging {
    let folder: PrivateFolder
    /// Which of the manifest's files to take, decided once the manifest has been read.
    private let choose: (BackupManifest) -> Set<String>
    private var accepted: Set<String> = []
    /// Each taken file's path in the backup → its file here.
    private(set) var files: [String: String] = [:]
    private var writing: (fd: Int32, path: String, file: String, item: BackupManifest.Item, modified: Int64)?
    /// The first write that failed (a full disk): the restore stops with it.
    private(set) var failure: FileError?

    init(in target: String, choose: @escaping (BackupManifest) -> Set<String>) throws(FileError) {
        folder = try PrivateFolder(in: target, prefix: "\(Self.prefix)\(getpid())-")
        self.choose = choose
    }

    static let prefix = ".claudesh-restore-"

    /// Removes the staging folders of restores that were killed (their process is gone): they
    /// hold files in clear.
    /// Only what a restore made is removed: a real folder (not a link to one), this user's,
    /// mode 0700.
    static func removeAbandoned(in target: String) {
        for entry in Directory.entries(of: target) where entry.name.hasPrefix(prefix) {
            let path = Path.join(target, entry.name)
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_uid == getuid(), info.st_mode & 0o7777 == 0o700,
                  let pid = Int32(entry.name.dropFirst(prefix.count).prefix { $0 != "-" }), kill(pid, 0) != 0, errno == ESRCH else { continue }
            Directory.removeTree(path)
        }
    }

    func start(_ manifest: BackupManifest) {
        accepted = choose(manifest)
    }

    func begin(_ entry: TarReader.Entry, item: BackupManifest.Item) {
        guard failure == nil, item.kind == .file, entry.kind == .file, accepted.contains(item.path), files[item.path] == nil else { return }
        let file = Path.join(folder.path, String(files.count + 1))
        let fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            failure = FileError("create", file)
            return
        }
        writing = (fd, item.path, file, item, entry.modified)
    }

    func write(_ piece: ArraySlice<UInt8>) {
        guard let current = writing, failure == nil else { return }
        do {
            try FileIO.writeAll(current.fd, piece, path: current.file)
        } catch {
            failure = error
            close(current.fd)
            writing = nil
        }
    }

    func end() {
        guard let current = writing else { return }
        writing = nil
        defer { close(current.fd) }
        // The mode and time it will have, so that the rename into place is the last step.
        var times = [timespec(tv_sec: time_t(current.modified), tv_nsec: 0), timespec(tv_sec: time_t(current.modified), tv_nsec: 0)]
        guard fchmod(current.fd, mode_t(current.item.mode)) == 0, futimens(current.fd, &times) == 0 else {
            failure = FileError("set the mode and time of", current.file)
            return
        }
        files[current.path] = current.file
    }

    /// Flushes every staged file to disk with one call (Linux), else file by file, before any
    /// is moved into place.
    func flush() throws(FileError) {
        let fd = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError("open", folder.path) }
        defer { close(fd) }
        if cprocess_syncfs(fd) == 0 { return }
        for file in files.values {
            let each = open(file, O_RDONLY | O_CLOEXEC)
            guard each >= 0 else { throw FileError("flush", file) }
            defer { close(each) }
            guard fsync(each) == 0 else { throw FileError("flush", file) }
        }
    }

    func remove() {
        if let current = writing { close(current.fd) }
        writing = nil
        folder.remove()
    }
}
