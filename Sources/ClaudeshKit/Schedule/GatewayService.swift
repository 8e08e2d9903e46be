#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The gateway as a long-running user service, restarted when it fails: a systemd user unit on
/// Linux (`~/.config/systemd/user/claudesh-gateway.service`), a launchd agent on macOS
/// (`~/Library/LaunchAgents/com.claudesh.gateway.plist`). Its output goes to
/// `HOME/logs/gateway.log`.
package struct GatewayService: Sendable, Equatable {
    var target: ScheduleTarget
    var profile: String
    /// `HOST:PORT` it listens on.
    var listen: String

    var name: String { profile == GatewayProfile.defaultName ? "claudesh-gateway" : "claudesh-gateway-\(profile)" }
    var label: String { profile == GatewayProfile.defaultName ? "com.claudesh.gateway" : "com.claudesh.gateway.\(profile)" }
    var logPath: String { Path.join(target.logFolder, name.replacing("claudesh-", with: "") + ".log") }

    /// claudesh's arguments: the session's settings, then the gateway.
    var arguments: [String] {
        var words = ["gateway", "--listen", listen]
        if profile != GatewayProfile.defaultName { words += ["--profile", profile] }
        return ScheduleTarget.arguments(words, after: target.prelude)
    }

    /// The systemd user unit.
    var systemdUnit: String {
        let exec = ([target.program] + arguments).map { Self.systemdQuoted($0) }.joined(separator: " ")
        // Environment= expands specifiers but not variables: `$` stays as it is there.
        let environment = target.environment.map { "Environment=" + Self.systemdQuoted("\($0.0)=\($0.1)", variables: false) }.joined(separator: "\n")
        let log = Self.specifiersEscaped(logPath)
        return """
        [Unit]
        Description=claudesh gateway (profile \(profile)): MCP over HTTP on \(Self.specifiersEscaped(listen))

        [Service]
        Type=simple
        ExecStart=\(exec)
        \(environment)
        Restart=on-failure
        RestartSec=5
        SuccessExitStatus=130 143
        StandardOutput=append:\(log)
        StandardError=append:\(log)

        [Install]
        WantedBy=default.target

        """
    }

    /// The launchd agent: started at login, started again when it exits with a failure.
    var launchdPlist: String {
        var body: [String] = [
            LaunchdPlist.key("Label") + LaunchdPlist.string(label),
            LaunchdPlist.key("ProgramArguments") + LaunchdPlist.array(([target.program] + arguments).map(LaunchdPlist.string)),
            LaunchdPlist.key("RunAtLoad") + "<true/>",
            LaunchdPlist.key("KeepAlive") + LaunchdPlist.dictionary([LaunchdPlist.key("SuccessfulExit") + "<false/>"]),
        ]
        if !target.environment.isEmpty {
            body.append(LaunchdPlist.key("EnvironmentVariables") + LaunchdPlist.dictionary(target.environment.map { LaunchdPlist.key($0.0) + LaunchdPlist.string($0.1) }))
        }
        body.append(LaunchdPlist.key("StandardOutPath") + LaunchdPlist.string(logPath))
        body.append(LaunchdPlist.key("StandardErrorPath") + LaunchdPlist.string(logPath))
        return LaunchdPlist.document(body)
    }

    /// A word as systemd reads it in ExecStart= (and, without `variables`, Environment=): in
    /// double quotes, with `\\` and `"` escaped, `%` doubled (no specifier expands in it) and
    /// `$` doubled where variables expand. Control characters never get here
    /// (`checkWritable` refuses them).
    static func systemdQuoted(_ word: String, variables: Bool = true) -> String {
        var quoted = "\""
        for character in word {
            switch character {
            case "\\": quoted += "\\\\"
            case "\"": quoted += "\\\""
            case "%": quoted += "%%"
            case "$" where variables: quoted += "$$"
            default: quoted.append(character)
            }
        }
        return quoted + "\""
    }

    /// A value where systemd expands specifiers only (a path after `append:`).
    static func specifiersEscaped(_ text: String) -> String { text.replacing("%", with: "%%") }
}

