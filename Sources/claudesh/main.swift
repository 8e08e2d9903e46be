import ClaudeshShell

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

exit(await ClaudeshMain.run(CommandLine.arguments))
