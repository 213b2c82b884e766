import CommandKit
import Client
import Support
import Wire

/// `ffrtmp req`: sends a request and prints the reply, like `nats req`.
enum ReqCommand: CLICommand {
    static let spec = CommandSpec(
        name: "ffrtmp req", summary: "Send a request and print the reply",
        usage: "ffrtmp req [options] <subject> [payload | -]",
        options: ClientCommandOptions.all + [
            OptionSpec(["--timeout"], value: "DURATION", help: "How long to wait for the reply", default: "2s"),
            OptionSpec(["-H", "--header"], value: "NAME:VALUE", help: "Add a header (repeatable)"),
            OptionSpec(["--raw"], help: "Print only the reply payload"),
            OptionSpec(["--json"], help: "Print the reply as one JSON object"),
        ],
        discussion: """
            The payload is the second argument; `-` reads it from standard input, none sends an empty one.
            The reply's headers (if any) are printed before its payload. When nobody subscribes to the
            subject the server says so at once: "no responders are available for subject X".
            Exit status: 0 reply printed, 1 no responders, timeout or other failure, 2 usage error.
            """)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        guard (1...2).contains(arguments.positionals.count) else {
            throw UsageError("expected a subject and an optional payload (see ffrtmp req --help)")
        }
        let subject = arguments.positionals[0]
        let style = try MessagePrinter.Style(arguments)
        guard let timeout = try arguments.durationNanoseconds("--timeout"), timeout > 0 else {
            throw UsageError("--timeout must be above zero")
        }
        let headers = try PubCommand.headerBlock(arguments.strings("--header"))
        var payload: [UInt8] = []
        if arguments.positionals.count == 2 {
            payload =
                arguments.positionals[1] == "-"
                ? try PubCommand.readStandardInput()
                : Array(arguments.positionals[1].utf8)
        }
        let connection = try ClientCommandOptions.connect(arguments, name: "ffrtmp req") { $0.allowReconnect = false }
        defer { connection.close() }
        let outcome = Result { () throws(ClientError) -> Message in
            try connection.request(subject, payload: payload, headers: headers, timeout: .nanoseconds(timeout))
        }
        switch outcome {
        case .success(let reply):
            MessagePrinter.print(reply, number: nil, style: style)
        case .failure(.timeout):
            throw SupportError("no reply on \"\(subject)\" within \(arguments.string("--timeout") ?? "2s")")
        case .failure(let error):
            throw error
        }
        return 0
    }
}
