#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed file operation, with the path, the system's reason and what to try.
package struct FileError: Error, CustomStringConvertible, Sendable, Equatable {
    let operation: String
    let path: String
    let code: Int32
    /// What is wrong, said instead of the system's reason where that would not say it (claudesh
    /// refused on its own: a read-only config, a device, a file too large).
    let detail: String?

    package init(_ operation: String, _ path: String, code: Int32 = errno, detail: String? = nil) {
        self.operation = operation
        self.path = path
        self.code = code
        self.detail = detail
    }

    /// `path` has no write permission: a rename would replace it all the same, so claudesh
    /// refuses, since someone made it read-only on purpose.
    static func readOnly(_ path: String) -> FileError {
        FileError("replace", path, code: EACCES,
                  detail: "the file is read-only (its mode has no write permission); nothing was written: make it writable (chmod u+w) if it should change")
    }

    var reason: String { String(cString: strerror(code)) }

    package var description: String {
        let hint: String
        switch code {
        case EACCES, EPERM: hint = " (check the permissions of the file and its folder)"
        case ENOENT: hint = " (the file or a folder on its path does not exist)"
        case ENOSPC, EDQUOT: hint = " (the disk is full: free some space and try again)"
        case EROFS: hint = " (the file system is read-only)"
        case EISDIR: hint = " (it is a folder: give a file path)"
        default: hint = ""
        }
        if let detail { return "cannot \(operation) \(path): \(detail)" }
        return "cannot \(operation) \(path): \(reason)\(hint)"
    }
}
