/// A Claude Desktop extension (`.mcpb`, formerly `.dxt`) as installed: its folder under
/// `Claude Extensions/<id>/` with the bundle's `manifest.json`, and its settings in
/// `Claude Extensions Settings/<id>.json` (`{"isEnabled", "userConfig"}`). The server is the
/// manifest's `server.mcp_config` with the platform's overrides and its variables resolved as
/// the MCPB reference does; a sensitive setting is never put in the entry nor shown, only
/// whether it is set.
struct DesktopExtension: Sendable {
    var id: String
    var name: String
    var folder: String
    var enabled: Bool
    /// The entry, as Claude Desktop would start it.
    var entry: JSONValue
    /// Required settings that are not set: Claude Desktop does not start the server.
    var missing: [String]
    /// `KEY (sensitive): set` or `not set`.
    var notes: [String]
    /// The sensitive settings the entry uses: Claude Desktop gives them from the keychain, and
    /// claudesh does not read them, so the server cannot be started as Desktop starts it.
    var needsSensitive: [String] = []

    /// Reads the extension in `folder` (its manifest) with its settings file's `settings`
    /// (nil: none). Throws a message when the manifest is not one.
    init(id: String, folder: String, manifest: JSONValue, settings: JSONValue?, environment: Environment) throws(OperationError) {
        self.id = id
        self.folder = folder
        name = manifest["name"]?.stringValue ?? id
        enabled = settings?["isEnabled"] != .bool(false)
        guard var config = manifest["server"]?["mcp_config"], case .object = config else {
            throw .failed("\(Path.join(folder, "manifest.json")): no server.mcp_config with a command")
        }
        let platform = environment.isMacOS ? "darwin" : "linux"
        if case .object(let override)? = config["platform_overrides"]?[platform] {
            for (key, value) in override { config = config.setting(key, to: value) } // whole fields, as the reference does
        }
        config = config.setting("platform_overrides", to: nil)
        // Checked once the platform's fields are in: an override may replace the command too.
        guard let command = config["command"]?.stringValue, !command.isEmpty else {
            throw .failed("\(Path.join(folder, "manifest.json")): no server.mcp_config with a command for \(platform)")
        }

        let options = manifest["user_config"]
        var values: [String: JSONValue] = [:]
        var sensitive: Set<String> = []
        var missing: [String] = []
        var notes: [String] = []
        if case .object(let declared)? = options {
            for (key, option) in declared {
                let given = settings?["userConfig"]?[key]
                if option["sensitive"] == .bool(true) {
                    sensitive.insert(key)
                    notes.append("\(key) (sensitive): \(Self.isSet(given) ? "set" : "not set")")
                }
                let value = Self.isSet(given) ? given : option["default"]
                if let value, Self.isSet(value) { values[key] = value } else if option["required"] == .bool(true) { missing.append(key) }
            }
        }
        self.missing = missing
        self.notes = notes
        let home = environment.userHome
        var used: [String] = []
        let fixed = ["__dirname": folder, "HOME": home, "DESKTOP": Path.join(home, "Desktop"), "DOCUMENTS": Path.join(home, "Documents"),
                     "DOWNLOADS": Path.join(home, "Downloads"), "pathSeparator": "/", "/": "/"]
        func resolve(_ text: String) -> String {
            Self.substitute(text) { name in
                if let value = fixed[name] { return value }
                guard name.hasPrefix("user_config.") else { return nil }
                let key = String(name.dropFirst("user_config.".count))
                if sensitive.contains(key) {
                    if !used.contains(key) { used.append(key) }
                    return nil
                }
                // A declared setting with no value and no default is empty, as the reference has it.
                guard let value = values[key] else { return options?[key] == nil ? nil : "" }
                return Self.text(of: value)
            }
        }
        var arguments: [JSONValue] = []
        if case .array(let items)? = config["args"] {
            for item in items {
                guard let text = item.stringValue else { continue }
                // A list setting spreads into arguments only when it is the whole argument.
                if text.hasPrefix("${user_config."), text.hasSuffix("}"), case .array(let list)? = values[String(text.dropFirst(14).dropLast())],
                   !sensitive.contains(String(text.dropFirst(14).dropLast())) {
                    arguments += list.compactMap { Self.text(of: $0) }.map { .string($0) }
                } else {
                    arguments.append(.string(resolve(text)))
                }
            }
        }
        var environment: [(String, JSONValue)] = []
        if case .object(let variables)? = config["env"] {
            environment = variables.compactMap { key, value in value.stringValue.map { (key, .string(resolve($0))) } }
        }
        var members: [(String, JSONValue)] = [("command", .string(resolve(command))), ("args", .array(arguments))]
        if !environment.isEmpty { members.append(("env", .object(environment))) }
        entry = .object(members)
        needsSensitive = used
    }

    static func isSet(_ value: JSONValue?) -> Bool {
        switch value {
        case nil, .null?: return false
        case .string(let text)?: return !text.isEmpty
        case .array(let items)?: return !items.isEmpty
        default: return true
        }
    }

    /// A setting's value as text: booleans `true`/`false`, numbers as written, a list's items
    /// joined by commas (inside a longer argument the reference leaves it; so does this).
    static func text(of value: JSONValue) -> String? {
        switch value {
        case .string(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .int, .double: return value.serialized()
        default: return nil
        }
    }

    /// `text` with each `${NAME}` that `lookup` knows replaced; the others are left as written.
    static func substitute(_ text: String, _ lookup: (String) -> String?) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "${") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                rest = rest[open.lowerBound...]
                break
            }
            let name = String(rest[open.upperBound..<close])
            out += lookup(name) ?? "${\(name)}"
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }
}
