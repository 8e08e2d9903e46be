/// gpg's machine-readable status lines (`--status-fd`), and what they mean for the user.
///
/// gpg's exit code says little (2 for almost everything) and its human messages change between
/// versions and locales; the status keywords are its documented interface (doc/DETAILS).
struct GPGStatus: Sendable, Equatable {
    var keyword: String
    var arguments: [String]

    init(_ keyword: String, _ arguments: [String] = []) {
        self.keyword = keyword
        self.arguments = arguments
    }

    static let prefix = "[GNUPG:] "

    /// The status lines in `text`; other lines (gpg's human messages) are skipped.
    static func parse(_ text: String) -> [GPGStatus] {
        text.split(separator: "\n").compactMap { line in
            guard line.hasPrefix(prefix) else { return nil }
            let words = line.dropFirst(prefix.count).split(separator: " ").map(String.init)
            guard let keyword = words.first else { return nil }
            return GPGStatus(keyword, Array(words.dropFirst()))
        }
    }

    /// gpg's human lines, without the status lines: the last of them explains an unknown failure.
    static func messages(_ text: String) -> [String] {
        text.split(separator: "\n").filter { !$0.hasPrefix(prefix) }.map { String($0) }
    }
}

extension [GPGStatus] {
    func first(_ keyword: String) -> GPGStatus? { first { $0.keyword == keyword } }
    func contains(_ keyword: String) -> Bool { contains { $0.keyword == keyword } }
}

/// A gpg operation that did not do its job, with the reason in words and what to do.
package struct GPGError: Error, CustomStringConvertible, Sendable, Equatable {
    package var description: String

    init(_ description: String) { self.description = description }

    /// The most telling problem among `statuses`, or nil when none of them is one.
    /// `operation` names the job for the message ("decrypt claude/github-token").
    /// `messages` are gpg's human lines: only they tell that the agent could not be reached.
    static func diagnose(_ statuses: [GPGStatus], messages: [String] = [], operation: String) -> GPGError? {
        if let agent = messages.first(where: { $0.contains("can't connect to the agent") || $0.contains("failed to start agent") || $0.contains("no gpg-agent running") }) {
            return GPGError("cannot \(operation): gpg-agent cannot be reached (\(agent.hasPrefix("gpg: ") ? String(agent.dropFirst(5)) : agent)); check that gpg-agent is installed and 'gpgconf --launch gpg-agent' works")
        }
        for status in statuses {
            let first = status.arguments.first ?? "?"
            switch status.keyword {
            case "NO_SECKEY":
                return GPGError("cannot \(operation): the secret key \(first) is not in this keyring (GNUPGHOME); import it with 'gpg --import' or re-encrypt the store with 'secrets init KEY'")
            case "NO_PUBKEY":
                return GPGError("cannot \(operation): no public key \(first); import it with 'gpg --import'")
            case "INV_RECP", "INV_SGNR":
                let name = status.arguments.dropFirst().joined(separator: " ")
                return GPGError("cannot \(operation): the key '\(name)' \(invalidKeyReason(first)); 'gpg status' lists the keys you have")
            case "BAD_PASSPHRASE":
                return GPGError("cannot \(operation): wrong passphrase for key \(first)")
            case "MISSING_PASSPHRASE":
                return GPGError("cannot \(operation): no passphrase was given; unlock the key on a terminal first (GPG_TTY) or use a pinentry that can ask")
            case "KEYEXPIRED", "KEY_EXPIRED":
                return GPGError("cannot \(operation): the key has expired; extend it with 'gpg --quick-set-expire FPR 1y'")
            case "KEYREVOKED":
                return GPGError("cannot \(operation): the key is revoked; make a new one with 'gpg keygen'")
            case "NODATA":
                return GPGError("cannot \(operation): the input is not OpenPGP data")
            default:
                continue
            }
        }
        // No specific keyword: the error code of ERROR/FAILURE lines, then DECRYPTION_FAILED.
        for status in statuses where status.keyword == "ERROR" || status.keyword == "FAILURE" {
            if let code = status.arguments.dropFirst().first.flatMap({ Int($0) }), let reason = errorReason(code & 0xFFFF) {
                return GPGError("cannot \(operation): \(reason)")
            }
        }
        if statuses.contains("DECRYPTION_FAILED") {
            let said = messages.last { $0.hasPrefix("gpg: ") }.map { " (gpg: \($0.dropFirst(5)))" } ?? ""
            return GPGError("cannot \(operation): decryption failed\(said)")
        }
        return nil
    }

    /// INV_RECP's reason codes (doc/DETAILS).
    static func invalidKeyReason(_ code: String) -> String {
        switch code {
        case "1": return "is not in the keyring"
        case "2": return "is ambiguous (more than one key matches: give the fingerprint)"
        case "3": return "cannot encrypt (wrong key usage)"
        case "4": return "is revoked"
        case "5": return "has expired"
        case "9": return "has no secret key here"
        case "10": return "is not trusted (set its trust with 'gpg --edit-key KEY trust')"
        case "13": return "is disabled"
        default: return "cannot be used"
        }
    }

    /// libgpg-error codes worth a sentence of their own.
    static func errorReason(_ code: Int) -> String? {
        switch code {
        case 9: return "the key is not usable here (no public key)"
        case 11: return "wrong passphrase"
        case 17: return "the secret key is not in this keyring (GNUPGHOME); import it with 'gpg --import'"
        case 62: return "gpg timed out waiting for the passphrase"
        case 85: return "no pinentry program to ask the passphrase; install pinentry-curses or unlock the key first"
        case 99: return "the passphrase prompt was cancelled"
        case 269: return "gpg-agent is not running and cannot be started; check 'gpgconf --launch gpg-agent'"
        // A pinentry with no terminal to ask on: a program started by a client, not by a person.
        case 32870: return "the key's passphrase cannot be asked for here (no terminal); unlock the key first, e.g. run 'claudesh secrets show NAME' in a terminal, or set GPG_TTY"
        default: return nil
        }
    }
}
