#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeshKit

/// File and folder names for a partly typed path; folders end in "/".
enum PathCompletion {
    static func candidates(for partial: String, environment: Environment, directoriesOnly: Bool) -> [String] {
        let typedFolder: String
        let namePrefix: String
        if let slash = partial.lastIndex(of: "/") {
            typedFolder = String(partial[...slash])
            namePrefix = String(partial[partial.index(after: slash)...])
        } else {
            typedFolder = ""
            namePrefix = partial
        }
        if partial.hasPrefix("~") && !partial.contains("/") {
            return ["~/"]
        }
        let folder = typedFolder.isEmpty ? environment.currentDirectory : environment.absolutePath(typedFolder)
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var results: [String] = []
        let showHidden = namePrefix.hasPrefix(".")
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            if name.hasPrefix(".") && !showHidden { continue }
            guard name.hasPrefix(namePrefix) else { continue }
            let isDirectory = Path.kind(of: Path.join(folder, name)) == .directory
            if directoriesOnly && !isDirectory { continue }
            results.append(typedFolder + name + (isDirectory ? "/" : ""))
        }
        return results
    }
}
