import Foundation

/// A scratch home with its own GnuPG keyring and pass store, for one test: the real gpg,
/// gpg-agent and pass, nothing of the developer's own. `stop` ends the agent and removes it all.
final class SecretsFixture {
    let home: String
    /// Short, under /tmp: the agent's socket path has a length limit.
    let gnupgHome: String
    var storeDirectory: String { home + "/store" }
    var configPath: String { home + "/claude_desktop_config.json" }
    /// More for the environment of every run (a PATH with another tar first).
    var extra: [String: String] = [:]

    init() {
        home = Claudesh.temporaryFolder("claudesh-secrets")
        var template = Array("/tmp/cg.XXXXXX".utf8CString)
        gnupgHome = String(cString: mkdtemp(&template)!)
        chmod(gnupgHome, 0o700)
    }

    var environment: [String: String] {
        ["GNUPGHOME": gnupgHome, "PASSWORD_STORE_DIR": storeDirectory].merging(extra) { $1 }
    }

    /// Runs claudesh in this home with this keyring and store.
    @discardableResult
    func run(_ arguments: [String], input: String? = nil, extra: [String: String] = [:]) throws -> Claudesh.Result {
        try Claudesh.run(arguments, home: home, input: input, extra: environment.merging(extra) { $1 })
    }

    /// A key without passphrase, made by `gpg keygen`, and the store initialised for it.
    /// Returns the key's fingerprint.
    @discardableResult
    func makeKeyAndStore(email: String = "test@claudesh.local") throws -> String {
        let made = try run(["gpg", "keygen", "Test", email, "--algo", "ed25519", "--no-passphrase"])
        guard made.status == 0, let fingerprint = made.stdout.split(separator: " ").dropFirst(2).first else {
            throw FixtureError(message: "gpg keygen failed: \(made.stderr)")
        }
        let initialised = try run(["secrets", "init", email])
        guard initialised.status == 0 else { throw FixtureError(message: "secrets init failed: \(initialised.stderr)") }
        return String(fingerprint)
    }

    func insert(_ name: String, _ value: String) throws {
        let result = try run(["secrets", "insert", name], input: value + "\n")
        guard result.status == 0 else { throw FixtureError(message: "secrets insert \(name) failed: \(result.stderr)") }
    }

    /// gpg itself, in this keyring.
    func gpg(_ arguments: [String], input: String? = nil) throws -> Claudesh.Result {
        try Claudesh.runProgram("/usr/bin/gpg", ["--batch"] + arguments, environment: Claudesh.environment(home: home, extra: environment), input: input)
    }

    func stop() {
        _ = try? Claudesh.runProgram("/usr/bin/gpgconf", ["--kill", "gpg-agent"], environment: Claudesh.environment(home: home, extra: environment))
        Claudesh.cleanUp(home)
        Claudesh.cleanUp(gnupgHome)
    }

    /// Every file under `folder` with its contents, to grep for a value.
    static func contents(under folder: String) -> [(String, Data)] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return [] }
        return enumerator.compactMap { item in
            let path = folder + "/" + (item as! String)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { return nil }
            return FileManager.default.contents(atPath: path).map { (path, $0) }
        }
    }

    /// The command lines of every process on the machine.
    static func allCommandLines() -> [(Int32, String)] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.compactMap { pid in
            FileManager.default.contents(atPath: "/proc/\(pid)/cmdline").map { (pid, String(decoding: $0, as: UTF8.self)) }
        }
    }
}
