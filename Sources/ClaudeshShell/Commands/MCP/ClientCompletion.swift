import ClaudeshKit
import Dispatch
import Synchronization

/// TAB from a server's own schema: tool and prompt names, `NAME=` for their arguments, enum
/// values and true/false after `=`, the server's `completion/complete` for prompt arguments,
/// resource URIs. What a server listed is kept for the session; a server that is not
/// connected is started for the TAB and given at most `bound`.
extension Completion {
    static let bound: Duration = .seconds(3)

    static let toolNames = Completion.custom { input in
        live(input) { workspace, server, config in await workspace.toolsForCompletion(server, config: config, within: bound) }??.map { $0.name } ?? []
    }

    /// `timezone=` for the arguments not given yet; after `=`, the values the schema lists.
    static let toolArguments = Completion.custom { input in
        guard input.positionals.count >= 2 else { return [] }
        let name = input.positionals[1]
        let tools = live(input) { workspace, server, config in await workspace.toolsForCompletion(server, config: config, within: bound) } ?? nil
        guard let tool = tools?.first(where: { $0.name == name }) else { return [] }
        if let (argument, _) = assignment(input.partial) {
            guard let parameter = tool.parameter(named: argument) else { return [] }
            let values = parameter.types == ["boolean"] ? ["true", "false"] : (parameter.choices ?? []).map { $0.stringValue ?? $0.serialized() }
            return values.map { "\(argument)=\($0)" }
        }
        return missing(tool.parameters.map { $0.name }, input)
    }

    static let promptNames = Completion.custom { input in
        live(input) { workspace, server, config in await workspace.promptsForCompletion(server, config: config, within: bound) }??.map { $0.name } ?? []
    }

    /// `NAME=` for a prompt's arguments; after `=`, what the server's completion offers.
    static let promptArguments = Completion.custom { input in
        guard input.positionals.count >= 2 else { return [] }
        let name = input.positionals[1]
        if let (argument, prefix) = assignment(input.partial) {
            let values = live(input) { workspace, server, config in
                await workspace.completeArgument(argument, prefix: prefix, reference: ("ref/prompt", "name", name), server: server, config: config, within: bound)
            }
            return (values ?? []).map { "\(argument)=\($0)" }
        }
        let prompts = live(input) { workspace, server, config in await workspace.promptsForCompletion(server, config: config, within: bound) } ?? nil
        guard let prompt = prompts?.first(where: { $0.name == name }) else { return [] }
        return missing(prompt.arguments.map { $0.name }, input)
    }

    /// The resources' URIs, each template's URI up to its first variable, then the values the
    /// server completes that variable with.
    static let resourceURIs = Completion.custom { input in
        let partial = input.partial
        return live(input) { workspace, server, config in
            await workspace.resourceURIsForCompletion(partial, server: server, config: config, within: bound)
        } ?? []
    }

    /// `work` on the server the line names first (with the line's `--config`), waited for on
    /// this thread: TAB is answered from inside the line editor, which cannot await. nil when
    /// the line names no server yet. `work` bounds its own time.
    private static func live<T: Sendable>(_ input: CompletionInput, _ work: @escaping @Sendable (Workspace, String, String?) async -> T) -> T? {
        guard let server = input.positionals.first else { return nil }
        let workspace = Workspace(input.context)
        let config = input.flags["config"]
        return blocking { await work(workspace, server, config) }
    }

    /// `NAME=VALUE` split at its first `=`.
    private static func assignment(_ word: String) -> (name: String, value: String)? {
        guard let equals = word.firstIndex(of: "=") else { return nil }
        return (String(word[..<equals]), String(word[word.index(after: equals)...]))
    }

    /// `NAME=` for each of `names` the line does not give yet.
    private static func missing(_ names: [String], _ input: CompletionInput) -> [String] {
        let given = Set(input.positionals.dropFirst(2).compactMap { assignment($0)?.name })
        return names.filter { !given.contains($0) }.map { $0 + "=" }
    }

    static let connectedServers = Completion.custom { input in
        Workspace(input.context).connectedServers().map { $0.server }.filter { !input.positionals.contains($0) }
    }

    /// Waits on this thread for `work`.
    static func blocking<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
        let result = Mutex<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            let value = await work()
            result.withLock { $0 = value }
            done.signal()
        }
        done.wait()
        return result.withLock { $0! }
    }
}
