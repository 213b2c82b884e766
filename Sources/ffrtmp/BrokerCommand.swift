import Support

/// `ffrtmp broker`: runs the NATS-compatible broker (being written).
enum BrokerCommand: CLICommand {
    static let spec = CommandSpec(
        name: "ffrtmp broker", summary: "Run the NATS-compatible message broker",
        usage: "ffrtmp broker [options]", options: [])

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        printError("not yet\n")
        return 1
    }
}