extension Workspace {
    /// The service file's path: the user unit or the agent.
    func gatewayServicePath(_ service: GatewayService) -> String {
        if Self.usesLaunchd { return Path.join(launchAgents, service.label + ".plist") }
        let config = environment.variables["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? Path.join(environment.userHome, ".config")
        return Path.join(config, "systemd/user/\(service.name).service")
    }

    /// The gateway service of `profile` listening on `listen`, as it would be written.
    package func gatewayService(listen: String, profile: String = GatewayProfile.defaultName) throws -> (path: String, text: String) {
        try GatewayProfile.check(name: profile)
        let service = GatewayService(target: try scheduleTarget().target, profile: profile, listen: listen)
        return (gatewayServicePath(service), Self.usesLaunchd ? service.launchdPlist : service.systemdUnit)
    }

    /// Writes the service and starts it (`systemctl --user enable --now`, `launchctl load -w`);
    /// the same file already there is left as it is. A service manager that cannot start it
    /// (no user systemd) is said with the file written.
    package func installGatewayService(listen: String, profile: String = GatewayProfile.defaultName) async throws -> (change: ScheduleChange, path: String, startProblem: String?) {
        try GatewayProfile.check(name: profile)
        let service = GatewayService(target: try scheduleTarget().target, profile: profile, listen: listen)
        let path = gatewayServicePath(service)
        let text = Self.usesLaunchd ? service.launchdPlist : service.systemdUnit
        if (try? FileIO.read(path)) == Array(text.utf8) { return (.alreadyDone("\(path) is as it would be written"), path, nil) }
        if dryRun { return (.wouldDo("would write \(path) and start it"), path, nil) }
        guard store.contains(Self.gatewayTokenEntry) else {
            throw OperationError.failed("the gateway has no token yet: gateway token makes one; nothing was installed")
        }
        try FileIO.makeDirectory(service.target.logFolder)
        try FileIO.makeDirectory(Path.directory(of: path), mode: 0o755)
        try AtomicFile.write(Array(text.utf8), to: path, mode: 0o644)
        let steps: [[String]] = Self.usesLaunchd
            ? [["launchctl", "unload", path], ["launchctl", "load", "-w", path]]
            : [["systemctl", "--user", "daemon-reload"], ["systemctl", "--user", "enable", "--now", service.name + ".service"]]
        for step in steps {
            let result = try? await runScheduler(step)
            if step.contains("unload") { continue }
            guard let result, result.termination.isSuccess else {
                let said = result.map { $0.errorText.trimmingWhitespace } ?? "it could not be run"
                return (.done, path, "\(step.joined(separator: " ")) failed: \(said.isEmpty ? "no word why" : said)")
            }
        }
        return (.done, path, nil)
    }

    /// Stops and removes the gateway service of `profile`.
    package func removeGatewayService(profile: String = GatewayProfile.defaultName) async throws -> (change: ScheduleChange, path: String) {
        try GatewayProfile.check(name: profile)
        let service = GatewayService(target: ScheduleTarget(program: "", logFolder: logFolder, environment: []), profile: profile, listen: "")
        let path = gatewayServicePath(service)
        guard Path.kind(of: path) == .file else { return (.alreadyDone("no gateway service at \(path)"), path) }
        if dryRun { return (.wouldDo("would stop and remove \(path)"), path) }
        if Self.usesLaunchd {
            _ = try? await runScheduler(["launchctl", "unload", "-w", path])
        } else {
            _ = try? await runScheduler(["systemctl", "--user", "disable", "--now", service.name + ".service"])
        }
        guard unlink(path) == 0 else { throw OperationError.failed("\(path) could not be removed: \(String(cString: strerror(errno)))") }
        if !Self.usesLaunchd { _ = try? await runScheduler(["systemctl", "--user", "daemon-reload"]) }
        return (.done, path)
    }
}
