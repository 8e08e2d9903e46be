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

    init(folder: String, stem: String) {
        self.folder = folder
        self.stem = ServerLog.fileName(stem)
    }

    func save(_ base64: String?, kind: String, mimeType: String?) throws -> ContentItem {
        let mimeType = mimeType ?? "application/octet-stream"
        guard let base64, let bytes = Base64.decode(base64) else {
            throw ClientFailure.malformed("a \(kind) whose data is not base64")
        }
        try FileIO.makeDirectory(folder)
        count += 1
        let path = Path.join(folder, "\(stem)-\(Timestamp.compact(Timestamp.now))-\(count).\(Self.fileExtension(mimeType))")
        try AtomicFile.create(bytes, at: path, mode: 0o600)
        return .file(kind: kind, mimeType: mimeType, path: path, size: bytes.count)
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
