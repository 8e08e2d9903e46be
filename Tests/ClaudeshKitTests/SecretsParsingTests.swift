import Foundation
import Testing
@testable import ClaudeshKit

/// The parsing of gpg's output and the argv and entries built for gpg, pass and `claudesh exec`.
struct SecretsParsingTests {
    @Test func statusLinesAreReadAndHumanLinesKeptApart() {
        let text = """
        [GNUPG:] ENC_TO 87A47F0CDD5B7EDC 18 0
        gpg: encrypted with 255-bit ECDH key, ID 87A47F0CDD5B7EDC
        [GNUPG:] NO_SECKEY 87A47F0CDD5B7EDC
        [GNUPG:] DECRYPTION_FAILED
        gpg: decryption failed: No secret key
        """
        let statuses = GPGStatus.parse(text)
        #expect(statuses.map(\.keyword) == ["ENC_TO", "NO_SECKEY", "DECRYPTION_FAILED"])
        #expect(statuses[0].arguments == ["87A47F0CDD5B7EDC", "18", "0"])
        #expect(GPGStatus.messages(text).last == "gpg: decryption failed: No secret key")
    }

    @Test func eachFailureKeywordBecomesAMessageThatSaysWhatToDo() {
        let cases: [([GPGStatus], String)] = [
            ([GPGStatus("ENC_TO", ["ABC"]), GPGStatus("NO_SECKEY", ["ABC"]), GPGStatus("DECRYPTION_FAILED")], "secret key ABC is not in this keyring"),
            ([GPGStatus("NO_PUBKEY", ["DEF"])], "no public key DEF; import it"),
            ([GPGStatus("INV_RECP", ["1", "ops@example.com"]), GPGStatus("FAILURE", ["encrypt", "167772380"])], "'ops@example.com' is not in the keyring"),
            ([GPGStatus("INV_RECP", ["5", "old@example.com"])], "has expired"),
            ([GPGStatus("BAD_PASSPHRASE", ["ABC"])], "wrong passphrase"),
            ([GPGStatus("ERROR", ["pkdecrypt_failed", "83886179"])], "cancelled"),
            ([GPGStatus("DECRYPTION_FAILED")], "decryption failed"),
            ([GPGStatus("NODATA", ["1"])], "not OpenPGP data"),
        ]
        for (statuses, expected) in cases {
            let error = GPGError.diagnose(statuses, operation: "decrypt x")
            #expect(error?.description.contains(expected) == true, "\(statuses): \(error?.description ?? "nil")")
            #expect(error?.description.hasPrefix("cannot decrypt x: ") == true)
        }
        #expect(GPGError.diagnose([GPGStatus("BEGIN_DECRYPTION"), GPGStatus("DECRYPTION_OKAY")], operation: "x") == nil)
        let agent = GPGError.diagnose([GPGStatus("NO_SECKEY", ["ABC"])], messages: ["gpg: can't connect to the agent: IPC connect call failed"], operation: "decrypt x")
        #expect(agent?.description.contains("gpg-agent cannot be reached") == true)
    }

