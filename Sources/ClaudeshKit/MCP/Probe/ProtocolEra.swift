/// MCP's two eras: `initialize` opens a session (2025-11-25 and before), or every request carries
/// its own version and capabilities (2026-07-28 and after). Servers of both are in use at once.
package enum ProtocolEra: String, Sendable, Equatable {
    case modern, legacy
}

/// Which era a probe speaks: find out as the spec says (`auto`), or insist on one.
package enum ProtocolMode: String, Sendable, Equatable, CaseIterable {
    case auto, modern, legacy

    package init?(word: String) {
        self.init(rawValue: word.lowercased())
    }
}
