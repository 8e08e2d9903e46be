/// Where a failed scheduled job is reported: a command that reads the report on stdin, and/or an
/// email sent over SMTP. Set like every setting (`set alert 'mail -s failed ops@example.org'`);
/// `schedule install` carries the ones set into the jobs.
package struct AlertSettings: Sendable, Equatable {
    /// Run with /bin/sh -c, the report on stdin and its subject in CLAUDESH_ALERT_SUBJECT.
    var command = ""
    /// The address the email goes to; empty: no email.
    var email = ""
    var smtpHost = ""
    var smtpPort = 587
    /// STARTTLS required before anything is sent (no: plain SMTP, for a relay on this machine).
    var startTLS = true
    /// The sender; empty: the recipient.
    var from = ""
    var user = ""
    /// The pass entry that holds the SMTP password, decrypted when an email is sent.
    var passwordEntry = ""

    var isConfigured: Bool { !command.isEmpty || !email.isEmpty }

    static let keys: [Settings.Key] = [.alert, .alertEmail, .smtpHost, .smtpPort, .smtpStartTLS, .smtpFrom, .smtpUser, .smtpPassword]

    func value(of key: Settings.Key) -> String {
        switch key {
        case .alert: return command
        case .alertEmail: return email
        case .smtpHost: return smtpHost
        case .smtpPort: return String(smtpPort)
        case .smtpStartTLS: return startTLS ? "yes" : "no"
        case .smtpFrom: return from
        case .smtpUser: return user
        case .smtpPassword: return passwordEntry
        default: return ""
        }
    }

    mutating func set(_ key: Settings.Key, to raw: String) throws(Settings.Error) {
        guard !raw.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw .invalid(key, raw, reason: "contains control characters")
        }
        let trimmed = raw.trimmingWhitespace
        switch key {
        case .alert: command = trimmed
        case .alertEmail, .smtpFrom:
            guard trimmed.isEmpty || (trimmed.contains("@") && !trimmed.contains(where: { " <>,".contains($0) })) else {
                throw .invalid(key, raw, reason: "is not an email address (name@example.org)")
            }
            if key == .alertEmail { email = trimmed } else { from = trimmed }
        case .smtpHost:
            guard !trimmed.contains(where: { " /@".contains($0) }) else { throw .invalid(key, raw, reason: "is not a host name (smtp.example.org)") }
            smtpHost = trimmed
        case .smtpPort:
            guard let port = Int(trimmed), (1...65535).contains(port) else { throw .invalid(key, raw, reason: "is not a port from 1 to 65535") }
            smtpPort = port
        case .smtpStartTLS:
            guard trimmed == "yes" || trimmed == "no" else { throw .invalid(key, raw, reason: "is not yes or no") }
            startTLS = trimmed == "yes"
        case .smtpUser: user = trimmed
        case .smtpPassword: passwordEntry = trimmed
        default: break
        }
    }

    mutating func reset(_ key: Settings.Key) {
        let defaults = AlertSettings()
        try? set(key, to: defaults.value(of: key))
    }
}
