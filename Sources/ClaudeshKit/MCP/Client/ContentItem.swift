#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One piece of what a server sent back (a tool's `content`, a prompt message's, a resource's
/// `contents`), ready to show: text as text, binary data saved to a file whose path is shown.
package enum ContentItem: Sendable, Equatable {
    case text(String)
    /// An image, audio or blob, saved: where, and how big.
    case file(kind: String, mimeType: String, path: String, size: Int)
    case link(uri: String, name: String?, mimeType: String?, description: String?)
    /// A resource's text, embedded or read.
    case resource(uri: String, mimeType: String?, text: String)
    /// A block of a type this revision does not define, as the server sent it.
    case other(JSONValue)

    /// The item with its text masked (a saved file's path is claudesh's own).
    func redacted(by redactor: Redactor) -> ContentItem {
        switch self {
        case .text(let text): return .text(redactor.redact(text))
        case .file: return self
        case .link(let uri, let name, let mimeType, let description):
            return .link(uri: redactor.redact(uri), name: name.map { redactor.redact($0) }, mimeType: mimeType.map { redactor.redact($0) },
                         description: description.map { redactor.redact($0) })
        case .resource(let uri, let mimeType, let text):
            return .resource(uri: redactor.redact(uri), mimeType: mimeType.map { redactor.redact($0) }, text: redactor.redact(text))
        case .other(let value): return .other(value.redacted(by: redactor))
        }
    }

    /// Reads one block; binary data is written to `files` (made on the first one).
    static func read(_ block: JSONValue, files: OutputFiles) throws -> ContentItem {
        switch block["type"]?.stringValue {
        case "text"?:
            return .text(block["text"]?.stringValue ?? "")
        case "image"?, "audio"?:
            return try files.save(block["data"]?.stringValue, kind: block["type"]!.stringValue!, mimeType: block["mimeType"]?.stringValue)
        case "resource_link"?:
            return .link(uri: block["uri"]?.stringValue ?? "", name: block["name"]?.stringValue,
                         mimeType: block["mimeType"]?.stringValue, description: block["description"]?.stringValue)
        case "resource"?:
            return try readResource(block["resource"] ?? .object([]), files: files)
        default:
            return .other(block)
        }
    }

    /// One item of `resources/read`'s `contents` (or an embedded resource): text or a blob.
    static func readResource(_ resource: JSONValue, files: OutputFiles) throws -> ContentItem {
        let uri = resource["uri"]?.stringValue ?? ""
        let mimeType = resource["mimeType"]?.stringValue
        if let text = resource["text"]?.stringValue { return .resource(uri: uri, mimeType: mimeType, text: text) }
        if let blob = resource["blob"]?.stringValue { return try files.save(blob, kind: "blob", mimeType: mimeType) }
        return .other(resource)
    }
}

/// Where a command's binary results go: `HOME/outputs/SERVER-WHAT-TIME-N.EXT`, one per item,
/// never over an existing file.
final class OutputFiles: @unchecked Sendable {
    let folder: String
    let stem: String
    private var count = 0
    private var saved = 0
    /// The most files one result writes.
    static let limit = 100

    init(folder: String, stem: String) {
        self.folder = folder
        self.stem = ServerLog.fileName(stem)
    }

    func save(_ base64: String?, kind: String, mimeType: String?) throws -> ContentItem {
        let mimeType = mimeType ?? "application/octet-stream"
        guard let base64, let bytes = Base64.decode(base64) else {
            throw ClientFailure.malformed("a \(kind) whose data is not base64")
        }
        // A result is the server's to size: past this many files it is shown, not saved.
        guard saved < Self.limit else { return .text("[\(kind) not saved: over \(Self.limit) files in one result; --json shows it]") }
        try FileIO.makeDirectory(folder)
        let stamp = Timestamp.compact(Timestamp.now)
        // A name taken (an earlier command in the same second) is skipped, never overwritten.
        for _ in 0..<1000 {
            count += 1
            let path = Path.join(folder, "\(stem)-\(stamp)-\(count).\(Self.fileExtension(mimeType))")
            let written = Result { () throws(FileError) in try AtomicFile.create(bytes, at: path, mode: 0o600) }
            if case .failure(let error) = written {
                if error.code == EEXIST { continue }
                throw error
            }
            saved += 1
            return .file(kind: kind, mimeType: mimeType, path: path, size: bytes.count)
        }
        throw ClientFailure.malformed("no free name for a \(kind) in \(folder)")
    }

    static func fileExtension(_ mimeType: String) -> String {
        switch mimeType.lowercased() {
        case "image/png": return "png"
        case "image/jpeg", "image/jpg": return "jpg"
        case "image/gif": return "gif"
        case "image/webp": return "webp"
        case "image/svg+xml": return "svg"
        case "audio/wav", "audio/x-wav", "audio/wave": return "wav"
        case "audio/mpeg", "audio/mp3": return "mp3"
        case "audio/ogg": return "ogg"
        case "application/pdf": return "pdf"
        case "application/json": return "json"
        case "text/plain": return "txt"
        default: return "bin"
        }
    }
}
