/// A compose file, read with its positions, and checked without an engine: unknown keys, a
/// service without image or build, `${VAR}` with no value and no default, clear-text secrets.
package struct ComposeFile: Sendable {
    package let path: String
    let root: YAMLNode

    struct Service: Sendable, Equatable {
        var name: String
        var line: Int
        var column: Int
        var node: YAMLNode
    }

    /// A problem found in the file, at its place.
    struct Problem: Sendable, Equatable, CustomStringConvertible {
        var line: Int
        var column: Int
        var message: String
        var description: String { "\(line):\(column): \(message)" }
    }

    package enum Error: Swift.Error, CustomStringConvertible, Sendable, Equatable {
        case missing(String)
        case malformed(String, YAMLParser.Error)
        case notAMapping(String)
        case file(FileError)

        package var description: String {
            switch self {
            case .missing(let path): return "no compose file at \(path): write one with 'compose init', or 'compose load FILE'"
            case .malformed(let path, let error): return "\(path):\(error.line):\(error.column): \(error.message)"
            case .notAMapping(let path): return "\(path): the top level is not a mapping of keys (services:, networks:...)"
            case .file(let error): return error.description
            }
        }
    }

    package init(path: String) throws(Error) {
        // A device or a pipe where the file should be is FileIO's error, which says so.
        guard Path.kind(of: path) != .missing else { throw .missing(path) }
        let bytes: [UInt8]
        do { bytes = try FileIO.read(path) } catch { throw .file(error) }
        try self.init(text: String(decoding: bytes, as: UTF8.self), path: path)
    }

    init(text: String, path: String) throws(Error) {
        self.path = path
        do { root = try YAMLParser.parse(text) } catch { throw .malformed(path, error) }
        guard root.pairs != nil || root.isNull else { throw .notAMapping(path) }
    }

    var services: [Service] {
        (root["services"]?.pairs ?? []).compactMap { pair in
            pair.key.text.map { Service(name: $0, line: pair.key.line, column: pair.key.column, node: pair.value) }
        }
    }

    package var serviceNames: [String] { services.map { $0.name } }

    /// The project name compose gives this file: COMPOSE_PROJECT_NAME (from `environment`, then
    /// the `.env` next to the file), else its `name:` with `${VAR}`s filled in, else its folder's
    /// name; lower case, in the characters compose keeps, without leading `-` or `_`.
    func projectName(environment: [String: String]) -> String {
        let dotEnv = self.dotEnv
        let raw = environment["COMPOSE_PROJECT_NAME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? dotEnv["COMPOSE_PROJECT_NAME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? root["name"]?.text.map { name in
                (try? ConfigExpansion.expand(name) { environment[$0] ?? dotEnv[$0] }) ?? name
            }
            ?? Path.lastComponent(of: Path.directory(of: path))
        let kept = raw.lowercased().filter { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" || $0 == "_" }.drop { $0 == "-" || $0 == "_" }
        return kept.isEmpty ? "default" : String(kept)
    }

    /// The services compose starts: those without `profiles:`, and those with a profile that
    /// COMPOSE_PROFILES names.
    func activeServiceNames(environment: [String: String]) -> [String] {
        let active = Set((environment["COMPOSE_PROFILES"] ?? dotEnv["COMPOSE_PROFILES"] ?? "").split(separator: ",").map { String($0).trimmingWhitespace })
        return services.filter { service in
            guard let profiles = service.node["profiles"]?.items?.compactMap({ $0.text }), !profiles.isEmpty else { return true }
            return !active.isDisjoint(with: profiles)
        }.map { $0.name }
    }

    /// Every variable the file takes from compose's environment: names listed alone under
    /// `environment:`, and every `${VAR}` or `$VAR`, defaults or not.
    var referencedVariables: Set<String> {
        var names = Set<String>()
        for service in services {
            for entry in environment(of: service) where entry.value == nil { names.insert(entry.name) }
        }
        func visit(_ node: YAMLNode) {
            switch node.kind {
            case .scalar(let text, _): names.formUnion(Self.references(in: text, includingDefaults: true))
            case .sequence(let items): items.forEach(visit)
            case .mapping(let pairs): pairs.forEach { visit($0.value) }
            case .null: break
            }
        }
        visit(root)
        return names
    }

    // MARK: Checks

    static let topLevelKeys: Set<String> = ["version", "name", "services", "networks", "volumes", "configs", "secrets", "include", "models"]

    /// The service keys of the Compose Specification.
    static let serviceKeys: Set<String> = [
        "annotations", "attach", "blkio_config", "build", "cap_add", "cap_drop", "cgroup", "cgroup_parent", "command", "configs",
        "container_name", "cpu_count", "cpu_percent", "cpu_period", "cpu_quota", "cpu_rt_period", "cpu_rt_runtime", "cpu_shares",
        "cpus", "cpuset", "credential_spec", "depends_on", "deploy", "develop", "device_cgroup_rules", "devices", "dns", "dns_opt",
        "dns_search", "domainname", "driver_opts", "entrypoint", "env_file", "environment", "expose", "extends", "external_links",
        "extra_hosts", "gpus", "group_add", "healthcheck", "hostname", "image", "init", "ipc", "isolation", "labels", "label_file",
        "links", "logging", "mac_address", "mem_limit", "mem_reservation", "mem_swappiness", "memswap_limit", "models",
        "network_mode", "networks", "oom_kill_disable", "oom_score_adj", "pid", "pids_limit", "platform", "ports", "post_start",
        "pre_stop", "privileged", "profiles", "provider", "pull_policy", "read_only", "restart", "runtime", "scale", "secrets",
        "security_opt", "shm_size", "stdin_open", "stop_grace_period", "stop_signal", "storage_opt", "sysctls", "tmpfs", "tty",
        "ulimits", "use_api_socket", "user", "userns_mode", "uts", "volumes", "volumes_from", "working_dir",
    ]

    /// Every problem, in file order. `lookup` gives a variable's value as compose will see it
    /// (the environment, the session's secrets, the `.env` next to the file).
    func problems(lookup: (String) -> String?) -> [Problem] {
        var problems: [Problem] = []
        guard let pairs = root.pairs else {
            return [Problem(line: root.line, column: root.column, message: "the file is empty: it needs services:")]
        }
        for pair in pairs {
            guard let key = pair.key.text else { continue }
            if !Self.topLevelKeys.contains(key) && !key.hasPrefix("x-") {
                problems.append(Problem(line: pair.key.line, column: pair.key.column, message: "unknown top-level key '\(key)'" + suggestion(key, Self.topLevelKeys)))
            }
        }
        if let services = root["services"], services.pairs == nil {
            problems.append(Problem(line: services.line, column: services.column, message: "services: must be a mapping of service names"))
        } else if self.services.isEmpty && root["include"] == nil {
            problems.append(Problem(line: root.line, column: root.column, message: "no services: a compose file needs at least one under services:"))
        }
        for service in self.services {
            problems += check(service)
        }
        problems += unsetVariables(root, lookup: lookup)
        return problems.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
    }

    func suggestion(_ key: String, _ known: Set<String>) -> String {
        Suggestions.closest(to: key, among: known.sorted()).map { " (did you mean '\($0)'?)" } ?? ""
    }

    func check(_ service: Service) -> [Problem] {
        guard let pairs = service.node.pairs else {
            return [Problem(line: service.line, column: service.column, message: "service '\(service.name)' must be a mapping (image:, command:...)")]
        }
        var problems: [Problem] = []
        for pair in pairs {
            guard let key = pair.key.text else { continue }
            if !Self.serviceKeys.contains(key) && !key.hasPrefix("x-") {
                problems.append(Problem(line: pair.key.line, column: pair.key.column, message: "unknown key '\(key)' in service '\(service.name)'" + suggestion(key, Self.serviceKeys)))
            }
        }
        if service.node["image"] == nil && service.node["build"] == nil && service.node["extends"] == nil {
            problems.append(Problem(line: service.line, column: service.column, message: "service '\(service.name)' has neither image: nor build:"))
        }
        if let restart = service.node["restart"], let value = restart.text {
            let valid = ["no", "always", "unless-stopped", "on-failure"].contains(value) || (value.hasPrefix("on-failure:") && Int(value.dropFirst(11)) != nil)
            if !valid {
                problems.append(Problem(line: restart.line, column: restart.column, message: "restart: '\(value)' is not no, always, on-failure[:N] or unless-stopped"))
            }
        }
        for entry in environment(of: service) {
            guard let value = entry.value, !value.contains("$") else { continue }
            let place: SecretDetector.Place = SecretDetector.isTokenLikeKey(entry.name) ? .tokenName : .setting
            if let kind = SecretDetector.classify(value, place: place) {
                problems.append(Problem(line: entry.line, column: entry.column, message: "service '\(service.name)': \(entry.name) holds a clear-text secret (\(kind)): store it (secrets insert NAME) and list only the name here, '- \(entry.name)', for the session to pass it"))
            }
        }
        return problems
    }

    /// A service's environment, list form (`- KEY=VALUE`, `- KEY`) or mapping form (`KEY: VALUE`).
    struct EnvironmentEntry: Sendable, Equatable {
        var name: String
        /// nil: the name alone, passed from compose's own environment.
        var value: String?
        var line: Int
        var column: Int
    }

    func environment(of service: Service) -> [EnvironmentEntry] {
        guard let environment = service.node["environment"] else { return [] }
        if let items = environment.items {
            return items.compactMap { item in
                guard let text = item.text else { return nil }
                if let equals = text.firstIndex(of: "=") {
                    return EnvironmentEntry(name: String(text[..<equals]), value: String(text[text.index(after: equals)...]), line: item.line, column: item.column)
                }
                return EnvironmentEntry(name: text, value: nil, line: item.line, column: item.column)
            }
        }
        return (environment.pairs ?? []).compactMap { pair in
            pair.key.text.map { EnvironmentEntry(name: $0, value: pair.value.text, line: pair.value.line, column: pair.value.column) }
        }
    }

    /// `${VAR}` and `$VAR` with no value and no default (`${VAR:-x}`, `${VAR-x}` have one;
    /// `$$` is a dollar). Compose would put an empty string there and warn.
    func unsetVariables(_ node: YAMLNode, lookup: (String) -> String?) -> [Problem] {
        switch node.kind {
        case .scalar(let text, _):
            return Self.references(in: text).filter { lookup($0) == nil }.map { name in
                Problem(line: node.line, column: node.column, message: "${\(name)} is not set and has no default: export it, give it with --secret \(name)=NAME, or write ${\(name):-default}")
            }
        case .sequence(let items):
            return items.flatMap { unsetVariables($0, lookup: lookup) }
        case .mapping(let pairs):
            return pairs.flatMap { unsetVariables($0.value, lookup: lookup) }
        case .null:
            return []
        }
    }

    /// The variables `text` needs without a default.
    static func references(in text: String, includingDefaults: Bool = false) -> [String] {
        var names: [String] = []
        let characters = Array(text)
        var index = 0
        func isNameCharacter(_ character: Character) -> Bool { character == "_" || (character.isASCII && (character.isLetter || character.isNumber)) }
        while index < characters.count {
            guard characters[index] == "$", index + 1 < characters.count else { index += 1; continue }
            let next = characters[index + 1]
            if next == "$" { index += 2; continue }
            if next == "{" {
                var end = index + 2
                while end < characters.count, isNameCharacter(characters[end]) { end += 1 }
                let name = String(characters[(index + 2)..<end])
                // `-x` and `:-x` give a default, `+x` and `:+x` an alternative: both fine unset.
                var operatorStart = end
                if operatorStart < characters.count, characters[operatorStart] == ":" { operatorStart += 1 }
                let hasDefault = operatorStart < characters.count && (characters[operatorStart] == "-" || characters[operatorStart] == "+")
                if !name.isEmpty && (!hasDefault || includingDefaults) { names.append(name) }
                // Skip to the closing brace.
                while end < characters.count, characters[end] != "}" { end += 1 }
                index = end + 1
            } else if isNameCharacter(next) && !next.isNumber {
                var end = index + 1
                while end < characters.count, isNameCharacter(characters[end]) { end += 1 }
                names.append(String(characters[(index + 1)..<end]))
                index = end
            } else {
                index += 1
            }
        }
        return names
    }

    /// The `.env` file compose reads next to the compose file: `KEY=VALUE` lines.
    var dotEnv: [String: String] {
        guard let bytes = try? FileIO.read(Path.join(Path.directory(of: path), ".env")) else { return [:] }
        var values: [String: String] = [:]
        for line in String(decoding: bytes, as: UTF8.self).unicodeScalars.split(separator: "\n") {
            var text = String(String.UnicodeScalarView(line)).trimmingWhitespace
            if text.hasPrefix("export ") { text = String(text.dropFirst(7)).trimmingWhitespace }
            guard !text.hasPrefix("#"), let equals = text.firstIndex(of: "=") else { continue }
            var value = String(text[text.index(after: equals)...])
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first { value = String(value.dropFirst().dropLast()) }
            values[String(text[..<equals]).trimmingWhitespace] = value
        }
        return values
    }
}
