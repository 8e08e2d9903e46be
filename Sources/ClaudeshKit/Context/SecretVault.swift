import CProcess
import Synchronization

/// The secrets loaded into this session, in memory only.
///
/// One vault per session, shared by reference: the session's redactor reads it at every use, so
/// a secret loaded mid-session is masked from the next byte on, in whatever was made before.
package final class SecretVault: Sendable {
    private struct State {
        var secrets: [String: String] = [:]
        /// The values as bytes, for the redactor: made again only when the vault changes.
        var patterns: [[UInt8]]? = []
    }

    private let state = Mutex(State())

    init() {}

    package var count: Int { state.withLock { $0.secrets.count } }
    var names: [String] { state.withLock { $0.secrets.keys.sorted() } }

    func store(_ value: String, as name: String) { change { $0[name] = value } }
    package func remove(_ name: String) { change { $0[name] = nil } }
    package func removeAll() { change { $0.removeAll() } }
    func value(of name: String) -> String? { state.withLock { $0.secrets[name] } }
    /// Every loaded value.
    var values: [String] { state.withLock { Array($0.secrets.values) } }

    /// Whether `text` contains any loaded value.
    func appears(in text: String) -> Bool {
        values.contains { !$0.isEmpty && text.contains($0) }
    }

    /// The loaded values long enough to mask (see `Redactor`), as bytes.
    var patterns: [[UInt8]] {
        state.withLock { state in
            if let patterns = state.patterns { return patterns }
            let made = Redactor.patterns(state.secrets.values)
            state.patterns = made
            return made
        }
    }

    private func change(_ edit: (inout [String: String]) -> Void) {
        state.withLock { state in
            edit(&state.secrets)
            state.patterns = nil
            cprocess_keep_out_of_core_dumps(state.secrets.isEmpty ? 0 : 1)
        }
    }
}
