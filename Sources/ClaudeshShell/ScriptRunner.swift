#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeshKit

/// Runs `.claudesh` scripts: one command a line, continued lines joined, stop at the first
/// failure with `FILE:LINE: message` and status 3 (psql's ON_ERROR_STOP).
@MainActor
enum ScriptRunner {
    /// A command's lines joined by trailing backslashes: far more than a person writes.
    static let maximumContinuedLines = 1000

    /// How deep `source` may nest before it is taken for a script sourcing itself.
    static let maximumDepth = 64

    /// Runs the script at `path` (relative paths against `folder`) with `arguments` as `$1`...
    static func run(path: String, arguments: [String], relativeTo folder: String, in session: Session) async -> ExitStatus {
        guard session.frames.count < maximumDepth else {
            session.report("source is nested more than \(maximumDepth) deep: does a script source itself?")
            return .scriptStopped
        }
        let absolute = path.hasPrefix("~") ? session.context.environment.absolutePath(path) : Path.normalize(Path.join(folder, path))
        switch Path.kind(of: absolute) {
        case .directory:
            session.report("\(path) is a folder, not a script")
            return .scriptStopped
        case .missing:
            session.report("no script at \(path)")
            return .scriptStopped
        default: break
        }
        let fd = open(absolute, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            session.report(FileError("read", path).description)
            return .scriptStopped
        }
        let source = LineSource(fd: fd, closesOnEnd: true)
        let frame = ScriptFrame(name: displayName(absolute, from: session.context.environment.currentDirectory), directory: Path.directory(of: absolute), arguments: arguments)
        return await run(source, frame: frame, in: session)
    }

    /// Runs the lines of `source` as a script.
    static func run(_ source: LineSource, frame: ScriptFrame, in session: Session) async -> ExitStatus {
        var source = source
        defer { source.closeEarly() }
        session.push(frame)
        defer { session.popFrame() }
        do {
            return try await runLines(of: &source, in: session)
        } catch {
            session.setLine(source.linesRead + 1)
            session.report(error.description)
            return .scriptStopped
        }
    }

    private static func runLines(of source: inout LineSource, in session: Session) async throws(LineSource.LineTooLong) -> ExitStatus {
        var lineNumber = 0
        while true {
            guard let first = try source.next() else { return .success }
            lineNumber += 1
            session.setLine(lineNumber)
            var text: String
            switch decode(first) {
            case .success(let decoded): text = decoded
            case .failure(let problem):
                session.report(problem.description)
                return .scriptStopped
            }
            var continued = 0
            while Tokenizer.needsContinuation(text) {
                // Each check reads the whole command so far: bounded in lines as in bytes, a
                // script of endless backslash lines ends at once instead of after hours.
                continued += 1
                guard continued <= Self.maximumContinuedLines else {
                    session.setLine(lineNumber)
                    session.report("a command continued over more than \(Self.maximumContinuedLines) lines: is this a script?")
                    return .scriptStopped
                }
                guard let more = try source.next() else {
                    session.report("the line ends with a backslash but the script ends")
                    return .scriptStopped
                }
                lineNumber += 1
                switch decode(more) {
                case .success(let decoded):
                    // The joined command is bounded as one line is: a script of endless
                    // backslash lines must not grow without end.
                    guard text.utf8.count + 1 + decoded.utf8.count <= LineSource.maximumLineLength else {
                        session.setLine(lineNumber)
                        session.report(LineSource.LineTooLong().description)
                        return .scriptStopped
                    }
                    text += "\n" + decoded
                case .failure(let problem):
                    session.setLine(lineNumber)
                    session.report(problem.description)
                    return .scriptStopped
                }
            }
            if Interrupts.takePending() {
                session.report("interrupted")
                return .interrupted
            }
            let reportedBefore = session.errorsReported
            let line = text
            let status = await Interrupts.run { await session.execute(line: line) }
            if let exit = session.exitRequest { return exit }
            if let signal = Interrupts.termination { return ExitStatus(rawValue: 128 + signal) }
            guard status.isSuccess else {
                if status == .interrupted || Interrupts.termination != nil { return status }
                if session.errorsReported == reportedBefore {
                    session.report("stopped: the command returned status \(status)")
                }
                return .scriptStopped
            }
        }
    }

    /// A script's path as messages show it: relative to the current folder when inside it.
    static func displayName(_ absolute: String, from folder: String) -> String {
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        return absolute.hasPrefix(prefix) ? String(absolute.dropFirst(prefix.count)) : absolute
    }

    struct DecodeProblem: Error, CustomStringConvertible {
        let description: String
    }

    /// The line as text, or where it stops being text.
    static func decode(_ bytes: [UInt8]) -> Result<String, DecodeProblem> {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var column = 0
        var scalars = String.UnicodeScalarView()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                column += 1
                if scalar == "\0" { return .failure(DecodeProblem(description: "column \(column): binary data (a NUL byte): is this a script?")) }
                scalars.append(scalar)
            case .emptyInput:
                return .success(String(scalars))
            case .error:
                return .failure(DecodeProblem(description: "column \(column + 1): not UTF-8 text: is this a script?"))
            }
        }
    }
}
