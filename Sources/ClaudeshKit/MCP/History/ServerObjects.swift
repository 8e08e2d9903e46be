/// The `mcpServers` objects of a client file: the top level's (Desktop's config, Claude Code's
/// user scope, a `.mcp.json`) and, in `~/.claude.json`, each project's (the local scope). What
/// the config history lists, compares and puts back.
package struct ServerObjects: Sendable, Equatable {
    /// One object: the keys from the top to the object that holds `mcpServers`, and its servers.
    package struct Object: Sendable, Equatable {
        package var keyPath: [String]
        package var servers: [(String, JSONValue)]

        /// `mcpServers`, or `projects[/p].mcpServers`.
        package var label: String { keyPath.isEmpty ? "mcpServers" : "projects[\(keyPath[1])].mcpServers" }

        package static func == (a: Object, b: Object) -> Bool {
            a.keyPath == b.keyPath && JSONValue.object(a.servers) == JSONValue.object(b.servers)
        }
    }

    package var objects: [Object]

    /// The objects of `document`; a document that is not an object has none.
    package init(_ document: JSONValue) {
        var objects: [Object] = []
        if case .object(let servers)? = document["mcpServers"] { objects.append(Object(keyPath: [], servers: servers)) }
        if case .object(let projects)? = document["projects"] {
            for (path, project) in projects {
                if case .object(let servers)? = project["mcpServers"] { objects.append(Object(keyPath: ["projects", path], servers: servers)) }
            }
        }
        self.objects = objects
    }

    /// Every server, with the object it is in.
    package var count: Int { objects.reduce(0) { $0 + $1.servers.count } }

    /// `time`, and for a project's server `time (local /p)`.
    package var names: [String] {
        objects.flatMap { object in object.servers.map { object.keyPath.isEmpty ? $0.0 : "\($0.0) (local \(object.keyPath[1]))" } }
    }

    /// One server's change between two versions.
    package struct Change: Sendable, Equatable {
        package enum Kind: String, Sendable { case added, removed, changed }
        package var kind: Kind
        package var name: String
        package var object: String
        /// The entry as it is after the change (before it, for a removal).
        package var entry: JSONValue
        /// For a change: the fields that differ (`args`, `env.TOKEN`).
        package var fields: [String]
    }

    /// What changed from `old` to `new`, object by object, in the order of the entries.
    package static func changes(from old: ServerObjects, to new: ServerObjects) -> [Change] {
        var changes: [Change] = []
        let paths = old.objects.map { $0.keyPath } + new.objects.map { $0.keyPath }.filter { path in !old.objects.contains { $0.keyPath == path } }
        for path in paths {
            let before = old.objects.first { $0.keyPath == path }?.servers ?? []
            let after = new.objects.first { $0.keyPath == path }?.servers ?? []
            let label = Object(keyPath: path, servers: []).label
            for (name, entry) in before {
                guard let now = after.first(where: { $0.0 == name })?.1 else {
                    changes.append(Change(kind: .removed, name: name, object: label, entry: entry, fields: []))
                    continue
                }
                if now.sortingKeys != entry.sortingKeys {
                    changes.append(Change(kind: .changed, name: name, object: label, entry: now, fields: fieldsChanged(entry, now)))
                }
            }
            for (name, entry) in after where !before.contains(where: { $0.0 == name }) {
                changes.append(Change(kind: .added, name: name, object: label, entry: entry, fields: []))
            }
        }
        return changes
    }

    /// The fields of two entries that differ, one level into `env` and `headers`.
    static func fieldsChanged(_ old: JSONValue, _ new: JSONValue) -> [String] {
        guard case .object(let a) = old, case .object(let b) = new else { return ["entry"] }
        var fields: [String] = []
        for key in (a.map { $0.0 } + b.map { $0.0 }.filter { key in !a.contains { $0.0 == key } }) {
            let x = old[key], y = new[key]
            guard x?.sortingKeys != y?.sortingKeys else { continue }
            if key == "env" || key == "headers", case .object(let xs) = x ?? .object([]), case .object(let ys) = y ?? .object([]) {
                for name in (xs.map { $0.0 } + ys.map { $0.0 }.filter { name in !xs.contains { $0.0 == name } })
                where x?[name] != y?[name] { fields.append("\(key).\(name)") }
            } else {
                fields.append(key)
            }
        }
        return fields
    }
}
