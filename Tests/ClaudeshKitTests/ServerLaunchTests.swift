import Foundation
import Testing
@testable import ClaudeshKit

struct ServerLaunchTests {
    func definition(_ json: String, name: String = "srv") throws -> ServerDefinition {
        try ServerDefinition(name: name, entry: try JSONParser.parse(json))
    }

    func lookup(_ values: [String: String]) -> (String) -> String? { { values[$0] } }

    func processSpec(_ launch: ServerLaunch) -> ProcessSpec? {
        if case .process(let spec) = launch.target { return spec }
        return nil
    }

    @Test func stdioExpandsCommandArgsAndEnvThroughTheLookup() throws {
        let server = try definition("""
        {"command": "${BIN:-node}", "args": ["${ROOT}/server.js", "--port", "${PORT:-3000}", "plain"],
         "env": {"API_KEY": "${KEY}", "MODE": "prod-${STAGE:-blue}"}}
        """)
        // The lookup is what counts, not the environment the child inherits.
        let launch = try ServerLaunch(server, environment: ["ROOT": "/wrong", "PATH": "/usr/bin"], directory: "/start",
                                      lookup: lookup(["ROOT": "/srv/app", "KEY": "k-123456789"]))
        let spec = try #require(processSpec(launch))
        #expect(spec.executable == "node")
        #expect(spec.arguments == ["/srv/app/server.js", "--port", "3000", "plain"])
        #expect(spec.environment["API_KEY"] == "k-123456789")
        #expect(spec.environment["MODE"] == "prod-blue")
        #expect(spec.directory == "/start")
    }

