#if canImport(Glibc)
    import Glibc
#endif
import Support

/// A subcommand of `ffrtmp`: its help and argument spec, and what it does.
protocol CLICommand: Sendable {
    static var spec: CommandSpec { get }
    /// Runs with parsed arguments; returns the exit status (0 ok, 1 failure, 2 usage error).
    static func run(_ arguments: ParsedArguments) throws -> Int32
}

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
        JobsCommand.self,
        NodesCommand.self,
        ResultsCommand.self,
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
            print("ffrtmp \(Version.current)")
            return 0
        }
        guard let command = find(first) else {
            printError("ffrtmp: unknown command \"\(first)\"\n\n" + overview)
            return 2
        }
        let parsed: ParsedArguments
        do {
            parsed = try command.spec.parse(Array(arguments.dropFirst()), environment: environment())
        } catch {
            printError("\(command.spec.name): \(error)\n")
            return 2
        }
        if parsed.helpRequested {
            print(command.spec.helpText, terminator: "")
            return 0
        }
        do {
            return try command.run(parsed)
        } catch let error as UsageError {
            printError("\(command.spec.name): \(error.message)\n")
            return 2
        } catch {
            printError("\(command.spec.name): \(error)\n")
            return 1
        }
    }

    static func find(_ name: String) -> (any CLICommand.Type)? {
        commands.first { $0.spec.name == "ffrtmp " + name }
    }

    static func environment() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }
}

/// A usage mistake (bad or missing argument): exit status 2.
struct UsageError: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// Writes to standard error.
func printError(_ text: String) {
    var text = text
    text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}
