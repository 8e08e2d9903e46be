/// What one gateway fronts: the compose file's services (unless turned off), the client entries
/// the operator added, and the tools each backend keeps to itself.
package struct GatewayProfile: Sendable, Equatable {
    package var name: String
    /// Client entries by the name `mcp check` takes (`time`, `time@user`, `plugin:p:s`).
    package var servers: [String] = []
    /// Whether the compose file's services are backends too.
    package var composeServices = true
    /// Per backend, the tools the gateway neither lists nor calls.
    package var disabledTools: [String: [String]] = [:]

    package init(name: String) { self.name = name }

    package static let defaultName = "default"

    /// A profile's name goes into file names and command lines: letters, digits, `_` and `-`.
    package static func check(name: String) throws(OperationError) {
        guard !name.isEmpty, name.count <= 64, name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }) else {
            throw .usage("a gateway profile's name is letters, digits, _ and - (at most 64), not '\(name.escapingControls.clipped(40))'")
        }
    }
}

/// `HOME/gateway.json`: every profile, by name.
/// `{"default": {"servers": ["time"], "compose": true, "disabledTools": {"time": ["convert_time"]}}}`
struct GatewayProfiles: Sendable {
    typealias Error = HomeJSONFile.Error
    let file: HomeJSONFile

    init(home: String) { file = HomeJSONFile(home: home, name: "gateway.json") }

    func all() throws(Error) -> [GatewayProfile] {
        var profiles: [GatewayProfile] = []
        for (name, value) in try file.members(shape: "gateway profiles by name") {
            guard case .object = value else { throw file.malformed(name, "not an object (servers, compose, disabledTools)") }
            var profile = GatewayProfile(name: name)
            if let servers = value["servers"] {
                guard let names = servers.arrayValue?.compactMap(\.stringValue), names.count == servers.arrayValue?.count else {
                    throw file.malformed(name, "servers is not a list of names")
                }
                profile.servers = names
            }
            if let compose = value["compose"] {
                guard let flag = compose.boolValue else { throw file.malformed(name, "compose is not true or false") }
                profile.composeServices = flag
            }
            if let disabled = value["disabledTools"] {
                guard case .object(let backends) = disabled else { throw file.malformed(name, "disabledTools is not an object of backends") }
                for (backend, tools) in backends {
                    guard let list = tools.arrayValue?.compactMap(\.stringValue), list.count == tools.arrayValue?.count else {
                        throw file.malformed(name, "disabledTools.\(backend) is not a list of tool names")
                    }
                    profile.disabledTools[backend] = list
                }
            }
            profiles.append(profile)
        }
        return profiles
    }

    /// The profile `name`; one that was never written is empty (compose services only).
    func profile(_ name: String) throws -> GatewayProfile {
        try GatewayProfile.check(name: name)
        return try all().first { $0.name == name } ?? GatewayProfile(name: name)
    }

    /// Changes one profile and writes the file, the others kept as they were.
    func update(_ name: String, _ change: (inout GatewayProfile) throws -> Void) throws -> GatewayProfile {
        try GatewayProfile.check(name: name)
        var profiles = try all()
        var profile = profiles.first { $0.name == name } ?? GatewayProfile(name: name)
        try change(&profile)
        profiles.removeAll { $0.name == name }
        profiles.append(profile)
        try file.write(profiles.map { ($0.name, Self.encode($0)) })
        return profile
    }

    static func encode(_ profile: GatewayProfile) -> JSONValue {
        let disabled = profile.disabledTools.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
        return .object([
            ("servers", .array(profile.servers.map { .string($0) })),
            ("compose", .bool(profile.composeServices)),
            ("disabledTools", .object(disabled.map { ($0.key, .array($0.value.sorted().map { .string($0) })) })),
        ])
    }
}
