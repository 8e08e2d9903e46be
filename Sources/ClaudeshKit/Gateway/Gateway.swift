import Synchronization

/// What the gateway records of one call it passed on (the health database's `gateway_calls`):
/// never the arguments.
package struct GatewayCall: Sendable, Equatable {
    /// When it ended, in seconds since 1970.
    package var time: Double = 0
    package var backend: String
    /// The tool, prompt or resource URI as the backend names it.
    package var target: String
    package var method: String
    /// The era the client spoke (`modern` or `legacy`).
    package var era: String
    package var latency: Duration
    /// `ok`, `tool error` (a result with isError), `refused` (a JSON-RPC error), `timed out`,
    /// `cancelled`, `unavailable` (the backend could not be opened or went).
    package var outcome: String
    /// The bytes of the result the backend gave (masked by its own redactor).
    package var size: Int
}

/// The MCP server in front of a profile's backends: one surface of their tools, prompts and
/// resources (`GatewaySurface`), every result masked by the session's redactor before it
/// leaves, both eras served on any transport. A transport hands each client message to
/// `answer` and sends back what it returns.
package final class Gateway: Sendable {
    /// The backends, in the profile's order: those it started with, then as `gateway add` and
    /// `gateway remove` change the profile while it runs (`follow(adding:removing:)`).
    private let served: Served
    package let profile: GatewayProfile
    /// The tools each backend keeps to itself: the profile's when the gateway started, then
    /// as `gateway tools disable|enable` changes them (`follow`).
    private let disabledTools: ToolSwitches
    let redactor: Redactor
    /// How long one request to a backend may take (MCP_TOOL_TIMEOUT, else a minute).
    let timeout: Duration
    private let record: @Sendable (GatewayCall) -> Void
    private let surface = Mutex(GatewaySurface())
    /// The clients told when the surface changes, and whether each backend was last seen up.
    private let listeners = Mutex<(next: Int, all: [Int: @Sendable (JSONValue) -> Void], up: [String: Bool])>((0, [:], [:]))

    package static let serverName = "claudesh-gateway"

    package convenience init(backends: [GatewayBackend], profile: GatewayProfile, redactor: Redactor, timeout: Duration,
                             record: @escaping @Sendable (GatewayCall) -> Void = { _ in }) {
        self.init(served: Served(backends), profile: profile, switches: ToolSwitches(profile.disabledTools), redactor: redactor, timeout: timeout, record: record)
    }

    private init(served: Served, profile: GatewayProfile, switches: ToolSwitches, redactor: Redactor, timeout: Duration,
                 record: @escaping @Sendable (GatewayCall) -> Void) {
        self.served = served
        self.profile = profile
        disabledTools = switches
        self.redactor = redactor
        self.timeout = timeout
        self.record = record
    }

    /// This gateway with its results masking `values` as well (the HTTP listener's token).
    package func masking(_ values: [String]) -> Gateway {
        Gateway(served: served, profile: profile, switches: disabledTools, redactor: redactor.adding(values), timeout: timeout, record: record)
    }

    /// The backends served, shared with a masked copy.
    private final class Served: Sendable {
        let list: Mutex<[GatewayBackend]>
        init(_ backends: [GatewayBackend]) {
            var seen: Set<String> = []
            list = Mutex(backends.filter { seen.insert($0.name).inserted })
        }
    }

    /// The backends served now, in the profile's order.
    package var backends: [GatewayBackend] { served.list.withLock { $0 } }

    private func backend(named name: String) -> GatewayBackend? {
        served.list.withLock { list in list.first { $0.name == name } }
    }

    /// Serves `added` from now on (each opened at the first request that needs it) and stops
    /// the backends named in `removed` (a call to one in flight ends, its tools, prompts and
    /// resources are gone); every client that hears changes is told its lists changed.
    package func follow(adding added: [GatewayBackend], removing removed: Set<String>) async {
        let (joined, stopped) = served.list.withLock { list in
            let stopped = list.filter { removed.contains($0.name) }
            list.removeAll { removed.contains($0.name) }
            var joined: [GatewayBackend] = []
            for new in added where !list.contains(where: { $0.name == new.name }) {
                list.append(new)
                joined.append(new)
            }
            return (joined, stopped)
        }
        guard !joined.isEmpty || !stopped.isEmpty else { return }
        for backend in stopped { await backend.stop(because: "taken out of the gateway's profile") }
        surface.withLock { surface in
            for backend in stopped {
                surface.setTools([], of: backend.name)
                surface.setPrompts([], of: backend.name)
            }
        }
        let notify = listeners.withLock { state in
            for backend in stopped { state.up[backend.name] = nil }
            return Array(state.all.values)
        }
        tell(MCPProtocol.listKinds, changedTo: notify)
    }

    /// The tools turned off, per backend, as the gateway follows them.
    final class ToolSwitches: Sendable {
        let off: Mutex<[String: [String]]>
        init(_ off: [String: [String]]) { self.off = Mutex(off) }
    }

    /// Whether `tool` of `backend` is turned off now.
    func isDisabled(_ tool: String, of backend: String) -> Bool {
        disabledTools.off.withLock { $0[backend]?.contains(tool) == true }
    }

    /// Takes the tools `backends` turn off as the profile says now (the others keep theirs);
    /// when they changed, every client that hears changes is told its list of tools changed,
    /// and lists it again.
    package func follow(disabledTools now: [String: [String]], of backends: Set<String>) {
        let changed = disabledTools.off.withLock { off in
            var next = off
            for backend in backends { next[backend] = now[backend].flatMap { $0.isEmpty ? nil : $0.sorted() } }
            let normalised = next.filter { !$0.value.isEmpty }.mapValues { $0.sorted() }
            guard off.filter({ !$0.value.isEmpty }).mapValues({ $0.sorted() }) != normalised else { return false }
            off = normalised
            return true
        }
        guard changed else { return }
        tell(["tools"], changedTo: listeners.withLock { Array($0.all.values) })
    }

    /// Tells each of `notify` (the subscribed clients) that these lists of the gateway changed
    /// (`notifications/tools/list_changed`).
    private func tell(_ kinds: [String], changedTo notify: [@Sendable (JSONValue) -> Void]) {
        for kind in kinds {
            let message = MCPProtocol.notification(method: "notifications/\(kind)/list_changed")
            for send in notify { send(message) }
        }
    }

    /// Tells `notify` of each change of the surface from now on, until `unsubscribe`.
    package func subscribe(_ notify: @escaping @Sendable (JSONValue) -> Void) -> Int {
        listeners.withLock { state in
            state.next += 1
            state.all[state.next] = notify
            return state.next
        }
    }

    package func unsubscribe(_ token: Int) {
        _ = listeners.withLock { $0.all.removeValue(forKey: token) }
    }

    /// A backend came or went: its tools, prompts and resources came or went with it, which
    /// every subscribed client is told (`notifications/*/list_changed`). Its first start is not
    /// a change (it starts for the listing that shows it); coming back after it went, being
    /// started again (its tools may differ), and going are.
    package func backendChanged(_ event: GatewayEvent) {
        let notify: [@Sendable (JSONValue) -> Void] = listeners.withLock { state in
            let wasUp = state.up[event.backend]
            let isUp = event.kind == .started || event.kind == .restarted
            state.up[event.backend] = isUp
            let changed = event.kind == .restarted || (wasUp != nil && wasUp != isUp)
            return changed && event.kind != .stopped ? Array(state.all.values) : []
        }
        tell(MCPProtocol.listKinds, changedTo: notify)
    }

    /// A backend said one of its lists changed (a tool added, say): every subscribed client is
    /// told that list of the gateway's changed.
    package func listChanged(_ change: GatewayListChange) {
        tell([change.kind], changedTo: listeners.withLock { Array($0.all.values) })
    }

    /// Ends every backend's session.
    package func stop() async {
        await withTaskGroup(of: Void.self) { group in
            for backend in backends { group.addTask { await backend.stop() } }
        }
    }

    // MARK: Messages

    /// The answer to one message of `connection`'s client (a request's response or error);
    /// nil for a notification, and for a request cancelled while it ran.
    package func answer(_ message: JSONValue, connection: GatewayConnection) async -> JSONValue? {
        guard case .object = message else {
            if case .array = message { return Self.error(id: .null, code: -32600, "batches are not supported: send one request at a time") }
            return Self.error(id: .null, code: -32600, "not a JSON-RPC request object")
        }
        guard message["jsonrpc"]?.stringValue == "2.0" else {
            return Self.error(id: message["id"] ?? .null, code: -32600, "not JSON-RPC 2.0 (jsonrpc must be \"2.0\")")
        }
        guard let method = message["method"]?.stringValue else {
            // An answer to a request of ours: the gateway sends none, so nothing waits for it.
            if message["id"] != nil, message["result"] != nil || message["error"] != nil { return nil }
            return Self.error(id: message["id"] ?? .null, code: -32600, "a request needs a method")
        }
        let params = message["params"]
        guard let id = message["id"] else {
            notified(method, params, connection: connection)
            return nil
        }
        guard id != .null else { return Self.error(id: .null, code: -32600, "a request id is a string or an integer, not null") }
        switch id {
        case .int, .string: break
        default: return Self.error(id: .null, code: -32600, "a request id is a string or an integer")
        }
        if let params, !params.isObject {
            return Self.error(id: id, code: -32602, "params must be an object")
        }
        let modern = MCPProtocol.modernVersion(of: message)
        if let modern, !MCPProtocol.modernVersions.contains(modern) {
            return Self.error(id: id, code: MCPProtocol.ModernError.unsupportedProtocolVersion, "unsupported protocol version \(modern)",
                              data: .object([("supported", .array(MCPProtocol.modernVersions.map { .string($0) })), ("requested", .string(modern))]))
        }
        do {
            var result = try await respond(to: method, id: id, params: params, modern: modern != nil, connection: connection)
            if Task.isCancelled { return nil }
            if modern != nil, case .object(var members) = result {
                // What the stateless revision requires of every result, and of a cacheable one
                // (immediately stale and private: the backends behind may change at any time).
                var required: [(String, JSONValue)] = [("resultType", .string("complete"))]
                if Self.cacheable.contains(method) { required += [("ttlMs", .int(0)), ("cacheScope", .string("private"))] }
                for (key, value) in required where !members.contains(where: { $0.0 == key }) { members.append((key, value)) }
                result = .object(members)
            }
            return .object([("jsonrpc", .string("2.0")), ("id", id), ("result", result)])
        } catch {
            if Task.isCancelled { return nil }
            return Self.error(id: id, code: error.code, error.message)
        }
    }

    /// The methods whose modern results carry caching directives (2026-07-28, `CacheableResult`).
    static let cacheable: Set<String> = ["server/discover", "tools/list", "prompts/list", "resources/list", "resources/templates/list", "resources/read"]

    /// A JSON-RPC error as the gateway answers it.
    struct Refusal: Error {
        var code: Int
        var message: String
        init(_ code: Int, _ message: String) {
            self.code = code
            self.message = message
        }
    }

    package static func error(id: JSONValue, code: Int, _ message: String, data: JSONValue? = nil) -> JSONValue {
        var error: [(String, JSONValue)] = [("code", .int(code)), ("message", .string(message))]
        if let data { error.append(("data", data)) }
        return .object([("jsonrpc", .string("2.0")), ("id", id), ("error", .object(error))])
    }

    private func notified(_ method: String, _ params: JSONValue?, connection: GatewayConnection) {
        if method == "notifications/cancelled", let id = params?["requestId"] { connection.cancel(id) }
        // The handshake is done: changes may be told from now on, unasked.
        if method == "notifications/initialized" { connection.openedWithHandshake() }
        // Roots and the rest ask nothing of the gateway.
    }

    private func respond(to method: String, id: JSONValue, params: JSONValue?, modern: Bool, connection: GatewayConnection) async throws(Refusal) -> JSONValue {
        let era = modern ? "modern" : "legacy"
        switch method {
        case "initialize":
            guard !modern else { throw Refusal(-32600, "initialize is not a request of the stateless revision") }
            // 2025-03-26 asks servers to take JSON-RPC batches, which the gateway does not:
            // a client that asks for it is offered the newest revision instead.
            let asked = params?["protocolVersion"]?.stringValue ?? ""
            let version = MCPProtocol.legacyVersions.contains(asked) && asked != "2025-03-26" ? asked : MCPProtocol.latestVersion
            return .object([
                ("protocolVersion", .string(version)),
                ("capabilities", capabilities(connection)),
                ("serverInfo", serverInfo),
                ("instructions", .string(instructions)),
            ])
        case "server/discover":
            return .object([
                ("supportedVersions", .array(MCPProtocol.modernVersions.map { .string($0) })),
                ("capabilities", capabilities(connection)),
                ("instructions", .string(instructions)),
                ("_meta", .object([("io.modelcontextprotocol/serverInfo", serverInfo)])),
            ])
        case "ping":
            return .object([])
        case "logging/setLevel":
            return .object([])
        case "tools/list":
            return .object([("tools", .array(await listTools()))])
        case "prompts/list":
            return .object([("prompts", .array(await listPrompts()))])
        case "resources/list":
            return .object([("resources", .array(await listResources(method: "resources/list", key: "resources", field: "uri")))])
        case "resources/templates/list":
            return .object([("resourceTemplates", .array(await listResources(method: "resources/templates/list", key: "resourceTemplates", field: "uriTemplate")))])
        case "tools/call":
            return try await callTool(params, era: era)
        case "prompts/get":
            return try await getPrompt(params, era: era)
        case "resources/read":
            return try await readResource(params, era: era)
        case "subscriptions/listen" where modern:
            // Refused, not closed at once: a client that listens again after a stream closes
            // would do so without end.
            guard connection.hearsChanges else {
                throw Refusal(-32601, "subscriptions/listen is not served here: this transport has one answer to each request and no stream, and the capabilities say no list changes (the gateway's stdio form has them)")
            }
            guard let filter = params?["notifications"], filter.isObject else {
                throw Refusal(-32602, "subscriptions/listen needs params.notifications, an object (toolsListChanged, promptsListChanged, resourcesListChanged)")
            }
            return await connection.listen(id: id, filter: filter)
        case "resources/subscribe", "resources/unsubscribe":
            throw Refusal(-32601, "the gateway does not offer resource subscriptions")
        default:
            throw Refusal(-32601, "method not found: \(method)")
        }
    }

    private var serverInfo: JSONValue {
        .object([("name", .string(Self.serverName)), ("title", .string("claudesh gateway (\(profile.name))")), ("version", .string(Claudesh.version))])
    }

    private var instructions: String {
        "Tools and prompts are named BACKEND_NAME, resources gateway://BACKEND/URI; the backends: " + backends.map(\.name).joined(separator: ", ")
    }

    /// List changes are announced where the transport can carry a notification of the gateway's own.
    private func capabilities(_ connection: GatewayConnection) -> JSONValue {
        let changes: JSONValue = .object([("listChanged", .bool(connection.hearsChanges))])
        return .object([("tools", changes), ("prompts", changes), ("resources", changes)])
    }

    // MARK: Lists

    /// Each backend's items of a list, in the backends' order; a backend that cannot be opened
    /// adds none (`gateway status` says why).
    private func gather(_ method: String, key: String) async -> [(backend: String, items: [JSONValue])] {
        let timeout = self.timeout
        let backends = self.backends
        let lists = await withTaskGroup(of: (Int, [JSONValue]).self) { group in
            for (index, backend) in backends.enumerated() {
                group.addTask { (index, (try? await backend.list(method, key: key, timeout: timeout)) ?? []) }
            }
            var all: [(Int, [JSONValue])] = []
            for await item in group { all.append(item) }
            return all
        }
        return lists.sorted { $0.0 < $1.0 }.map { (backends[$0.0].name, $0.1) }
    }

    /// Named items (tools, prompts) renamed into the surface; `set` keeps the map back.
    private func named(_ lists: [(backend: String, items: [JSONValue])], skipDisabled: Bool,
                       set: (inout GatewaySurface, [(exposed: String, target: GatewaySurface.Target)], String) -> Void) -> [JSONValue] {
        var exposed: [JSONValue] = []
        var taken: Set<String> = []
        var maps: [(String, [(exposed: String, target: GatewaySurface.Target)])] = []
        for (backend, items) in lists {
            var map: [(exposed: String, target: GatewaySurface.Target)] = []
            for item in items {
                guard let name = item["name"]?.stringValue else { continue }
                if skipDisabled, isDisabled(name, of: backend) { continue }
                let surfaceName = GatewaySurface.exposedName(name, of: backend) { taken.contains($0) }
                taken.insert(surfaceName)
                map.append((surfaceName, .init(backend: backend, name: name)))
                exposed.append(item.replacing("name", with: .string(surfaceName)).redacted(by: redactor))
            }
            maps.append((backend, map))
        }
        surface.withLock { surface in for (backend, map) in maps { set(&surface, map, backend) } }
        return exposed
    }

    private func listTools() async -> [JSONValue] {
        named(await gather("tools/list", key: "tools"), skipDisabled: true) { $0.setTools($1, of: $2) }
    }

    private func listPrompts() async -> [JSONValue] {
        named(await gather("prompts/list", key: "prompts"), skipDisabled: false) { $0.setPrompts($1, of: $2) }
    }

    private func listResources(method: String, key: String, field: String) async -> [JSONValue] {
        await gather(method, key: key).flatMap { backend, items in
            items.compactMap { item -> JSONValue? in
                guard let uri = item[field]?.stringValue else { return nil }
                return item.replacing(field, with: .string(GatewaySurface.exposedURI(uri, of: backend))).redacted(by: redactor)
            }
        }
    }

    // MARK: Calls

    /// The backend and own name of a surface tool or prompt; the surface is listed first when
    /// the name is not known yet (a client that calls without listing).
    private func target(_ name: String, tools: Bool) async -> GatewaySurface.Target? {
        func look() -> GatewaySurface.Target? { surface.withLock { tools ? $0.tools[name] : $0.prompts[name] } }
        if let found = look() { return found }
        if tools { _ = await listTools() } else { _ = await listPrompts() }
        return look()
    }

    private func callTool(_ params: JSONValue?, era: String) async throws(Refusal) -> JSONValue {
        guard let name = params?["name"]?.stringValue else { throw Refusal(-32602, "tools/call needs a tool name") }
        guard let target = await target(name, tools: true), let backend = backend(named: target.backend),
              !isDisabled(target.name, of: target.backend) else {
            throw Refusal(-32602, "unknown tool: \(name)")
        }
        let forwarded = Self.forwarded(params, name: ("name", target.name))
        return try await pass("tools/call", forwarded, to: backend, target: target.name, era: era, failureAsResult: true)
    }

    private func getPrompt(_ params: JSONValue?, era: String) async throws(Refusal) -> JSONValue {
        guard let name = params?["name"]?.stringValue else { throw Refusal(-32602, "prompts/get needs a prompt name") }
        guard let target = await target(name, tools: false), let backend = backend(named: target.backend) else {
            throw Refusal(-32602, "unknown prompt: \(name)")
        }
        return try await pass("prompts/get", Self.forwarded(params, name: ("name", target.name)), to: backend, target: target.name, era: era)
    }

    private func readResource(_ params: JSONValue?, era: String) async throws(Refusal) -> JSONValue {
        guard let uri = params?["uri"]?.stringValue else { throw Refusal(-32602, "resources/read needs a uri") }
        guard let target = GatewaySurface.target(ofURI: uri), let backend = backend(named: target.backend) else {
            throw Refusal(-32002, "resource not found: \(uri) (the gateway's are gateway://BACKEND/URI)")
        }
        var result = try await pass("resources/read", Self.forwarded(params, name: ("uri", target.name)), to: backend, target: target.name, era: era)
        // The contents name the URI read: the client's, as it asked.
        if case .array(let contents)? = result["contents"] {
            result = result.replacing("contents", with: .array(contents.map { item in
                guard let own = item["uri"]?.stringValue else { return item }
                return item.replacing("uri", with: .string(GatewaySurface.exposedURI(own, of: backend.name)))
            }))
        }
        return result
    }

    /// The client's params as the backend gets them: its own name for the target, and no
    /// `_meta` of the client's era (the backend's session adds its own).
    static func forwarded(_ params: JSONValue?, name: (key: String, value: String)) -> JSONValue {
        var members: [(String, JSONValue)] = []
        if case .object(let given)? = params {
            for (key, value) in given {
                if key == name.key { continue }
                if key == "_meta", case .object(let meta) = value {
                    let kept = meta.filter { !$0.0.hasPrefix("io.modelcontextprotocol/") && $0.0 != "progressToken" }
                    if !kept.isEmpty { members.append((key, .object(kept))) }
                    continue
                }
                members.append((key, value))
            }
        }
        members.insert((name.key, .string(name.value)), at: 0)
        return .object(members)
    }

    /// A backend's result without what its protocol layer stamped on it (its own serverInfo,
    /// its era's caching): the client's server is the gateway, which adds its own.
    static func withoutBackendMeta(_ result: JSONValue) -> JSONValue {
        guard case .object(var members) = result else { return result }
        members.removeAll { ["resultType", "ttlMs", "cacheScope"].contains($0.0) }
        if let index = members.firstIndex(where: { $0.0 == "_meta" }), case .object(let meta) = members[index].1 {
            let kept = meta.filter { !$0.0.hasPrefix("io.modelcontextprotocol/") }
            if kept.isEmpty { members.remove(at: index) } else { members[index].1 = .object(kept) }
        }
        return .object(members)
    }

    /// Sends one request to `backend`; records the call. A backend that
    /// failed makes a tool result with isError when `failureAsResult` (the model reads why),
    /// else a JSON-RPC error.
    private func pass(_ method: String, _ params: JSONValue, to backend: GatewayBackend, target: String, era: String,
                      failureAsResult: Bool = false) async throws(Refusal) -> JSONValue {
        let start = ContinuousClock.now
        var call = GatewayCall(backend: backend.name, target: target, method: method, era: era, latency: .zero, outcome: "ok", size: 0)
        defer {
            call.latency = start.duration(to: .now)
            call.time = Timestamp.preciseNow
            record(call)
        }
        do {
            // Masked by the backend's redactor here, by the gateway's at the sink (`sealMessage`).
            let result = Self.withoutBackendMeta(try await backend.request(method, params, timeout: timeout))
            if result["isError"]?.boolValue == true { call.outcome = "tool error" }
            call.size = result.serializedBytes().count
            return result
        } catch {
            switch error {
            case .rejected(_, let code, let message):
                call.outcome = "refused"
                // An error about the gateway's own session with the backend (its framing, its
                // protocol version) is not the client's: it becomes an internal error.
                let sessionCodes = Set([-32700, -32600]).union(MCPProtocol.ModernError.codes)
                throw Refusal(sessionCodes.contains(code) ? -32603 : code, "\(backend.name): " + redactor.redact(message))

            case .cancelled: call.outcome = "cancelled"
            case .timedOut: call.outcome = "timed out"
            default: call.outcome = "unavailable"
            }
            let reason = "\(backend.name): " + redactor.redact(error.description)
            guard failureAsResult else { throw Refusal(-32603, reason) }
            let result: JSONValue = .object([("content", .array([.object([("type", .string("text")), ("text", .string(reason))])])), ("isError", .bool(true))])
            call.size = result.serializedBytes().count
            return result
        }
    }
}

extension JSONValue {
    /// This object with `key` set to `value` (added at the end when it was not there).
    func replacing(_ key: String, with value: JSONValue) -> JSONValue {
        guard case .object(var members) = self else { return self }
        if let index = members.firstIndex(where: { $0.0 == key }) { members[index].1 = value } else { members.append((key, value)) }
        return .object(members)
    }

    var isObject: Bool {
        if case .object = self { return true }
        return false
    }
}