    @Test func colonListingsGiveKeysWithFingerprintUserIDExpiryAndCapabilities() {
        let listing = """
        sec:u:255:22:2DB5C23577C5892C:1795612305:1827148305::u:::scESC:::+::ed25519:::0:
        fpr:::::::::3B4A84CD88B1567BFC2F1FE82DB5C23577C5892C:
        grp:::::::::C2396FDF37A53AF7DEF1D66D28872AC1C1C80244:
        uid:u::::1795612305::45056C6AB5A00168C0A13F94739793092FC93FFB::Ada\\x3a Ops <ada@example.com>::::::::::0:
        ssb:u:255:18:87A47F0CDD5B7EDC:1795612305::::::e:::+::cv25519::
        fpr:::::::::0195B2CFEAEB1439BD10CA6387A47F0CDD5B7EDC:
        sec:e:4096:1:9435D906F24F93DC:1595612305:1695612305::u:::sc:::#:::23::0:
        fpr:::::::::750606B830892B2C46A0020B9435D906F24F93DC:
        uid:e::::1595612305::52B1::Old <old@example.com>::::::::::0:
        sec:u:255:22:1111222233334444:1795612305:::u:::scESC:::#::ed25519:::0:
        fpr:::::::::AAAABBBBCCCCDDDDEEEEFFFF1111222233334444:
        uid:u::::1795612305::1234::Offline <offline@example.com>::::::::::0:
        ssb:u:255:18:5555666677778888:1795612305::::::e:::+::cv25519::
        """
        let keys = GPGKey.parse(colons: listing)
        #expect(keys.count == 3)
        #expect(keys[0].fingerprint == "3B4A84CD88B1567BFC2F1FE82DB5C23577C5892C") // the primary's, not the subkey's
        #expect(keys[0].primaryUserID == "Ada: Ops <ada@example.com>")
        #expect(keys[0].algorithm == "ed25519")
        #expect(keys[0].expires == 1827148305)
        #expect(keys[0].canEncrypt && keys[0].hasSecret)
        #expect(keys[1].algorithm == "rsa4096")
        #expect(keys[1].isExpired && !keys[1].canEncrypt && !keys[1].hasSecret)
        // The primary kept offline, its encryption subkey here: the key still decrypts.
        #expect(keys[2].hasSecret && keys[2].canEncrypt)
    }

    @Test func keyParametersCarryThePassphraseOrNoProtectionAndRefuseWhatGPGWouldMangle() throws {
        let rsa = try GnuPG.keyParameters(name: "Ada", email: "ada@example.com", algorithm: .rsa4096, passphrase: "correct horse")
        #expect(rsa.contains("Key-Type: RSA\nKey-Length: 4096\n"))
        #expect(rsa.contains("Subkey-Length: 4096\n"))
        #expect(rsa.contains("Passphrase: correct horse\n"))
        #expect(rsa.hasSuffix("%commit\n"))
        let ed = try GnuPG.keyParameters(name: "Ada", email: "ada@example.com", algorithm: .ed25519, passphrase: nil)
        #expect(ed.contains("Key-Curve: ed25519\n") && ed.contains("Subkey-Curve: cv25519\n"))
        #expect(ed.contains("%no-protection\n") && !ed.contains("Passphrase"))
        #expect(throws: GPGError.self) { try GnuPG.keyParameters(name: "Ada\nKey-Type: DSA", email: "a@b", algorithm: .rsa4096, passphrase: nil) }
        #expect(throws: GPGError.self) { try GnuPG.keyParameters(name: "Ada", email: "no-at-sign", algorithm: .rsa4096, passphrase: nil) }
        #expect(throws: GPGError.self) { try GnuPG.keyParameters(name: "Ada", email: "a@b", algorithm: .rsa4096, passphrase: " padded ") }
    }

    @Test func gpgMessagesAreAskedForInEnglishKeepingTheCharacterSet() {
        let environment = GnuPG(environment: ["LC_ALL": "de_DE.UTF-8", "LANGUAGE": "de", "HOME": "/h"]).environment
        #expect(environment["LC_ALL"] == nil && environment["LANGUAGE"] == nil)
        #expect(environment["LC_CTYPE"] == "de_DE.UTF-8" && environment["LC_MESSAGES"] == "C")
        #expect(environment["HOME"] == "/h")
    }

    @Test func passGetsStatusLinesBatchModeAndNoNetworkLookupsOnTopOfTheUsersOptions() {
        let store = PasswordStore(environment: Environment(variables: ["HOME": "/h", "PASSWORD_STORE_GPG_OPTS": "--armor"], currentDirectory: "/"))
        #expect(store.directory == "/h/.password-store")
        #expect(store.environment["PASSWORD_STORE_DIR"] == "/h/.password-store")
        #expect(store.environment["PASSWORD_STORE_GPG_OPTS"] == "--armor --batch --status-fd=2 --auto-key-locate=local")
        let chosen = PasswordStore(environment: Environment(variables: ["HOME": "/h", "PASSWORD_STORE_DIR": "secrets"], currentDirectory: "/work"))
        #expect(chosen.directory == "/work/secrets")
    }

