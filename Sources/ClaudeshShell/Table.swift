/// A plain table for terminal output: a header row and columns aligned by display width.
struct Table: Sendable {
    var headers: [String]
    var rows: [[String]]

    init(headers: [String], rows: [[String]]) {
        self.headers = headers
        self.rows = rows
    }

    func render() -> String {
        lines().joined(separator: "\n")
    }

    /// The rendered lines, each without its newline.
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
                line += last ? cell : DisplayWidth.pad(cell, to: widths[index]) + "  "
            }
            lines.append(line)
        }
        return lines
    }
}
