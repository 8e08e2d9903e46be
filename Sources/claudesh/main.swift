import ClaudeshShell

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if os(Linux)
// The main thread drains the main queue: no dispatch_main() and its threads (MainThreadLoop).
exit(MainThreadLoop.run { await ClaudeshMain.run(CommandLine.arguments) })
#else
exit(await ClaudeshMain.run(CommandLine.arguments))
#endif
