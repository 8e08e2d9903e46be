/// Words of claudesh's own command language, as scripts and the scheduled jobs write them.
package enum ScriptWord {
    /// `word` as one word of a command line: as it is when it can be, else in single quotes.
    package static func quoted(_ word: String) -> String {
        guard word.isEmpty || word.contains(where: { " \t\"'\\$#".contains($0) }) else { return word }
        return "'" + word.replacing("'", with: "'\\''") + "'"
    }
}
