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
        guard let server = input.positionals.first else { return [] }
        let workspace = Workspace(input.context)
        let config = input.flags["config"]
        return blocking { await workspace.toolsForCompletion(server, config: config, within: bound) }?.map { $0.name } ?? []
    }

    /// `timezone=` for the arguments not given yet; after `=`, the values the schema lists.
    static let toolArguments = Completion.custom { input in
        guard input.positionals.count >= 2 else { return [] }
        let (server, name) = (input.positionals[0], input.positionals[1])
        let workspace = Workspace(input.context)
        let config = input.flags["config"]
        guard let tool = blocking({ await workspace.toolsForCompletion(server, config: config, within: bound) })?.first(where: { $0.name == name }) else { return [] }
        if let equals = input.partial.firstIndex(of: "=") {
            let argument = String(input.partial[..<equals])
            guard let parameter = tool.parameter(named: argument) else { return [] }
            var values = (parameter.choices ?? []).map { $0.stringValue ?? $0.serialized() }
            if parameter.types == ["boolean"] { values = ["true", "false"] }
            return values.map { "\(argument)=\($0)" }
        }
        let given = Set(input.positionals.dropFirst(2).compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) })
        return tool.parameters.filter { !given.contains($0.name) }.map { $0.name + "=" }
    }

    static let promptNames = Completion.custom { input in
        guard let server = input.positionals.first else { return [] }
        let workspace = Workspace(input.context)
        let config = input.flags["config"]
        return blocking { await workspace.promptsForCompletion(server, config: config, within: bound) }?.map { $0.name } ?? []
    }

    /// `NAME=` for a prompt's arguments; after `=`, what the server's completion offers.
    static let promptArguments = Completion.custom { input in
        guard input.positionals.count >= 2 else { return [] }
        let (server, name) = (input.positionals[0], input.positionals[1])
        let workspace = Workspace(input.context)
        let config = input.flags["config"]
        if let equals = input.partial.firstIndex(of: "=") {
            let argument = String(input.partial[..<equals])
            let prefix = String(input.partial[input.partial.index(after: equals)...])
            return blocking {
                await workspace.completeArgument(argument, prefix: prefix, reference: ("ref/prompt", "name", name), server: server, config: config, within: bound)
            }.map { "\(argument)=\($0)" }
        }
        guard let prompt = blocking({ await workspace.promptsForCompletion(server, config: config, within: bound) })?.first(where: { $0.name == name }) else { return [] }
        let given = Set(input.positionals.dropFirst(2).compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) })
        return prompt.arguments.filter { !given.contains($0.name) }.map { $0.name + "=" }
    }

    /// The resources' URIs, each template's URI up to its first variable, then the values the
    /// server completes that variable with.
    static let resourceURIs = Completion.custom { input in
        guard let server = input.positionals.first else { return [] }
        let workspace = Workspace(input.context)
        let config = input.flags["config"]
        let partial = input.partial
        return blocking { await workspace.resourceURIsForCompletion(partial, server: server, config: config, within: bound) }
    }

    static let connectedServers = Completion.custom { input in
        Workspace(input.context).connectedServers().map { $0.server }.filter { !input.positionals.contains($0) }
    }

    /// Waits on this thread for `work`, which bounds its own time: TAB is answered from inside
    /// the line editor, which cannot await.
    private static func blocking<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
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
