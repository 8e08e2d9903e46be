/// A plain table for terminal output: a header row and columns aligned by display width.
struct Table: Sendable {
    var headers: [String]
    var rows: [[String]]
    /// The most columns a line may take: a longer last cell goes on under itself, broken at
    /// spaces (a word longer than the room stays whole). Nil: lines are as long as they are.
    var width: Int?

    init(headers: [String], rows: [[String]], width: Int? = nil) {
        self.headers = headers
        self.rows = rows
        self.width = width
    }

    func render() -> String {
        lines().joined(separator: "\n")
    }

    /// The rendered lines, each without its newline. The last column is not padded, so no line
    /// ends in spaces (a terminal copy, a diff and `grep 'x$'` see what is there).
    func lines() -> [String] {
        let all = headers.isEmpty ? rows : [headers] + rows
        let columns = all.map { $0.count }.max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in all {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], DisplayWidth.of(cell)) }
        }
        var lines: [String] = []
        for row in all {
            var line = ""
            for (index, cell) in row.enumerated() {
                let last = index == row.count - 1
                if !last {
                    line += DisplayWidth.pad(cell, to: widths[index]) + "  "
                    continue
                }
                let indent = DisplayWidth.of(line)
                let pieces = width.map { Self.wrap(cell, to: $0 - indent) } ?? [cell]
                line += pieces[0]
                for piece in pieces.dropFirst() {
                    lines.append(Self.trimmingTrailingSpaces(line))
                    line = String(repeating: " ", count: indent) + piece
                }
            }
            lines.append(Self.trimmingTrailingSpaces(line))
        }
        return lines
    }

    /// `text` in lines of at most `room` columns, broken at spaces only.
    static func wrap(_ text: String, to room: Int) -> [String] {
        guard room > 0, DisplayWidth.of(text) > room else { return [text] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if current.isEmpty {
                current = String(word)
            } else if DisplayWidth.of(current) + 1 + DisplayWidth.of(String(word)) <= room {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        return lines + [current]
    }

    private static func trimmingTrailingSpaces(_ line: String) -> String {
        var line = line
        while line.last == " " { line.removeLast() }
        return line
    }
}
