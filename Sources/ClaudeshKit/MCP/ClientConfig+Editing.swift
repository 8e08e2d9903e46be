/// Adding, removing and importing servers: the changes `mcp add`, `remove` and `import` make.
extension ClientConfig {
    package enum EditError: Swift.Error, CustomStringConvertible, Sendable, Equatable {
        case exists(String, path: String)
        case missing(String, path: String, suggestion: String?)

        package var description: String {
            switch self {
            case .exists(let name, let path):
                return "a server named '\(name)' is already in \(path): remove it first (mcp remove \(name)) or pick another name"
            case .missing(let name, let path, let suggestion):
                var text = "no server named '\(name.clipped(60))' in \(path)"
                if let suggestion { text += "; did you mean '\(suggestion)'?" }
                return text
            }
        }
    }

    package var serverNames: [String] { entries.map { $0.name } }

    mutating func add(_ name: String, _ entry: JSONValue) throws(EditError) {
        guard self.entry(named: name) == nil else { throw .exists(name, path: location.description) }
        setEntry(name, entry)
    }

    /// Removes `name`, returning its entry.
    @discardableResult
    mutating func remove(_ name: String) throws(EditError) -> JSONValue {
        let entry = try requireEntry(named: name)
        setEntry(name, nil)
        return entry
    }

    /// The entry `name`, or an error that names the file and a near name.
    package func requireEntry(named name: String) throws(EditError) -> JSONValue {
        guard let entry = entry(named: name) else {
            throw .missing(name, path: location.description, suggestion: Suggestions.closest(to: name, among: serverNames))
        }
        return entry
    }

    /// What an import did: names added, names already there with the same entry, and names
    /// there with a different entry, which are left alone.
    package struct ImportReport: Sendable, Equatable {
        package var added: [String] = []
        package var identical: [String] = []
        package var clashes: [String] = []
    }

    mutating func importServers(from source: ClientConfig) -> ImportReport {
        var report = ImportReport()
        for (name, entry) in source.entries {
            if let existing = self.entry(named: name) {
                if existing == entry { report.identical.append(name) } else { report.clashes.append(name) }
            } else {
                setEntry(name, entry)
                report.added.append(name)
            }
        }
        return report
    }
}