    @Test func secretNamesThatPassOrTheShellWouldMisreadAreRefused() {
        for name in ["claude/github-token", "a", "work/ops/db_password"] {
            #expect(throws: Never.self) { try PasswordStore.validate(name) }
        }
        for name in ["", "/abs", "trailing/", "a//b", "../up", "a/../b", ".hidden", "-rf", "a/-f", "tab\tname"] {
            #expect(throws: StoreError.self, "\(name)") { try PasswordStore.validate(name) }
        }
    }

    @Test func aSecretReferenceIsAVariableAndAStoreName() throws {
        let reference = try SecretReference(parsing: "GITHUB_TOKEN=claude/github-token")
        #expect(reference.variable == "GITHUB_TOKEN" && reference.name == "claude/github-token")
        #expect(try SecretReference(parsing: "x-api-key=claude/x").variable == "x-api-key")
        for text in ["GITHUB_TOKEN", "=x", "A B=x", "OK=../x", "OK="] {
            let error = #expect(throws: OperationError.self, "\(text)") { try SecretReference(parsing: text) }
            #expect(error?.description.hasPrefix("--secret ") == true, "\(String(describing: error))")
        }
    }

    @Test func wrappingAnEntryMovesVariablesIntoSecretsAndUnwrappingGivesThemBack() throws {
        let entry: JSONValue = .object([
            ("command", .string("npx")), ("args", .array([.string("-y"), .string("server-github")])),
            ("env", .object([("GITHUB_TOKEN", .string("clear")), ("LOG", .string("debug"))])), ("disabled", .bool(false)),
        ])
        let wrapped = try SecretWrapper.wrap(entry, secrets: [SecretReference(variable: "GITHUB_TOKEN", name: "claude/github-token")],
                                             executable: "/usr/local/bin/claudesh", pinned: [("PASSWORD_STORE_DIR", "/s")])
        #expect(wrapped["command"]?.stringValue == "/usr/local/bin/claudesh")
        #expect(wrapped["args"] == .array(["exec", "--secret", "GITHUB_TOKEN=claude/github-token", "--", "npx", "-y", "server-github"].map(JSONValue.string)))
        #expect(wrapped["env"] == .object([("LOG", .string("debug")), ("PASSWORD_STORE_DIR", .string("/s"))]))
        #expect(wrapped["disabled"] == .bool(false)) // keys claudesh does not know are kept
        // Wrapping again adds to the same wrapper, and a secret for the same variable replaces the old one.
        let again = try SecretWrapper.wrap(wrapped, secrets: [SecretReference(variable: "GITHUB_TOKEN", name: "work/gh"), SecretReference(variable: "B", name: "b")],
                                           executable: "/usr/local/bin/claudesh", pinned: [])
        let definition = try ServerDefinition(name: "github", entry: again)
        #expect(definition.secrets == [SecretReference(variable: "GITHUB_TOKEN", name: "work/gh"), SecretReference(variable: "B", name: "b")])
        #expect(definition.summary == "npx -y server-github")
        #expect(SecretWrapper.unwrap(command: "/bin/claudesh", arguments: ["exec", "--secret=A=x", "-s", "B=y", "--", "srv", "--flag"])
            == SecretWrapper.Wrapped(secrets: [SecretReference(variable: "A", name: "x"), SecretReference(variable: "B", name: "y")], command: "srv", arguments: ["--flag"]))
        #expect(SecretWrapper.unwrap(command: "/bin/other", arguments: ["exec", "--", "srv"]) == nil)
        #expect(throws: StoreError.self) { try SecretWrapper.wrap(.object([("url", .string("https://x"))]), secrets: [], executable: "c", pinned: []) }
    }
}
