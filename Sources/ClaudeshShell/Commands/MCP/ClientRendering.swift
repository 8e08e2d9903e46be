import ClaudeshKit

/// How the client commands show what a server returned: tools as signatures, content as text,
/// files as their paths.
enum ClientRendering {
    static func toolTable(_ tools: [ToolDescription], width: Int?) -> String {
        Table(headers: ["TOOL", "DESCRIPTION", "HINTS"], rows: tools.map { tool in
            let summary = [tool.title, tool.summary].compactMap { $0 }.filter { !$0.isEmpty }
            return [tool.signature, (summary.count == 2 && summary[0] != summary[1] ? "\(summary[0]): \(summary[1])" : summary.first ?? ""), tool.annotations.joined(separator: ", ")]
        }, width: width).render()
    }

    /// `mcp tools SERVER TOOL`: everything the server says of one tool.
    @MainActor
    static func detail(of tool: ToolDescription, _ output: Output) -> String {
        var lines = [output.styled(tool.signature, .bold)]
        if let title = tool.title { lines.append("title: \(title)") }
        if !tool.annotations.isEmpty { lines.append("hints: \(tool.annotations.joined(separator: ", "))") }
        if let description = tool.description, !description.isEmpty { lines += ["", description] }
        if !tool.parameters.isEmpty {
            lines.append("")
            lines.append(Table(headers: ["ARGUMENT", "TYPE", "REQUIRED", "DESCRIPTION"], rows: tool.parameters.map {
                [$0.name, $0.typeText, $0.isRequired ? "yes" : "no", ($0.description ?? "").firstLine]
            }).render())
        }
        lines += ["", "input schema:", tool.inputSchema.serialized(pretty: true)]
        if let schema = tool.outputSchema { lines += ["", "output schema:", schema.serialized(pretty: true)] }
        return lines.joined(separator: "\n")
    }

    static func resourceTable(_ listing: ResourceListing, width: Int?) -> String {
        var rows = listing.resources.map { [$0.uri, $0.name ?? "", $0.mimeType ?? "", ($0.title ?? $0.description ?? "").firstLine] }
        rows += listing.templates.map { [$0.uriTemplate, $0.name ?? "", $0.mimeType ?? "", "template: " + ($0.description ?? "").firstLine] }
        return Table(headers: ["URI", "NAME", "TYPE", "DESCRIPTION"], rows: rows, width: width).render()
    }

    /// Text content as text; structured content as JSON when no text came with it (the spec
    /// asks a server to send its JSON as text too, so both would say it twice); files and
    /// links one line each.
    @MainActor
    static func render(_ items: [ContentItem], structured: JSONValue?, _ output: Output) -> String {
        var lines: [String] = []
        var texts: [String] = []
        for item in items {
            switch item {
            case .text(let text):
                texts.append(text)
                lines.append(text)
            case .file(let kind, let mimeType, let path, let size):
                lines.append(output.styled("\(kind) (\(mimeType), \(Units.size(Int64(size)))) saved to \(path)", .dim))
            case .link(let uri, let name, let mimeType, let description):
                let about = [name, mimeType, description?.firstLine].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
                lines.append("link: \(uri)" + (about.isEmpty ? "" : " (\(about))"))
            case .resource(let uri, let mimeType, let text):
                if items.count > 1 { lines.append(output.styled("\(uri)\(mimeType.map { " (\($0))" } ?? ""):", .dim)) }
                lines.append(text)
            case .other(let value):
                lines.append(value.serialized(pretty: true))
            }
        }
        if let structured, texts.isEmpty {
            lines.append(structured.serialized(pretty: true))
        }
        return lines.joined(separator: "\n")
    }

    /// `3/10 (30%) indexing`: a progress report as a line shows it.
    static func progress(_ progress: MCPClient.Progress) -> String {
        var text = Units.number(progress.progress)
        if let total = progress.total, total > 0 {
            text += "/\(Units.number(total)) (\(Int((progress.progress / total * 100).rounded()))%)"
        }
        if let message = progress.message { text += " \(message.firstLine)" }
        return text
    }

    static func json(_ item: ContentItem) -> JSONValue {
        switch item {
        case .text(let text): return .object([("type", .string("text")), ("text", .string(text))])
        case .file(let kind, let mimeType, let path, let size):
            return .object([("type", .string(kind)), ("mimeType", .string(mimeType)), ("path", .string(path)), ("size", .int(size))])
        case .link(let uri, let name, let mimeType, let description):
            return .object([("type", .string("resource_link")), ("uri", .string(uri)), ("name", name.map(JSONValue.string) ?? .null),
                            ("mimeType", mimeType.map(JSONValue.string) ?? .null), ("description", description.map(JSONValue.string) ?? .null)])
        case .resource(let uri, let mimeType, let text):
            return .object([("type", .string("resource")), ("uri", .string(uri)), ("mimeType", mimeType.map(JSONValue.string) ?? .null), ("text", .string(text))])
        case .other(let value): return value
        }
    }

    static func json(_ listing: ResourceListing) -> JSONValue {
        .object([
            ("resources", .array(listing.resources.map { resource in
                .object([("uri", .string(resource.uri)), ("name", resource.name.map(JSONValue.string) ?? .null),
                         ("mimeType", resource.mimeType.map(JSONValue.string) ?? .null), ("description", resource.description.map(JSONValue.string) ?? .null)])
            })),
            ("templates", .array(listing.templates.map { template in
                .object([("uriTemplate", .string(template.uriTemplate)), ("name", template.name.map(JSONValue.string) ?? .null),
                         ("variables", .array(template.variables.map(JSONValue.string)))])
            })),
        ])
    }

    static func json(_ prompt: PromptDescription) -> JSONValue {
        .object([
            ("name", .string(prompt.name)), ("title", prompt.title.map(JSONValue.string) ?? .null),
            ("description", prompt.description.map(JSONValue.string) ?? .null),
            ("arguments", .array(prompt.arguments.map {
                .object([("name", .string($0.name)), ("required", .bool($0.isRequired)), ("description", $0.description.map(JSONValue.string) ?? .null)])
            })),
        ])
    }
}
