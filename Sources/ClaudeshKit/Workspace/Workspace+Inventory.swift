/// The inventory: every server Claude knows, read from where each client keeps it.
extension Workspace {
    /// Reads every source for `project` (an absolute path; the current folder when nil). A file
    /// that cannot be read is a problem of the inventory, and its servers are missing from it;
    /// nothing is written.
    package func inventory(project: String? = nil) -> Inventory {
        let project = environment.absolutePath(project ?? environment.currentDirectory)
        var reader = InventoryReader(environment: environment, project: project)
        let store = parkedServers
        do { reader.parked = try store.all() } catch { reader.problems.append(error.description) }
        reader.parkedFile = store.path
        // A file the mcp-config setting names is Claude's as far as this session goes.
        if case .file(let path) = settings.mcpConfig { reader.namedFile = ConfigLocation(path: path) }
        let inventory = reader.read()
        for (path, bytes) in reader.filesRead { remember(path, bytes) }
        return inventory
    }

    /// The servers `mcp disable` took out of a config that has no switch of its own.
    package var parkedServers: ParkedServers { ParkedServers(home: home, defaultConfig: configLocation().key) }
}

/// Reads the sources of an inventory one by one, keeping what could not be read.
struct InventoryReader {
    let environment: Environment
    let project: String
    var problems: [String] = []
    /// The servers `mcp disable` parked, and where.
    var parked: [(config: String, server: String, parked: ParkedServers.Parked)] = []
    var parkedFile = ""
    /// The client files read, with their bytes: the config history keeps them.
    var filesRead: [(path: String, bytes: [UInt8])] = []
    /// The file the mcp-config setting names, when it is none of the clients' own.
    var namedFile: ConfigLocation?

    init(environment: Environment, project: String) {
        self.environment = environment
        self.project = project
    }

    mutating func read() -> Inventory {
        var entries: [InventoryEntry] = []
        let userFile = environment.userConfigPath
        let claudeJSON = config(ConfigLocation(path: userFile))
        let projectEntry = claudeJSON?.document["projects"]?[project]

        // Claude Code's settings: the user's, the project's, its local ones; the administrator's.
        let codeDirectory = environment.claudeCodeDirectory
        let settingsFiles = [Path.join(codeDirectory, "settings.json"), Path.join(project, ".claude/settings.json"), Path.join(project, ".claude/settings.local.json")]
            .compactMap { path in json(path).map { (path: path, value: $0) } }
        let managedDirectory = environment.managedCodeDirectory
        let managedSettings = ([Path.join(managedDirectory, "managed-settings.json")]
            + Directory.entries(of: Path.join(managedDirectory, "managed-settings.d")).map { $0.name }.filter { $0.hasSuffix(".json") }.sorted()
                .map { Path.join(Path.join(managedDirectory, "managed-settings.d"), $0) }).compactMap { json($0) }
        let settings = CodeSettings(files: settingsFiles, managed: managedSettings, projectEntry: projectEntry)

        // Claude Code's scopes: every project's local servers, this project's .mcp.json, the user's.
        if let claudeJSON, case .object(let projects)? = claudeJSON.document["projects"] {
            for (path, _) in projects {
                let location = ConfigLocation(path: userFile, project: path)
                let local = claudeJSON.relocated(to: location)
                entries += local.servers.map { server in
                    InventoryEntry(name: server.name, scope: .local(path), file: userFile, location: location, server: server,
                                   state: path == project ? .active : .ignored("another project's: \(path)"))
                }
            }
        }
        let mcpJSON = ConfigLocation(path: Path.join(project, ".mcp.json"))
        if let projectConfig = config(mcpJSON) {
            entries += projectConfig.servers.map { server in
                let state: InventoryEntry.State = settings.rejected.contains(server.name) ? .rejected
                    : settings.approved.contains(server.name) || settings.approveAll ? .active : .pendingApproval
                return InventoryEntry(name: server.name, scope: .project(project), file: mcpJSON.path, location: mcpJSON, server: server, state: state)
            }
        }
        if let claudeJSON {
            entries += claudeJSON.servers.map { InventoryEntry(name: $0.name, scope: .user, file: userFile, location: claudeJSON.location, server: $0, state: .active) }
        }
        let managedFile = Path.join(managedDirectory, "managed-mcp.json")
        let managed = config(ConfigLocation(path: managedFile), mustExist: true)
        if let managed {
            entries += managed.servers.map { InventoryEntry(name: $0.name, scope: .managed, file: managedFile, location: nil, server: $0, state: .active) }
        }
        entries += pluginEntries(settings: settings)

        // What the user turned off in /mcp, and what the administrator's lists keep out.
        for index in entries.indices where entries[index].scope.client == "code" && entries[index].state == .active {
            if settings.disabled.contains(entries[index].name) {
                entries[index].state = .disabled("disabledMcpServers of \(project) in \(userFile)")
            } else if case .success(let definition) = entries[index].server.definition,
                      let why = settings.policy(for: entries[index].name, definition.transport, checkAllow: entries[index].scope != .managed) {
                entries[index].state = .denied(why)
            }
        }
        Inventory.resolvePrecedence(&entries, managedInControl: managed != nil)

        // Claude Desktop: its config, and its extensions.
        let desktop = ConfigLocation(path: environment.desktopConfigPath)
        if let desktopConfig = config(desktop) {
            entries += desktopConfig.servers.map { InventoryEntry(name: $0.name, scope: .desktop, file: desktop.path, location: desktop, server: $0, state: .active) }
        }
        entries += extensionEntries()
        if let namedFile, namedFile.path != desktop.path, namedFile.path != userFile, namedFile.path != mcpJSON.path, namedFile.path != managedFile,
           let named = config(namedFile) {
            entries += named.servers.map { InventoryEntry(name: $0.name, scope: .file, file: namedFile.path, location: namedFile, server: $0, state: .active) }
        }
        for (config, name, parked) in parked {
            let scope: ServerScope = config == desktop.path ? .desktop : .file
            entries.append(InventoryEntry(name: name, scope: scope, file: config, location: ConfigLocation(path: config),
                                          server: ConfiguredServer(name: name, entry: parked.entry, config: config),
                                          state: .disabled("parked in \(parkedFile) since \(parked.disabledAt); mcp enable \(name) puts it back")))
        }
        return Inventory(entries: entries, problems: problems, project: project)
    }

