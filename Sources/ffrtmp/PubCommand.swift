#if canImport(Glibc)
import Glibc
#endif
import Client
import Support
import Wire

/// `ffrtmp pub`: publishes a message (or several), like `nats pub`.
enum PubCommand: CLICommand {
    static let spec = CommandSpec(
        name: "ffrtmp pub", summary: "Publish a message to a subject",
        usage: "ffrtmp pub [options] <subject> [payload | -]",
        options: [
            ClientCommandOptions.server,
            OptionSpec(["--reply"], value: "SUBJECT", help: "Reply subject to send with the message"),
            OptionSpec(["-H", "--header"], value: "NAME:VALUE", help: "Add a header (repeatable)"),
            OptionSpec(["--count"], value: "N", help: "Publish N messages", default: "1"),
            OptionSpec(["-q", "--quiet"], help: "Print nothing on success"),
        ],
        discussion: """
        The payload is the second argument; `-` reads it from standard input, and none sends an empty
        message. With --count, `{{Count}}` in the payload becomes the message's number (1, 2, …).
        The command returns once the server has processed every message (a PING/PONG round trip).
        Exit status: 0 published, 1 failure (no server, server error), 2 usage error.
        """)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        guard (1...2).contains(arguments.positionals.count) else {
            throw UsageError("expected a subject and an optional payload (see ffrtmp pub --help)")
        }
        let subject = arguments.positionals[0]
        guard let count = try arguments.int("--count"), count >= 1 else {
            throw UsageError("--count must be 1 or more")
        }
        let headers = try headerBlock(arguments.strings("--header"))
        var payload: [UInt8] = []
        if arguments.positionals.count == 2 {
            payload = arguments.positionals[1] == "-" ? try readStandardInput() : Array(arguments.positionals[1].utf8)
        }
        let connection = try ClientCommandOptions.connect(arguments, name: "ffrtmp pub") { $0.allowReconnect = false }
        defer { connection.close() }
        let template = String(decoding: payload, as: UTF8.self)
        let counted = count > 1 && (template.contains("{{Count}}") || template.contains("{{.Count}}"))
        var bytes = 0
        for number in 1...count {
            let body = counted ? Array(substituteCount(template, number).utf8) : payload
            try connection.publish(subject, payload: body, reply: arguments.string("--reply"), headers: headers)
            bytes += body.count
        }
        try connection.flush()
        if !arguments.flag("--quiet") {
            print(count == 1 ? "Published \(bytes) bytes to \"\(subject)\""
                             : "Published \(count) messages (\(bytes) bytes) to \"\(subject)\"")
        }
        return 0
    }

    static func substituteCount(_ template: String, _ number: Int) -> String {
        template.replacing("{{Count}}", with: String(number)).replacing("{{.Count}}", with: String(number))
    }

    /// Headers from repeated `-H Name:Value`; nil when none.
    static func headerBlock(_ lines: [String]) throws -> HeaderBlock? {
        guard !lines.isEmpty else { return nil }
        var block = HeaderBlock()
        for line in lines {
            do {
                try block.append(line: line)
            } catch {
                throw UsageError("--header \"\(line)\": expected NAME:VALUE with a name of printable characters")
            }
        }
        return block
    }

    /// Everything on standard input.
    static func readStandardInput() throws -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if count == 0 { return result }
            if count < 0 {
                if errno == EINTR { continue }
                throw SupportError("cannot read standard input: \(String(cString: strerror(errno)))")
            }
            result += chunk[..<count]
        }
    }
}
