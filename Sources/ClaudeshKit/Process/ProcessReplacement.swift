#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CProcess

/// Replaces claudesh with another program (execve), as `claudesh exec` does: the client that
/// started claudesh then holds the program itself, its pid, its pipes and its signals.
package enum ProcessReplacement {
    /// The signals `exec` gives the program back as claudesh got them: claudesh ignores
    /// SIGPIPE and catches others for itself, but a signal its caller ignored (`nohup`) stays
    /// ignored, and the mask is the caller's. Both were recorded before main ran (CProcess).
    /// The standard signals; the real-time ones above belong to the C library.
    static let managed = (1..<32).filter { $0 != SIGKILL && $0 != SIGSTOP }.map { Int32($0) }

    /// The program `spec` names, found on its PATH, or why it cannot be run.
    static func resolve(_ spec: ProcessSpec) throws(ProcessError) -> String {
        try ChildProcess.resolve(spec.executable, in: spec.environment["PATH"] ?? "/usr/bin:/bin")
    }

    /// Does not return unless the program cannot be started. `beforeExec` runs once the
    /// program is found, just before the switch (the shell saves its history there).
    package static func exec(_ spec: ProcessSpec, beforeExec: () -> Void = {}) throws(ProcessError) -> Never {
        let path = try resolve(spec)
        if let directory = spec.directory, chdir(directory) != 0 { throw .spawnFailed(directory, code: errno) }
        beforeExec()
        for signal in managed {
            setDisposition(signal, ignored: cprocess_inherited_ignored(signal) == 1)
        }
        var mask = sigset_t()
        cprocess_inherited_mask(&mask)
        pthread_sigmask(SIG_SETMASK, &mask, nil)
        let argv = ([spec.executable] + spec.arguments).map { strdup($0) } + [nil]
        let envp = spec.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        execve(path, argv, envp)
        let code = errno
        for pointer in argv + envp { free(pointer) }
        throw .spawnFailed(spec.executable, code: code)
    }

    private static func setDisposition(_ signal: Int32, ignored: Bool) {
        #if canImport(Glibc)
        _ = Glibc.signal(signal, ignored ? SIG_IGN : SIG_DFL)
        #else
        _ = Darwin.signal(signal, ignored ? SIG_IGN : SIG_DFL)
        #endif
    }
}