    /// The config at `location`; nil when it cannot be read (a problem), or when `mustExist`
    /// and there is no file.
    mutating func config(_ location: ConfigLocation, mustExist: Bool = false) -> ClientConfig? {
        if mustExist && Path.kind(of: location.path) == .missing { return nil }
        do {
            let config = try ClientConfig(location: location)
            if let bytes = config.bytesRead { filesRead.append((location.path, bytes)) }
            return config
        } catch {
            problems.append(error.description)
            return nil
        }
    }

    /// The JSON of `path`; nil when there is none or it cannot be read (a problem).
    mutating func json(_ path: String) -> JSONValue? {
        guard Path.kind(of: path) != .missing else { return nil }
        do {
            return try JSONParser.parse(try FileIO.read(path))
        } catch let error as JSONParser.Error {
            problems.append("\(path):\(error.line):\(error.column): \(error.message)")
        } catch {
            problems.append("\(error)")
        }
        return nil
    }

    /// The servers of the plugins installed for this project (user-wide, or for this project),
    /// from `installed_plugins.json`: each plugin's `.mcp.json`, or the `mcpServers` of its
    /// `plugin.json` (inline, or a file or files it names), named `plugin:<plugin>:<server>`.
    mutating func pluginEntries(settings: CodeSettings) -> [InventoryEntry] {
        let pluginsFolder = Path.join(environment.claudeCodeDirectory, "plugins")
        guard case .object(let plugins)? = json(Path.join(pluginsFolder, "installed_plugins.json"))?["plugins"] else { return [] }
        var entries: [InventoryEntry] = []
        for (id, installs) in plugins {
            guard case .array(let installs) = installs else { continue }
            let install = installs.first { $0["projectPath"]?.stringValue == project } ?? installs.first { $0["scope"]?.stringValue == "user" }
            guard let root = install?["installPath"]?.stringValue else { continue }
            let pluginName = String(id.split(separator: "@").first ?? Substring(id))
            var sources: [(file: String, servers: JSONValue)] = []
            let manifestFile = Path.join(root, ".claude-plugin/plugin.json")
            switch json(manifestFile)?["mcpServers"] {
            case .object(let inline)?: sources.append((manifestFile, .object(inline)))
            case .string(let file)?: sources.append(contentsOf: serversFile(Path.join(root, file)))
            case .array(let files)?: for file in files.compactMap({ $0.stringValue }) { sources += serversFile(Path.join(root, file)) }
            default: sources += serversFile(Path.join(root, ".mcp.json"))
            }
            let data = Path.join(pluginsFolder, "data/" + String(id.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" ? $0 : "-" }))
            for (file, servers) in sources {
                guard case .object(let members) = servers else { continue }
                for (name, entry) in members {
                    let resolved = Self.substituting(entry, ["CLAUDE_PLUGIN_ROOT": root, "CLAUDE_PLUGIN_DATA": data, "CLAUDE_PROJECT_DIR": project])
                    let scoped = "plugin:\(pluginName):\(name)"
                    let state: InventoryEntry.State = settings.enabledPlugins[id] == false ? .disabled("enabledPlugins: \(id) is false") : .active
                    entries.append(InventoryEntry(name: scoped, scope: .plugin(id), file: file, location: nil,
                                                  server: ConfiguredServer(name: scoped, entry: resolved, config: "\(file)#\(name)"), state: state))
                }
            }
        }
        return entries
    }

    /// The `mcpServers` of a plugin's servers file, if it has one.
    mutating func serversFile(_ path: String) -> [(file: String, servers: JSONValue)] {
        guard let servers = json(path)?["mcpServers"] else { return [] }
        return [(path, servers)]
    }

    /// `entry` with `${NAME}` of `values` replaced in every string, the others left for the
    /// start-up expansion.
    static func substituting(_ entry: JSONValue, _ values: [String: String]) -> JSONValue {
        switch entry {
        case .string(let text): return .string(DesktopExtension.substitute(text) { values[$0] })
        case .array(let items): return .array(items.map { substituting($0, values) })
        case .object(let members): return .object(members.map { ($0.0, substituting($0.1, values)) })
        default: return entry
        }
    }

    /// Claude Desktop's extensions, each read-only.
    mutating func extensionEntries() -> [InventoryEntry] {
        let appFolder = Path.directory(of: environment.desktopConfigPath)
        let installed = Path.join(appFolder, "Claude Extensions")
        var entries: [InventoryEntry] = []
        for folder in Directory.entries(of: installed).map({ $0.name }).sorted() where !folder.hasPrefix(".") {
            let root = Path.join(installed, folder)
            let manifestFile = Path.join(root, "manifest.json")
            guard let manifest = json(manifestFile) else { continue }
            let settings = json(Path.join(Path.join(appFolder, "Claude Extensions Settings"), folder + ".json"))
            let found: DesktopExtension
            do { found = try DesktopExtension(id: folder, folder: root, manifest: manifest, settings: settings, environment: environment) } catch {
                problems.append(error.description)
                continue
            }
            let state: InventoryEntry.State = !found.enabled ? .disabled("isEnabled is false in Claude Extensions Settings/\(folder).json")
                : found.missing.isEmpty ? .active : .ignored("required setting\(found.missing.count == 1 ? "" : "s") \(found.missing.joined(separator: ", ")) not set")
            var entry = InventoryEntry(name: found.name, scope: .desktopExtension(folder), file: manifestFile, location: nil,
                                       server: ConfiguredServer(name: found.name, entry: found.entry, config: manifestFile), state: state, notes: found.notes)
            if !found.needsSensitive.isEmpty {
                let keys = found.needsSensitive.joined(separator: ", ")
                entry.uncheckable = "not checked: it needs its sensitive setting\(found.needsSensitive.count == 1 ? "" : "s") \(keys), which Claude Desktop keeps in the system keychain and claudesh does not read"
            }
            entries.append(entry)
        }
        return entries
    }
}

extension Workspace {
    /// The projects Claude Code knows (the keys of `projects` in `~/.claude.json`), for completion.
    package func codeProjects() -> [String] {
        guard let config = try? ClientConfig(location: ConfigLocation(path: environment.userConfigPath)),
              case .object(let projects)? = config.document["projects"] else { return [] }
        return projects.map { $0.0 }.sorted()
    }
}
