#if canImport(Glibc)
    import Glibc
#endif
import Support

exit(CommandLineInterface.run(Array(CommandLine.arguments.dropFirst())))
