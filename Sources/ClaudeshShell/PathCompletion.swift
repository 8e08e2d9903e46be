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
        var results: [String] = []
        let showHidden = namePrefix.hasPrefix(".")
        for entry in Directory.entries(of: folder) {
            if entry.name.hasPrefix(".") && !showHidden { continue }
            guard entry.name.hasPrefix(namePrefix) else { continue }
            if directoriesOnly && !entry.isDirectory { continue }
            results.append(typedFolder + entry.name + (entry.isDirectory ? "/" : ""))
        }
        return results
    }
}
