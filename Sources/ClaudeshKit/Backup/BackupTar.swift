/// The tar that writes a backup: GNU tar (Linux) or bsdtar (macOS, and Debian's
/// libarchive-tools). They take different flags for the same archive: the manifest first, then
/// every item of the manifest in its order, named by its path relative to the home; links stored
/// as links, hard links as separate files (the manifest lists each as a file); owners do not
/// matter. verify and restore read the stream with claudesh's own `TarReader`, whichever wrote it.
enum BackupTar: Sendable, Equatable {
    case gnu, bsd

    /// Which tar the first line of `tar --version` names ("tar (GNU tar) 1.34",
    /// "bsdtar 3.6.2 - libarchive 3.6.2 ..."); nil for any other.
    static func identify(version text: String) -> BackupTar? {
        let first = text.split(separator: "\n").first ?? ""
        if first.contains("GNU tar") { return .gnu }
        if first.hasPrefix("bsdtar") { return .bsd }
        return nil
    }

    /// The tar on the PATH of `environment`.
    static func find(environment: [String: String]) async throws -> BackupTar {
        let result: ProcessRunner.Result
        do {
            result = try await ProcessRunner.run(ProcessSpec("tar", ["--version"], environment: environment), timeout: .seconds(20))
        } catch ProcessError.commandNotFound {
            throw BackupArchive.Failure("tar is not installed: a backup is written by GNU tar or bsdtar")
        }
        guard let tar = identify(version: result.outputText) else {
            let said = (result.outputText + result.errorText).split(separator: "\n").first.map(String.init) ?? "\(result.termination)"
            throw BackupArchive.Failure("the tar on PATH is neither GNU tar nor bsdtar (tar --version: \(said.clipped(80))): a backup needs one of them")
        }
        return tar
    }

    /// tar's arguments, and the list of members it reads from `list` (which the caller writes
    /// first, from `listBytes`).
    struct Command: Sendable, Equatable {
        var arguments: [String]
        var list: String
        var listBytes: [UInt8]
    }

    /// The command that writes the gzipped archive of `manifestFile` (as the first member, by its
    /// own name) and `items` (relative to `home`) to standard output; its list goes in `scratch`.
    func command(manifestFile: String, items: [BackupManifest.Item], home: String, scratch: String) -> Command {
        switch self {
        case .gnu:
            // The members by name, NUL-separated, without recursion: the manifest says what is in.
            let list = Path.join(scratch, "members")
            return Command(arguments: [
                "--create", "--gzip", "--file=-", "--format=gnu", "--hard-dereference",
                "--directory=\(Path.directory(of: manifestFile))", Path.lastComponent(of: manifestFile),
                "--directory=\(home)", "--no-recursion", "--null", "--files-from=\(list)",
            ], list: list, listBytes: Array(items.map { $0.path }.joined(separator: "\0").utf8))
        case .bsd:
            // bsdtar cannot store a hard link as a file, nor take a NUL-separated list without
            // walking folders, nor name a member other than by the path it reads. An mtree spec
            // read as an archive (`@SPEC`) does all three: each entry names the member, says where
            // its data is (contents=), and nlink=1 keeps hard links apart. Mode, time and size
            // come from the file as bsdtar opens it; the format is bsdtar's default, restricted
            // pax: ustar headers, and a pax header where a name or a time needs one.
            let list = Path.join(scratch, "members.mtree")
            var spec = "#mtree\n"
            spec += Self.mtreeEntry(Path.lastComponent(of: manifestFile), kind: .file, contents: manifestFile)
            for item in items {
                spec += Self.mtreeEntry(item.path, kind: item.kind, contents: Path.join(home, item.path), target: item.target)
            }
            return Command(arguments: ["-c", "-z", "-f", "-", "@" + list], list: list, listBytes: Array(spec.utf8))
        }
    }

    /// One line of an mtree spec. A folder's name ends in `/`, which makes every folder a "full"
    /// path: in mtree, a name without a `/` that is a folder would become the parent of the
    /// entries after it.
    static func mtreeEntry(_ path: String, kind: BackupManifest.Item.Kind, contents: String, target: String? = nil) -> String {
        switch kind {
        case .directory:
            return "\(mtreeEscaped(path))/ type=dir contents=\(mtreeEscaped(contents))\n"
        case .symlink:
            return "\(mtreeEscaped(path)) type=link nlink=1 link=\(mtreeEscaped(target ?? "")) contents=\(mtreeEscaped(contents))\n"
        case .file:
            return "\(mtreeEscaped(path)) type=file nlink=1 contents=\(mtreeEscaped(contents))\n"
        }
    }

    /// `text` as an mtree word: every byte but letters, digits and `/._-+,:@%~` as `\` and three
    /// octal digits, which libarchive's mtree reader decodes (spaces, `#`, `=`, `\`, control
    /// characters and every byte of a UTF-8 sequence included).
    static func mtreeEscaped(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "/"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: ","),
                 UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: "%"), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let octal = String(byte, radix: 8)
                result += "\\" + String(repeating: "0", count: 3 - octal.count) + octal
            }
        }
        return result
    }

    /// Why tar failed, in words for the user.
    func failure(_ result: ProcessRunner.Result) -> String {
        let reason = "tar failed (\(result.termination)): \(BackupArchive.meaningful(result.errorText))"
        // GNU tar's status 1 means "some files differ": one changed or vanished while read.
        return self == .gnu && result.termination == .exited(1) ? reason + "; a file changed while it was read: run backup create again" : reason
    }
}