    @Test func setVariableWinsOverDefaultButEmptyUsesDefault() throws {
        let server = try definition(#"{"command": "${BIN:-node}", "args": ["${A:-x}", "${B:-y}", "${C}"]}"#)
        let launch = try ServerLaunch(server, environment: [:], directory: "/", lookup: lookup(["BIN": "/opt/bin/deno", "A": "set", "B": "", "C": ""]))
        let spec = try #require(processSpec(launch))
        #expect(spec.executable == "/opt/bin/deno")
        #expect(spec.arguments == ["set", "y", ""])
    }

    @Test func entryEnvIsLayeredOnTopOfTheGivenEnvironment() throws {
        let server = try definition(#"{"command": "srv", "env": {"MODE": "prod", "EXTRA": "1"}}"#)
        let launch = try ServerLaunch(server, environment: ["PATH": "/usr/bin", "MODE": "dev", "HOME": "/home/op"], directory: "/", lookup: lookup([:]))
        let spec = try #require(processSpec(launch))
        #expect(spec.environment == ["PATH": "/usr/bin", "MODE": "prod", "HOME": "/home/op", "EXTRA": "1"])
    }

    @Test func cwdKeyIsHonouredAndExpanded() throws {
        let server = try definition(#"{"command": "srv", "cwd": "${ROOT}/work"}"#)
        let launch = try ServerLaunch(server, environment: [:], directory: "/start", lookup: lookup(["ROOT": "/srv/app"]))
        #expect(try #require(processSpec(launch)).directory == "/srv/app/work")

        let plain = try definition(#"{"command": "srv", "cwd": "/var/empty"}"#)
        #expect(try #require(processSpec(try ServerLaunch(plain, environment: [:], directory: "/start", lookup: lookup([:])))).directory == "/var/empty")
    }

    @Test func withoutCwdTheGivenDirectoryIsUsed() throws {
        let server = try definition(#"{"command": "srv"}"#)
        let spec = try #require(processSpec(try ServerLaunch(server, environment: [:], directory: "/given", lookup: lookup([:]))))
        #expect(spec.directory == "/given")
        #expect(spec.arguments == [])
    }

    func failure(_ json: String, lookup values: [String: String] = [:]) throws -> ProbeFailure? {
        let server = try definition(json)
        return #expect(throws: ProbeFailure.self) {
            try ServerLaunch(server, environment: [:], directory: "/", lookup: lookup(values))
        }
    }

    @Test func unsetVariableInArgsNamesVariableAndField() throws {
        let error = try failure(#"{"command": "srv", "args": ["ok", "--token=${MISSING_TOKEN}"]}"#)
        let expected = "args[1]: ${MISSING_TOKEN} is not set and has no default (write ${MISSING_TOKEN:-default}, or set it)"
        #expect(error == .invalidConfig(expected))
        #expect(error?.description == expected)
        #expect(error?.isPermanent == true)
    }

    @Test func unsetVariableInOtherFieldsNamesTheField() throws {
        #expect(try failure(#"{"command": "${NO_BIN}"}"#)?.description.hasPrefix("command: ${NO_BIN} ") == true)
        #expect(try failure(#"{"command": "srv", "env": {"API_KEY": "${NO_KEY}"}}"#)?.description.hasPrefix("env.API_KEY: ${NO_KEY} ") == true)
        #expect(try failure(#"{"command": "srv", "cwd": "${NO_DIR}/x"}"#)?.description.hasPrefix("cwd: ${NO_DIR} ") == true)
        #expect(try failure(#"{"type": "http", "url": "https://${NO_HOST}/mcp"}"#)?.description.hasPrefix("url: ${NO_HOST} ") == true)
        #expect(try failure(#"{"type": "sse", "url": "http://h/sse", "headers": {"Authorization": "Bearer ${NO_TOKEN}"}}"#)?.description.hasPrefix("headers.Authorization: ${NO_TOKEN} ") == true)
    }

    @Test func httpEntryExpandsURLAndHeaders() throws {
        let server = try definition(#"{"type": "http", "url": "https://${HOST:-api.invalid}/mcp", "headers": {"Authorization": "Bearer ${TOKEN}", "X-Team": "core"}}"#)
        let launch = try ServerLaunch(server, environment: [:], directory: "/", lookup: lookup(["TOKEN": "t0ken-abcdef"]))
        guard case .http(let url, let headers) = launch.target else { Issue.record("not http: \(launch.target)"); return }
        #expect(url == "https://api.invalid/mcp")
        #expect(headers.map(\.0) == ["Authorization", "X-Team"])
        #expect(headers.map(\.1) == ["Bearer t0ken-abcdef", "core"])
        #expect(Set(launch.sensitiveValues) == ["Bearer t0ken-abcdef", "core", "t0ken-abcdef"])
    }

    @Test func sseEntryExpandsURLAndHeaders() throws {
        let server = try definition(#"{"type": "sse", "url": "http://127.0.0.1:${PORT}/sse", "headers": {"X-Key": "${KEY}"}}"#)
        let launch = try ServerLaunch(server, environment: [:], directory: "/", lookup: lookup(["PORT": "9123", "KEY": "key-material"]))
        guard case .sse(let url, let headers) = launch.target else { Issue.record("not sse: \(launch.target)"); return }
        #expect(url == "http://127.0.0.1:9123/sse")
        #expect(headers.map(\.0) == ["X-Key"])
        #expect(headers.map(\.1) == ["key-material"])
        // Every value a variable gave is masked, the port too: a guess at what is secret would miss.
        #expect(Set(launch.sensitiveValues) == ["key-material", "9123"])
    }

    @Test func sensitiveValuesAreTheEntrysEnvAndWhatVariablesGaveNotTheInheritedEnvironment() throws {
        let server = try definition(#"{"command": "srv", "args": ["--not-secret-arg", "--key=${ARG_KEY}", "${DATA}"], "env": {"API_KEY": "${KEY}", "REGION": "eu"}}"#)
        let launch = try ServerLaunch(server, environment: ["INHERITED_SECRET": "should-not-be-listed"], directory: "/", lookup: lookup(["KEY": "k-secret-value", "ARG_KEY": "arg-secret-1", "DATA": "/srv/data"]))
        // A path from a variable stays readable in logs.
        #expect(Set(launch.sensitiveValues) == ["k-secret-value", "eu", "arg-secret-1"])
        #expect(!launch.sensitiveValues.contains("${KEY}"))
    }

    @Test func entryWithoutEnvOrHeadersHasNoSensitiveValues() throws {
        let stdio = try ServerLaunch(try definition(#"{"command": "srv"}"#), environment: ["A": "bbbb"], directory: "/", lookup: lookup([:]))
        #expect(stdio.sensitiveValues.isEmpty)
        let http = try ServerLaunch(try definition(#"{"url": "https://h.invalid/mcp"}"#), environment: [:], directory: "/", lookup: lookup([:]))
        #expect(http.sensitiveValues.isEmpty)
        guard case .http(let url, _) = http.target else { Issue.record("a url without a type is http"); return }
        #expect(url == "https://h.invalid/mcp")
    }
}
