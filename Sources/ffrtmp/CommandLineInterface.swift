#if canImport(Glibc)
    import Glibc
#endif
import CommandKit
import Support

/// Dispatches `ffrtmp <command> …`, prints help, and maps errors to exit codes 1 and 2.
enum CommandLineInterface {
    /// Every subcommand, in the order `ffrtmp --help` lists them.
    static let commands: [any CLICommand.Type] = [
        UpCommand.self,
        BrokerCommand.self,
        PubCommand.self,
        SubCommand.self,
        ReqCommand.self,
        BenchCommand.self,
        SetupCommand.self,
        CertsCommand.self,
        AgentCommand.self,
        MasterCommand.self,
        SubmitCommand.self,
        WatchCommand.self,
        CancelCommand.self,
        ClipsCommand.self,
        JobsCommand.self,
        NodesCommand.self,
        ResultsCommand.self,
        DoctorCommand.self,
        BackupCommand.self,
        RestoreCommand.self,
        RunsCommand.self,
        ReportCommand.self,
    ]

    static var overview: String {
        var text = """
            ffrtmp: distributed FFmpeg transcoding and power measurement over a NATS-compatible broker.

            Usage: ffrtmp <command> [options]

            Commands:

            """
        let width = (commands.map { $0.spec.name.count }.max() ?? 0) - "ffrtmp ".count + 2
        for command in commands {
            let name = String(command.spec.name.dropFirst("ffrtmp ".count))
            text +=
                "  " + name + String(repeating: " ", count: max(1, width - name.count)) + command.spec.summary + "\n"
        }
        text += "\nRun `ffrtmp <command> --help` for a command's options.\n"
        return text
    }

    static func run(_ arguments: [String]) -> Int32 {
        guard let first = arguments.first else {
            printError(overview)
            return 2
        }
        if first == "-h" || first == "--help" || first == "help" {
            if arguments.count > 1, let command = find(arguments[1]) {
                print(command.spec.helpText, terminator: "")
            } else {
                print(overview, terminator: "")
            }
            return 0
        }
        if first == "--version" || first == "version" {
            print("ffrtmp \(Version.described)")
            return 0
        }
        guard let command = find(first) else {
            printError("ffrtmp: unknown command \"\(first)\"\n\n" + overview)
            return 2
        }
        return CommandRunner.run(command, arguments: Array(arguments.dropFirst()))
    }

    static func find(_ name: String) -> (any CLICommand.Type)? {
        commands.first { $0.spec.name == "ffrtmp " + name }
    }
}
