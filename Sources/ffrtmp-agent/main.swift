#if canImport(Glibc)
    import Glibc
#endif
import CommandKit
import Support

// `ffrtmp-agent [options]` is `ffrtmp agent [options]` in a binary without the broker, master and
// user commands: what a transcoding node installs.
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "--version" {
    print("ffrtmp-agent \(Version.described)")
    exit(0)
}
exit(CommandRunner.run(AgentCommand.self, arguments: arguments))
