/// A value given to a server's environment in clear that looks like a secret: `mcp add --env`
/// writes it as asked, and the shell says at once where it could live instead.
package struct ClearTextSecret: Sendable, Equatable {
    package var variable: String
    /// What it looks like ("GitHub token", "high-entropy value"), never the value.
    package var kind: String
    /// The store name `secrets audit --fix` would move it to: `claude/SERVER/VARIABLE`.
    package var secretName: String

    /// The secret-looking values among `environment`, judged as `secrets audit` judges a
    /// config's env: by the value's shape, and under a token-like name by its randomness too.
    package static func find(server: String, environment: [(String, String)]) -> [ClearTextSecret] {
        environment.compactMap { variable, value in
            let place: SecretDetector.Place = SecretDetector.isTokenLikeKey(variable) ? .tokenName : .setting
            guard let kind = SecretDetector.classify(value, place: place) else { return nil }
            return ClearTextSecret(variable: variable, kind: kind, secretName: AuditFix.secretName(server: server, variable: variable))
        }
    }
}
