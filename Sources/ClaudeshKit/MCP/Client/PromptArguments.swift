/// `NAME=VALUE` words made into a prompt's arguments (strings, as `prompts/get` takes them),
/// checked against the arguments the prompt lists.
enum PromptArguments {
    static func build(_ words: [String], for prompt: PromptDescription) throws(ClientFailure) -> JSONValue {
        var members: [(String, JSONValue)] = []
        let names = prompt.arguments.map { $0.name }
        let takes = names.isEmpty ? "no arguments" : prompt.arguments.map { $0.name + ($0.isRequired ? "" : "?") }.joined(separator: ", ")
        for word in words {
            guard let equals = word.firstIndex(of: "="), equals != word.startIndex else {
                throw .invalidRequest("\(word.clipped(40)): an argument is NAME=VALUE (\(prompt.name) takes \(takes))")
            }
            let name = String(word[..<equals])
            guard names.contains(name) else {
                let near = Suggestions.hint(for: name, among: names)
                throw .invalidRequest("\(prompt.name) has no argument \(name)\(near); it takes \(takes)")
            }
            members.removeAll { $0.0 == name }
            members.append((name, .string(String(word[word.index(after: equals)...]))))
        }
        for argument in prompt.arguments where argument.isRequired && !members.contains(where: { $0.0 == argument.name }) {
            throw .invalidRequest("\(prompt.name): missing required argument \(argument.name): add \(argument.name)=VALUE")
        }
        return .object(members)
    }
}
