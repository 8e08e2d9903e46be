#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An encrypted backup, `claude-backup-YYYYMMDD-HHMMSS.tar.gz.gpg`: a gzipped tar whose first
/// member is the manifest, encrypted with gpg. Plain `gpg -d FILE | tar xzf -` reads it.
package enum BackupArchive {
    package static let prefix = "claude-backup-"
    static let suffix = ".tar.gz.gpg"

    /// The file name for a backup made at `time` (local time, as `date +%Y%m%d-%H%M%S`).
    static func name(at time: Int) -> String {
        var seconds = time_t(time)
        var parts = tm()
        localtime_r(&seconds, &parts)
        func digits(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return prefix + digits(parts.tm_year + 1900, 4) + digits(parts.tm_mon + 1, 2) + digits(parts.tm_mday, 2) + "-"
            + digits(parts.tm_hour, 2) + digits(parts.tm_min, 2) + digits(parts.tm_sec, 2) + suffix
    }

    /// When the backup named `name` was made (its name is local time), seconds since 1970.
    static func time(of name: String) -> Int? {
        guard isBackupName(name) else { return nil }
        let digits = Array(name.dropFirst(prefix.count).prefix(15))
        func number(_ start: Int, _ count: Int) -> Int32 { Int32(String(digits[start..<(start + count)]))! }
        var parts = tm()
        parts.tm_year = number(0, 4) - 1900
        parts.tm_mon = number(4, 2) - 1
        parts.tm_mday = number(6, 2)
        parts.tm_hour = number(9, 2)
        parts.tm_min = number(11, 2)
        parts.tm_sec = number(13, 2)
        parts.tm_isdst = -1
        let seconds = mktime(&parts)
        return seconds == -1 ? nil : Int(seconds)
    }

    /// Whether `name` is a backup's file name: only such files are ever listed, verified or pruned.
    static func isBackupName(_ name: String) -> Bool {
        guard name.hasPrefix(prefix), name.hasSuffix(suffix) else { return false }
        let stamp = Array(name.dropFirst(prefix.count).dropLast(suffix.count).utf8)
        return stamp.count == 15 && stamp[8] == UInt8(ascii: "-")
            && stamp.enumerated().allSatisfy { $0.offset == 8 || (0x30...0x39).contains($0.element) }
    }

    /// The backups in `folder`, oldest first (the names sort by time).
    package static func names(in folder: String) -> [String] {
        Directory.entries(of: folder).map { $0.name }.filter(isBackupName).sorted()
    }

    struct Failure: Error, CustomStringConvertible, Sendable, Equatable {
        var description: String
        init(_ description: String) { self.description = description }
    }

    // MARK: Create

    package struct Created: Sendable, Equatable {
        package var path: String
        package var members: Int
        package var bytes: Int64
    }

    /// Writes the backup of `manifest`'s items into `folder`, encrypted to `recipients`: to a
    /// temp file in the same folder, fsynced and renamed. Any stage that fails (tar with its
    /// gzip, gpg) leaves no file, and the error names the stage.
    /// `progress` hears the bytes written so far, about four times a second, from another task.
    static func create(_ manifest: BackupManifest, set: BackupSet, stamps: [String: BackupSet.Stamp], folder: String, recipients: [String], environment: [String: String],
                              progress: (@Sendable (Int64) -> Void)? = nil) async throws -> Created {
        let home = set.home
        let gnupg = GnuPG(environment: environment)
        let manifestText = Array(manifest.json.serialized(pretty: true).utf8) + [0x0A]
        guard manifestText.count <= maxManifest else { throw Failure("the backup set has too many files: its manifest would pass \(maxManifest >> 20) MiB") }
        try await gnupg.checkRecipients(recipients)
        try FileIO.makeDirectory(folder)
        let final = Path.join(folder, name(at: manifest.created))
        guard Path.kind(of: final) == .missing else { throw Failure("\(final) exists: a backup was made this second; try again") }

        // GNU tar or bsdtar, each with its own flags for the same archive.
        let toolEnvironment = Self.withoutToolOptions(environment)
        let tar = try await BackupTar.find(environment: toolEnvironment)

        // The manifest and the member list, in a private folder that is always removed.
        let scratch = try PrivateFolder()
        defer { scratch.remove() }
        let manifestFile = Path.join(scratch.path, BackupManifest.memberName)
        try AtomicFile.write(manifestText, to: manifestFile, mode: 0o600)
        let command = tar.command(manifestFile: manifestFile, items: manifest.items, home: home, scratch: scratch.path)
        try AtomicFile.write(command.listBytes, to: command.list, mode: 0o600)

        let (partialFD, partial) = try FileIO.temporaryFile(in: folder, named: ".\(prefix)partial-")
        close(partialFD) // gpg writes it by name
        var finished = false
        defer { if !finished { unlink(partial) } }

        let archive = ProcessSpec("tar", command.arguments, environment: toolEnvironment)
        let encrypt = ProcessSpec(gnupg.program, GnuPG.common + ["--yes", "--compress-algo", "none", "--encrypt"] + recipients.flatMap { ["--recipient", $0] } + ["--output", partial], environment: gnupg.environment)
        let (tarChild, gpgChild) = try ChildProcess.startPipeline(archive, encrypt)
        async let tarDone = ProcessRunner.finish(tarChild)
        async let gpgDone = ProcessRunner.finish(gpgChild)
        // The encrypted file's size, read while it grows.
        let watcher = progress.map { report in
            Task {
                while !Task.isCancelled {
                    var info = stat()
                    report(stat(partial, &info) == 0 ? Int64(info.st_size) : 0)
                    try? await Task.sleep(for: .milliseconds(250))
                }
            }
        }
        defer { watcher?.cancel() }
        let (tarResult, gpgResult) = try await (tarDone, gpgDone)

        // gpg first: when it dies (a full disk), tar's broken pipe is only the consequence.
        do {
            try gnupg.require(GnuPG.Reply(result: gpgResult, statuses: GPGStatus.parse(gpgResult.errorText)), "END_ENCRYPTION", operation: "encrypt the backup")
        } catch {
            throw Failure("gpg failed: \(error)")
        }
        if !tarResult.termination.isSuccess { throw Failure(tar.failure(tarResult)) }
        let changed = set.changed(since: stamps)
        guard changed.isEmpty else {
            throw Failure("\(changed.prefix(3).joined(separator: ", "))\(changed.count > 3 ? " and \(changed.count - 3) more" : "") changed while the backup was made: run backup create again")
        }
        let fd = open(partial, O_RDONLY | O_CLOEXEC)
        guard fd >= 0, fsync(fd) == 0 else {
            if fd >= 0 { close(fd) }
            throw FileError("flush", partial)
        }
        var info = stat()
        fstat(fd, &info)
        close(fd)
        guard Int64(info.st_size) > 0 else { throw Failure("gpg wrote an empty file") }
        chmod(partial, 0o600)
        // Linked into place, which fails rather than replace a backup of the same second; where
        // the file system has no hard links (FAT), renamed after the check above.
        if link(partial, final) == 0 {
            unlink(partial)
        } else if errno == EEXIST {
            throw Failure("\(final) exists: a backup was made this second; try again")
        } else {
            guard rename(partial, final) == 0 else { throw FileError("rename the finished backup to", final) }
        }
        finished = true
        FileIO.syncFolder(folder)
        return Created(path: final, members: manifest.items.count, bytes: Int64(info.st_size))
    }

    /// The largest manifest a backup may have (verify reads it into memory).
    static let maxManifest = 64 << 20

    /// The environment for tar and gzip without the variables that change what they do
    /// (GNU tar's TAR_OPTIONS=--remove-files would delete the user's files; bsdtar reads its
    /// reader's and writer's options from TAR_READER_OPTIONS and TAR_WRITER_OPTIONS).
    static func withoutToolOptions(_ environment: [String: String]) -> [String: String] {
        environment.filter { !["TAR_OPTIONS", "TAR_READER_OPTIONS", "TAR_WRITER_OPTIONS", "GZIP", "TAPE"].contains($0.key) }
    }

    /// What a tool said that explains its failure: its lines without the generic last words.
    static func meaningful(_ text: String) -> String {
        let generic = ["Exiting with failure status due to previous errors", "Error is not recoverable: exiting now", "Child returned status", "Error exit delayed from previous errors"]
        let lines = text.split(separator: "\n").map(String.init).filter { line in !line.isEmpty && !generic.contains { line.contains($0) } }
        return lines.isEmpty ? (text.split(separator: "\n").last.map(String.init) ?? "no message") : lines.prefix(3).joined(separator: "; ")
    }

    // MARK: Verify

    package struct Verification: Sendable, Equatable {
        package var path: String
        package var members: Int
        /// Each difference from the manifest; empty when the backup is whole.
        package var problems: [String]
        /// False when the backup could not be read at all (no key, no agent): not a verdict on it.
        package var checked = true
        /// The manifest at the head of the backup, when it could be read.
        var manifest: BackupManifest?
        /// The fingerprint of the key that decrypted it.
        var decryptedWith: String?
        package var isWhole: Bool { problems.isEmpty }
    }

    /// Decrypts and reads the backup as a stream, checking every member against the manifest
    /// (missing, extra, kind, size, mode, SHA-256). Nothing is written to disk.
    /// `progress` hears the bytes of archive read so far, as they come.
    static func verify(_ path: String, environment: [String: String], progress: (@Sendable (Int64) -> Void)? = nil) async throws -> Verification {
        try await read(path, environment: environment, progress: progress, staging: nil)
    }

    /// verify's one pass over the stream; the files `staging` accepts are also written into it as
    /// they go by, so that a restore decrypts once and applies only what verified.
    static func read(_ path: String, environment: [String: String], progress: (@Sendable (Int64) -> Void)?, staging: RestoreStaging?) async throws -> Verification {
        // A backup starts with a public-key packet. Anything else would have gpg ask for a
        // passphrase (a damaged tag reads as symmetric data), on the terminal, for nothing.
        if let problem = try headerProblem(path) { return Verification(path: path, members: 0, problems: [problem]) }
        let gnupg = GnuPG(environment: environment)
        let decrypt = ProcessSpec(gnupg.program, GnuPG.common + ["--decrypt", "--", path], environment: gnupg.environment)
        let gunzip = ProcessSpec("gzip", ["--decompress", "--stdout"], environment: Self.withoutToolOptions(environment))
        let (gpgChild, gzipChild) = try ChildProcess.startPipeline(decrypt, gunzip)
        gzipChild.closeInput()
        gpgChild.closeInput()
        async let gpgDone = ProcessRunner.finish(gpgChild)
        var check = StreamCheck()
        check.staging = staging
        var streamError: String?
        var read: Int64 = 0
        progress?(0)
        for await chunk in gzipChild.output where streamError == nil {
            do { try check.feed(chunk) } catch { streamError = "\(error)" }
            read += Int64(chunk.count)
            progress?(read)
        }
        let gzipResult = try await ProcessRunner.finish(gzipChild)
        let gpgResult = try await gpgDone
        let statuses = GPGStatus.parse(gpgResult.errorText)
        let gzipProblem = gzipResult.termination.isSuccess ? nil : "the compressed stream is damaged: " + Self.meaningful(gzipResult.errorText)
        if !gpgResult.termination.isSuccess || !statuses.contains("DECRYPTION_OKAY") {
            // No key, no agent, no passphrase: the backup was not read, which says nothing of it.
            // A claudesh backup is always encrypted to a key: data that asks for a symmetric
            // passphrase is a damaged packet header, not a locked backup.
            let symmetric = statuses.contains("NEED_PASSPHRASE_SYM")
            let unreadable = !symmetric && (statuses.contains("NO_SECKEY") && !statuses.contains("DECRYPTION_OKAY") || statuses.contains("MISSING_PASSPHRASE") || statuses.contains("BAD_PASSPHRASE")
                || GPGStatus.messages(gpgResult.errorText).contains { $0.contains("agent") })
            if symmetric {
                return Verification(path: path, members: check.members, problems: ["the encryption header is damaged: it asks for a passphrase, and a backup is always encrypted to a key"], manifest: check.parsedManifest)
            }
            do {
                try gnupg.require(GnuPG.Reply(result: gpgResult, statuses: statuses), "DECRYPTION_OKAY", operation: "decrypt \(Path.lastComponent(of: path))")
            } catch {
                // gpg's broken pipe is gzip's refusal seen from upstream: report gzip's reason.
                let problem = gpgResult.errorText.contains("Broken pipe") ? gzipProblem ?? "\(error)" : "\(error)"
                return Verification(path: path, members: check.members, problems: [problem], checked: !unreadable, manifest: check.parsedManifest)
            }
        }
        var problems: [String] = []
        if let gzipProblem { problems.append(gzipProblem) }
        if let streamError { problems.append("the archive is damaged: \(streamError)") }
        problems += streamError == nil ? check.problemsAtEnd : check.problems
        if let failure = staging?.failure { throw failure }
        // DECRYPTION_KEY: the subkey's fingerprint, then its primary key's.
        let key = statuses.first { $0.keyword == "DECRYPTION_KEY" }.flatMap { $0.arguments.dropFirst().first ?? $0.arguments.first }
        return Verification(path: path, members: check.members, problems: problems, manifest: check.parsedManifest, decryptedWith: key)
    }

    /// Why the file cannot be a backup, judged by its first OpenPGP packet: gpg writes a
    /// public-key encrypted session key (tag 1) first, in either header format.
    static func headerProblem(_ path: String) throws -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError("read", path) }
        defer { close(fd) }
        var first: UInt8 = 0
        guard systemRead(fd, &first, 1) == 1 else { return "the file is empty" }
        let tag = first & 0x80 == 0 ? nil : first & 0x40 != 0 ? first & 0x3F : (first >> 2) & 0x0F
        return tag == 1 ? nil : "the encryption header is damaged: the file does not start with the key packet every backup starts with"
    }

    /// Compares a tar stream with the manifest at its head, as it goes by.
    struct StreamCheck {
        var reader = TarReader()
        var manifest: [String: BackupManifest.Item]?
        var parsedManifest: BackupManifest?
        var manifestBytes: [UInt8] = []
        var seen = Set<String>()
        var current: (entry: TarReader.Entry, item: BackupManifest.Item?)?
        var hasher = SHA256()
        var problems: [String] = []
        var members = 0
        /// Where a restore writes the members it takes (files only: links and folders are made
        /// from the manifest).
        var staging: RestoreStaging?

        mutating func feed(_ bytes: [UInt8]) throws {
            var events: [TarReader.Event] = []
            try reader.feed(bytes) { events.append($0) }
            for event in events { try handle(event) }
        }

        mutating func handle(_ event: TarReader.Event) throws {
            switch event {
            case .entry(let entry):
                if manifest == nil {
                    guard entry.path == BackupManifest.memberName else { throw TarReader.Error("the first member is not the manifest") }
                    current = (entry, nil)
                    return
                }
                members += 1
                let problemsBefore = problems.count
                let path = entry.path.hasSuffix("/") ? String(entry.path.dropLast()) : entry.path
                if path.hasPrefix("/") || path.split(separator: "/").contains("..") { problems.append("unsafe member name: \(path)") }
                let duplicate = !seen.insert(path).inserted
                if duplicate { problems.append("duplicate: \(path) is in the archive twice") }
                let item = manifest?[path]
                if item == nil { problems.append("extra: \(path) is not in the manifest") }
                if let item {
                    let kind: BackupManifest.Item.Kind? = entry.kind == .file ? .file : entry.kind == .directory ? .directory : entry.kind == .symlink ? .symlink : nil
                    if kind != item.kind { problems.append("kind: \(path) is a \(kind?.rawValue ?? "special file") in the archive, a \(item.kind.rawValue) in the manifest") }
                    if item.kind == .file && entry.size != item.size { problems.append("size: \(path) has \(entry.size) bytes, the manifest says \(item.size)") }
                    if entry.mode & 0o7777 != item.mode { problems.append("mode: \(path) is \(String(entry.mode & 0o7777, radix: 8)), the manifest says \(String(item.mode, radix: 8))") }
                    if item.kind == .symlink && entry.linkTarget != item.target { problems.append("link: \(path) points elsewhere than the manifest says") }
                }
                current = (entry, item)
                hasher = SHA256()
                // Only a member that matches its manifest entry is staged: a header that claims
                // more than the manifest (a few KiB of gzip inflating to gigabytes) writes
                // nothing, and the restore is refused at the end for the problem recorded here.
                if let item, problems.count == problemsBefore { staging?.begin(entry, item: item) }
            case .content(let piece):
                if manifest == nil {
                    manifestBytes.append(contentsOf: piece)
                    guard manifestBytes.count <= BackupArchive.maxManifest else { throw TarReader.Error("the manifest is larger than \(BackupArchive.maxManifest >> 20) MiB") }
                } else {
                    hasher.update(piece)
                    staging?.write(piece)
                }
            case .end:
                if manifest == nil {
                    let parsed = try BackupManifest(parsing: manifestBytes)
                    var items: [String: BackupManifest.Item] = [:]
                    for item in parsed.items where items.updateValue(item, forKey: item.path) != nil {
                        throw TarReader.Error("the manifest lists \(item.path) twice")
                    }
                    manifest = items
                    parsedManifest = parsed
                    staging?.start(parsed)
                    return
                }
                if let (entry, item) = current, let item, item.kind == .file, entry.kind == .file {
                    let digest = hasher.finalize()
                    if digest != item.sha256 { problems.append("content: \(item.path) differs from the manifest (SHA-256)") }
                }
                staging?.end()
                current = nil
            }
        }
    }
}

extension BackupArchive.StreamCheck {
    /// The problems once the stream is over, the missing members added.
    var problemsAtEnd: [String] {
        var result = problems
        if manifest == nil { result.append("no manifest: this is not a claudesh backup, or it is cut short") }
        if !reader.isComplete { result.append("the archive ends in the middle of a member (cut short)") }
        for path in (manifest?.keys.sorted() ?? []) where !seen.contains(path) { result.append("missing: \(path)") }
        return result
    }
}

/// A folder only this user can enter, removed with everything in it.
struct PrivateFolder: Sendable {
    let path: String

    /// In `base` (TMPDIR by default), named `prefix` and six random characters.
    init(in base: String = ProcessEnvironment.temporaryDirectory, prefix: String = "claudesh.") throws(FileError) {
        var template = Array(Path.join(base, prefix + "XXXXXX").utf8CString)
        guard mkdtemp(&template) != nil else { throw FileError("create a private folder in", base) }
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        chmod(path, 0o700)
    }

    func remove() { Directory.removeTree(path) }
}

enum ProcessEnvironment {
    /// TMPDIR, else /tmp.
    static var temporaryDirectory: String {
        getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    }
}
