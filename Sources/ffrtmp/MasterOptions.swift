import CommandKit
import Console
import Support

/// The options `jobs`, `nodes` and `results` share to read the master's HTTP API, and the paging
/// flags.
enum MasterOptions {
    static let all = [
        MasterClient.option,
        MasterClient.tokenFileOption,
        MasterClient.authorityOption,
        MasterClient.certificateOption,
        MasterClient.keyOption,
        OptionSpec(["--timeout"], value: "DURATION", help: "How long to wait for the master's answer", default: "10s"),
        OptionSpec(["--json"], help: "Print the master's JSON answer as it is"),
    ]

    static let paging = [
        OptionSpec(["--limit"], value: "N", help: "At most N rows, 1 to 1000", default: "100"),
        OptionSpec(["--offset"], value: "N", help: "Skip the first N rows"),
    ]

    static func client(_ arguments: ParsedArguments) throws -> MasterClient {
        guard let timeout = try arguments.durationNanoseconds("--timeout"), timeout > 0 else {
            throw UsageError("--timeout must be above zero")
        }
        return try MasterClient(arguments: arguments, timeout: .nanoseconds(timeout))
    }

    /// `limit` and `offset` query parameters, checked.
    static func pagingQuery(_ arguments: ParsedArguments) throws -> [(name: String, value: String?)] {
        let limit = try arguments.int("--limit") ?? 100
        guard (1...1000).contains(limit) else { throw UsageError("--limit must be 1 to 1000") }
        let offset = try arguments.int("--offset")
        if let offset, offset < 0 { throw UsageError("--offset must be 0 or more") }
        return [("limit", String(limit)), ("offset", offset.map(String.init))]
    }

    /// A note for standard error when a page came back full: there may be more.
    static func moreNote(_ count: Int, _ arguments: ParsedArguments, what: String) {
        let limit = (try? arguments.int("--limit")).flatMap { $0 } ?? 100
        guard count >= limit else { return }
        let offset = (try? arguments.int("--offset")).flatMap { $0 } ?? 0
        printError("(the first \(count) \(what) from offset \(offset); --offset \(offset + count) shows more)\n")
    }
}
