/// `ENV=NAME`: the store's secret NAME, given to a program as the variable ENV.
package struct SecretReference: Sendable, Equatable, CustomStringConvertible {
    package var variable: String
    package var name: String

    init(variable: String, name: String) {
        self.variable = variable
        self.name = name
    }

    /// `--secret ENV=NAME`; anything else is a usage error that names the flag.
    package init(parsing text: String) throws(OperationError) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw .usage("--secret needs ENV=SECRET (e.g. GITHUB_TOKEN=claude/github-token), got '\(text.clipped(40))'")
        }
        variable = String(text[..<equals])
        name = String(text[text.index(after: equals)...])
        // Any name a program's environment can hold (`x-api-key` too, as client configs have),
        // not only a shell variable's.
        guard !variable.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else {
            throw .usage("--secret needs ENV=SECRET with ENV an environment variable name (no spaces or control characters), got '\(variable.clipped(40))'")
        }
        do throws(StoreError) { try PasswordStore.validate(name) } catch { throw .usage("--secret \(variable)=SECRET: \(error)") }
    }

    package var description: String { "\(variable)=\(name)" }
}

/// The entry that starts a server through `claudesh exec`, so that the client's config holds
/// secret names and never their values.
package enum SecretWrapper {
    /// The wrapped command line: `exec --secret ENV=NAME... -- COMMAND ARGS...`.
    static func arguments(secrets: [SecretReference], command: String, arguments: [String]) -> [String] {
        ["exec"] + secrets.flatMap { ["--secret", $0.description] } + ["--", command] + arguments
    }

    package struct Wrapped: Sendable, Equatable {
        package var secrets: [SecretReference]
        package var command: String
        package var arguments: [String]
    }

    /// The secrets and the real command of a wrapped entry; nil for any other command.
    package static func unwrap(command: String, arguments: [String]) -> Wrapped? {
        guard Path.lastComponent(of: command) == "claudesh", arguments.first == "exec" else { return nil }
        var secrets: [SecretReference] = []
        var rest = arguments.dropFirst()
        while let word = rest.first, word != "--" {
            rest = rest.dropFirst()
            let value: String
            if word == "--secret" || word == "-s", let next = rest.first {
                value = next
                rest = rest.dropFirst()
            } else if word.hasPrefix("--secret=") {
                value = String(word.dropFirst("--secret=".count))
            } else {
                return nil
            }
            guard let reference = try? SecretReference(parsing: value) else { return nil }
            secrets.append(reference)
        }
        rest = rest.dropFirst() // the --
        guard let inner = rest.first else { return nil }
        return Wrapped(secrets: secrets, command: inner, arguments: Array(rest.dropFirst()))
    }
}

extension SecretWrapper {
    /// `entry` (a stdio entry) made to start through `claudesh exec` with `secrets` added (a
    /// secret replaces one of the same variable) and those variables gone from its env.
    /// `pinned` are variables the client must see to find the same store and keyring.
    static func wrap(_ entry: JSONValue, secrets added: [SecretReference], executable: String, pinned: [(String, String)]) throws(StoreError) -> JSONValue {
        guard let command = entry["command"]?.stringValue else { throw .failed("only a stdio server (one with a command) can be given secrets") }
        let arguments = (entry["args"].flatMap { value -> [String]? in
            if case .array(let items) = value { return items.compactMap({ $0.stringValue }) }
            return nil
        }) ?? []
        var inner = Wrapped(secrets: [], command: command, arguments: arguments)
        if let wrapped = unwrap(command: command, arguments: arguments) { inner = wrapped }
        let variables = Set(added.map { $0.variable })
        let secrets = inner.secrets.filter { !variables.contains($0.variable) } + added
        var environment: [(String, JSONValue)] = []
        if case .object(let members)? = entry["env"] { environment = members.filter { !variables.contains($0.0) } }
        for (key, value) in pinned where !environment.contains(where: { $0.0 == key }) { environment.append((key, .string(value))) }
        return entry
            .setting("command", to: .string(executable))
            .setting("args", to: .array(Self.arguments(secrets: secrets, command: inner.command, arguments: inner.arguments).map(JSONValue.string)))
            .setting("env", to: environment.isEmpty ? nil : .object(environment))
    }
}

extension PasswordStore {
    /// What a client must have in a server's env to find this store and keyring when they are
    /// not in their default places (the client does not share the shell's environment).
    static func pinnedVariables(_ environment: Environment) -> [(String, String)] {
        ["PASSWORD_STORE_DIR", "GNUPGHOME"].compactMap { name in
            environment.variables[name].flatMap { $0.isEmpty ? nil : (name, environment.absolutePath($0)) }
        }
    }
}
