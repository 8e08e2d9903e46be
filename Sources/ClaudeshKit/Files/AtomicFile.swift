#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one way to write a file that matters: a temp file in the same folder, fsync, rename.
///
/// A crash at any instant leaves the old file or the new one, never half of one; the folder is
/// fsynced too so the rename itself survives a power cut. A link is written through: the file
/// at the end of its chain is replaced, in its own folder, and the link stays.
package enum AtomicFile {
    /// Replaces `path` (through links) with `bytes`. The mode is `mode` if given, else the old
    /// file's, else 0600.
    package static func write(_ bytes: some Collection<UInt8>, to path: String, mode: mode_t? = nil) throws(FileError) {
        try write(bytes, to: try Path.writeTarget(of: path), mode: mode, replacing: true)
    }

    /// Creates `path` with `bytes`, complete or not at all, and never over an existing file:
    /// the finished temp file is hard-linked into place, which fails if the name is taken.
    package static func create(_ bytes: some Collection<UInt8>, at path: String, mode: mode_t) throws(FileError) {
        try write(bytes, to: path, mode: mode, replacing: false)
    }

    /// A finished temp file beside `path` holding `bytes`, flushed: what a rename puts in place.
    /// The mode is `mode` if given, else `path`'s, else 0600. The caller renames or unlinks it.
    static func temporaryCopy(of bytes: some Collection<UInt8>, beside path: String, mode: mode_t?) throws(FileError) -> String {
        let (fd, temporary) = try FileIO.temporaryFile(in: Path.directory(of: path), named: ".\(Path.lastComponent(of: path)).tmp-")
        do throws(FileError) {
            defer { close(fd) }
            var existing = stat()
            let finalMode = mode ?? (stat(path, &existing) == 0 ? existing.st_mode & 0o7777 : 0o600)
            guard fchmod(fd, finalMode) == 0 else { throw FileError("set the mode of", temporary) }
            try FileIO.writeAll(fd, bytes, path: temporary)
            guard fsync(fd) == 0 else { throw FileError("flush", temporary) }
        } catch {
            unlink(temporary)
            throw error
        }
        return temporary
    }

    /// Throws when `path` is there without write permission (for its owner, or for this user).
    /// As root `access` says yes to everything, so the mode's bits are read too.
    static func refuseReadOnly(_ path: String) throws(FileError) {
        var info = stat()
        guard stat(path, &info) == 0 else { return }
        if info.st_mode & 0o222 == 0 || access(path, W_OK) != 0 { throw .readOnly(path) }
    }

    private static func write(_ bytes: some Collection<UInt8>, to path: String, mode: mode_t?, replacing: Bool) throws(FileError) {
        let folder = Path.directory(of: path)
        let temporary = try temporaryCopy(of: bytes, beside: path, mode: mode)
        var renamed = false
        defer {
            if !renamed { unlink(temporary) }
        }
        if replacing {
            try refuseReadOnly(path)
            guard rename(temporary, path) == 0 else { throw FileError("replace", path) }
            renamed = true
        } else if link(temporary, path) != 0 {
            let code = errno
            // FAT and exFAT (a USB stick) have no hard links: create the name exclusively and
            // copy, which still never replaces a file, though a crash may leave part of it.
            guard code == EPERM || code == ENOTSUP || code == EOPNOTSUPP else { throw FileError("create", path, code: code) }
            let target = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode ?? 0o600)
            guard target >= 0 else { throw FileError("create", path) }
            do throws(FileError) {
                defer { close(target) }
                try FileIO.writeAll(target, bytes, path: path)
                guard fsync(target) == 0 else { throw FileError("flush", path) }
            } catch {
                unlink(path)
                throw error
            }
        }
        FileIO.syncFolder(folder)
    }
}
