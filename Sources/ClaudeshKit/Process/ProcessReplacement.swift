#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces claudesh with another program (execve), as `claudesh exec` does: the client that
/// started claudesh then holds the program itself, its pid, its pipes and its signals.
public enum ProcessReplacement {
    /// Does not return unless the program cannot be started.
    public static func exec(_ spec: ProcessSpec) throws(ProcessError) -> Never {
        let path = try ChildProcess.resolve(spec.executable, in: spec.environment["PATH"] ?? "/usr/bin:/bin")
        if let directory = spec.directory, chdir(directory) != 0 { throw .spawnFailed(directory, code: errno) }
        // Dispositions set to "ignore" and the signal mask survive exec; the program gets the defaults.
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD, SIGTSTP, SIGTTIN, SIGTTOU] {
            Glibc_signal(signal, SIG_DFL)
        }
        var empty = sigset_t()
        sigemptyset(&empty)
        sigprocmask(SIG_SETMASK, &empty, nil)
        let argv = ([spec.executable] + spec.arguments).map { strdup($0) } + [nil]
        let envp = spec.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        execve(path, argv, envp)
        let code = errno
        for pointer in argv + envp { free(pointer) }
        throw .spawnFailed(spec.executable, code: code)
    }
}

@inline(__always) private func Glibc_signal(_ signal: Int32, _ handler: sighandler_t?) {
    #if canImport(Glibc)
    _ = Glibc.signal(signal, handler)
    #else
    _ = Darwin.signal(signal, handler)
    #endif
}
