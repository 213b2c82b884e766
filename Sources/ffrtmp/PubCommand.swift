#if canImport(Glibc)
    import Glibc
#endif
import CommandKit
import Client
import Support
import Wire

/// `ffrtmp pub`: publishes a message (or several), like `nats pub`.
enum PubCommand: CLICommand {
    static let spec = CommandSpec(
        name: "ffrtmp pub", summary: "Publish a message to a subject",
        usage: "ffrtmp pub [options] <subject> [payload | -]",
        options: ClientCommandOptions.all + [
            OptionSpec(["--reply"], value: "SUBJECT", help: "Reply subject to send with the message"),
            OptionSpec(["-H", "--header"], value: "NAME:VALUE", help: "Add a header (repeatable)"),
            OptionSpec(["--count"], value: "N", help: "Publish N messages", default: "1"),
            OptionSpec(
                ["--msg-id"], value: "ID",
                help: "Set Nats-Msg-Id: a stream stores a repeated id once (within its duplicate window)"),
            OptionSpec(["--timeout"], value: "DURATION", help: "How long to wait for a stream's ack", default: "5s"),
            OptionSpec(["--no-ack"], help: "Publish plainly even when a stream captures the subject"),
            OptionSpec(["-q", "--quiet"], help: "Print nothing on success"),
        ],
        discussion: """
            The payload is the second argument; `-` reads it from standard input, and none sends an empty
            message. With --count, `{{Count}}` in the payload (and in --msg-id) becomes the message's number.
            When a JetStream stream captures the subject (asked of $JS.API.STREAM.NAMES), each message is
            published with a reply inbox and the stream's ack is awaited: "Published to stream JOBS,
            sequence 7" (or "duplicate of sequence 7" for a repeated --msg-id). A refusal by the stream, or
            no ack within --timeout, fails with the server's text. Without JetStream, with --reply or with
            --no-ack the message is published plainly and the command returns once the server has
            processed it (a PING/PONG round trip).
            Exit status: 0 published, 1 failure (no server, refused, no ack), 2 usage error.
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
        guard let timeout = try arguments.durationNanoseconds("--timeout"), timeout > 0 else {
            throw UsageError("--timeout must be above zero")
        }
        let connection = try ClientCommandOptions.connect(arguments, name: "ffrtmp pub") { $0.allowReconnect = false }
        defer { connection.close() }
        let template = String(decoding: payload, as: UTF8.self)
        let counted = count > 1 && (template.contains("{{Count}}") || template.contains("{{.Count}}"))
        let messages = (1...count).lazy.map { counted ? Array(substituteCount(template, $0).utf8) : payload }
        if !arguments.flag("--no-ack") && arguments.string("--reply") == nil {
            let context = JetStreamContext(connection: connection, timeout: .nanoseconds(timeout))
            if let stream = try streamCapturing(subject, context) {
                let report = try publishToStream(
                    stream, subject, Array(messages), headers: headers,
                    msgID: arguments.string("--msg-id"), context: context,
                    timeoutText: arguments.string("--timeout") ?? "5s")
                if !arguments.flag("--quiet") { print(report) }
                return 0
            }
        }
        var bytes = 0
        let msgID = arguments.string("--msg-id")
        for (index, body) in messages.enumerated() {
            var block = headers
            if let msgID {
                block = try JetStreamContext.headers(headers, msgID: substituteCount(msgID, index + 1))
            }
            try connection.publish(subject, payload: body, reply: arguments.string("--reply"), headers: block)
            bytes += body.count
        }
        try connection.flush()
        if !arguments.flag("--quiet") {
            print(
                count == 1
                    ? "Published \(bytes) bytes to \"\(subject)\""
                    : "Published \(count) messages (\(bytes) bytes) to \"\(subject)\"")
        }
        return 0
    }

    /// The stream capturing `subject`, or nil (no JetStream, no stream, no answer in time: publish
    /// plainly, as before JetStream).
    static func streamCapturing(_ subject: String, _ context: JetStreamContext) throws -> String? {
        do {
            return try context.streamCapturing(subject)
        } catch .timeout {
            printError("ffrtmp pub: no answer from the JetStream API; publishing without waiting for an ack\n")
            return nil
        } catch {
            throw error
        }
    }

    /// Publishes every message with a reply inbox and waits for the stream's acks (all in flight at
    /// once); returns the line to print. A refusal or a missing ack is thrown with the server's text.
    static func publishToStream(
        _ stream: String, _ subject: String, _ messages: [[UInt8]], headers: HeaderBlock?,
        msgID: String?, context: JetStreamContext, timeoutText: String
    ) throws -> String {
        let acks: [PublishAck]
        do {
            acks = try publishWithAcks(subject, messages, headers: headers, msgID: msgID, context: context)
        } catch {
            switch error {
            case .timeout:
                throw SupportError(
                    "no acknowledgement from stream \(stream) within \(timeoutText) (the message may "
                        + "have been stored; re-send with the same --msg-id to have it stored once)")
            case .server(let code, let errCode, let description):
                throw SupportError(
                    "stream \(stream) refused the message: \(description) "
                        + "(code \(code), err_code \(errCode))")
            default:
                throw error
            }
        }
        guard acks.count > 1 else {
            let ack = acks[0]
            return "Published to stream \(ack.stream), " + (ack.duplicate ? "duplicate of sequence " : "sequence ")
                + String(ack.sequence)
        }
        let sequences = acks.map(\.sequence)
        let duplicates = acks.filter(\.duplicate).count
        var text = "Published \(acks.count) messages to stream \(acks[0].stream)"
        if let first = sequences.min(), let last = sequences.max() {
            text += first == last ? ", sequence \(first)" : ", sequences \(first)-\(last)"
        }
        if duplicates > 0 { text += duplicates == acks.count ? " (all duplicates)" : " (\(duplicates) duplicates)" }
        return text
    }

    /// One publish waits for its ack; several are all put in flight, then their acks awaited.
    private static func publishWithAcks(
        _ subject: String, _ messages: [[UInt8]], headers: HeaderBlock?, msgID: String?,
        context: JetStreamContext
    ) throws(JetStreamError) -> [PublishAck] {
        if messages.count == 1 {
            return [try context.publish(subject, payload: messages[0], headers: headers, msgID: msgID, retries: 0)]
        }
        var futures: [PublishFuture] = []
        for (index, body) in messages.enumerated() {
            let id = msgID.map { substituteCount($0, index + 1) }
            futures.append(try context.publishAsync(subject, payload: body, headers: headers, msgID: id))
        }
        try context.waitForPendingAcks()
        var acks: [PublishAck] = []
        for future in futures { acks.append(try future.wait(timeout: .zero)) }
        return acks
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
    /// At most 64 MiB: no broker takes a larger message (max_payload tops out there).
    static func readStandardInput() throws -> [UInt8] {
        do {
            return try FileContents.read(descriptor: 0, path: "standard input", limit: 64 << 20)
        } catch .system(let error) {
            throw SupportError("cannot read standard input: \(error.reason)")
        } catch {
            throw SupportError("\(error)")
        }
    }
}
