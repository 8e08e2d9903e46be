// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "claudesh",
    platforms: [.macOS(.v15)], // Synchronization.Mutex
    products: [
        .executable(name: "claudesh", targets: ["claudesh"]),
    ],
    targets: [
        // libyaml from the system (Debian libyaml-dev, Homebrew libyaml): the C parser PyYAML
        // and Ruby use, for compose files. Linked: it costs start-up no measurable time (README,
        // design), and its parser's struct is declared by its header alone.
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        // libedit from the system (Debian libedit2, macOS's own), loaded with dlopen when the prompt
        // opens; histedit.h (libedit-dev) is needed to build. el_set, el_get and history() are
        // variadic, which Swift cannot call: this shim wraps them, holds the async-signal-safe
        // signal handlers, and declares libdispatch's main-queue hooks (MainThreadLoop).
        .target(name: "CEditLine", dependencies: ["CLoader"], linkerSettings: [
            .linkedLibrary("dl", .when(platforms: [.linux])),
            .linkedLibrary("pthread", .when(platforms: [.linux])),
        ]),
        // Every operation, no terminal: returns values, throws errors that say what to do.
        // posix_spawn's chdir action, hidden from Swift on Linux behind _GNU_SOURCE.
        .target(name: "CProcess"),
        // dlopen and dlsym for the shims that load a system library on first use, with the message
        // that says what to install when it cannot be loaded.
        .target(name: "CLoader", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        // SHA-256 for backups from the system's libcrypto (OpenSSL 3), loaded with dlopen on first use.
        .target(name: "CTLS", dependencies: ["CLoader"]),
        // HTTP and TLS for the MCP probes from the system's libcurl, loaded with dlopen on the first
        // request; the variadic curl_easy_setopt and curl_easy_getinfo wrapped in typed functions.
        .target(name: "CCurl", dependencies: ["CLoader"], linkerSettings: [
            .linkedLibrary("dl", .when(platforms: [.linux])),
            .linkedLibrary("pthread", .when(platforms: [.linux])),
        ]),
        // SQLite from the system for the health history, through its C API, not GRDB, which imports
        // Foundation (README, design); loaded with dlopen when the history is first opened, so the
        // commands that do not read it never pay for it. sqlite3.h (libsqlite3-dev) is needed to build.
        .target(name: "CSQLite", dependencies: ["CLoader"]),
        // The gateway's HTTP listener on GNU libmicrohttpd (Debian's libmicrohttpd12), loaded with
        // dlopen when `gateway --listen` starts: a thread per connection, which waits for its
        // answer and sees its client leave. microhttpd.h (libmicrohttpd-dev) is needed to build.
        .target(name: "CMicroHTTPD", dependencies: ["CLoader"], cSettings: [
            .unsafeFlags(["-I/opt/homebrew/include", "-I/usr/local/include"], .when(platforms: [.macOS])),
        ], linkerSettings: [
            .linkedLibrary("dl", .when(platforms: [.linux])),
            .linkedLibrary("pthread", .when(platforms: [.linux])),
        ]),
        .target(name: "ClaudeshKit", dependencies: ["CProcess", "CTLS", "CCurl", "CSQLite", "CYAML", "CMicroHTTPD"]),
        // The REPL, the command registry, completion, scripts, rendering.
        .target(name: "ClaudeshShell", dependencies: ["ClaudeshKit", "CEditLine"]),
        .executableTarget(name: "claudesh", dependencies: ["ClaudeshShell"]),
        // Measures in-process costs that a whole-command timing cannot see (scripts/bench).
        .executableTarget(name: "claudesh-bench", dependencies: ["ClaudeshShell"], path: "Sources/Bench"),
        .testTarget(name: "ClaudeshKitTests", dependencies: ["ClaudeshKit"]),
        .testTarget(name: "ClaudeshShellTests", dependencies: ["ClaudeshShell"]),
        // Drive the built binary in a pseudo-terminal and in real bash, zsh and fish; and the
        // kit's workspace on a real keyring, store and servers.
        .testTarget(name: "IntegrationTests", dependencies: ["claudesh", "ClaudeshKit"]),
    ],
    swiftLanguageModes: [.v6]
)
