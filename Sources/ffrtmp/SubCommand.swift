#if canImport(Glibc)
    import Glibc
#endif
import CommandKit
import Client
import Support
import Wire

/// `ffrtmp sub`: prints the messages published to a subject, like `nats sub`.
enum SubCommand: CLICommand {
    static let spec = CommandSpec(
        name: "ffrtmp sub", summary: "Print messages published to a subject",
        usage: "ffrtmp sub [options] <subject>",
        options: ClientCommandOptions.all + [
            OptionSpec(["--queue"], value: "GROUP", help: "Join a queue group: each message goes to one member"),
            OptionSpec(["--count"], value: "N", help: "Exit after N messages (0: run until interrupted)", default: "0"),
            OptionSpec(["--raw"], help: "Print only each payload, one per line"),
            OptionSpec(["--json"], help: "Print each message as one JSON object per line"),
        ],
        discussion: """
            The subject may hold wildcards: `*` matches one token, `>` the rest (`evt.job.*.>`).
            Human output shows `[#n] Received on "subject"`, the headers, then the payload. --json prints
            {"subject","reply","status","headers":{name:[values]},"size","data"} (`data_base64` instead of
            `data` for payloads that are not UTF-8). Reconnects if the server restarts.
            Exit status: 0 after N messages (or on interrupt), 1 failure, 2 usage error.
            """)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        guard arguments.positionals.count == 1 else { throw UsageError("expected one subject (see ffrtmp sub --help)") }
        let subject = arguments.positionals[0]
        guard let count = try arguments.int("--count"), count >= 0 else {
            throw UsageError("--count must be 0 or more")
        }
        let style = try MessagePrinter.Style(arguments)
        let connection = try ClientCommandOptions.connect(arguments, name: "ffrtmp sub") {
            $0.maxReconnectAttempts = -1
        }
        defer { connection.close() }
        let subscription = try connection.subscribeSync(subject, queue: arguments.string("--queue"))
        if count > 0 { try subscription.unsubscribe(max: count) }
        try connection.flush()
        if style == .human {
            printError("Subscribed to \"\(subject)\"" + (count > 0 ? " for \(count) messages\n" : "\n"))
        }
        var number = 0
        while count == 0 || number < count {
            let message = try subscription.nextMessage(timeout: nil)
            number += 1
            MessagePrinter.print(message, number: number, style: style)
        }
        return 0
    }
}

/// Writes received messages to standard output in the `sub`/`req` styles.
enum MessagePrinter {
    /// How a message is shown.
    enum Style: Equatable {
        case human, raw, json

        init(_ arguments: ParsedArguments) throws {
            if arguments.flag("--raw") && arguments.flag("--json") {
                throw UsageError("choose --raw or --json, not both")
            }
            self = arguments.flag("--json") ? .json : arguments.flag("--raw") ? .raw : .human
        }
    }

    /// Prints one message; `number` (1-based) heads human output when given.
    static func print(_ message: Message, number: Int?, style: Style) {
        switch style {
        case .raw:
            write(message.payload + [UInt8(ascii: "\n")])
        case .json:
            write(Array((json(message) + "\n").utf8))
        case .human:
            var text = ""
            if let number {
                text += "[#\(number)] Received on \"\(message.subject)\""
                if let reply = message.reply { text += " with reply \"\(reply)\"" }
                text += "\n"
            }
            if let headers = message.headers {
                if let status = headers.status {
                    let description = headers.statusDescription
                    text += "Status: \(status)" + (description.isEmpty ? "" : " " + description) + "\n"
                }
                for field in headers.fields { text += "\(field.name): \(field.value)\n" }
                text += "\n"
            }
            write(Array(text.utf8) + message.payload + Array((number == nil ? "\n" : "\n\n").utf8))
        }
    }

    static func json(_ message: Message) -> String {
        var object = JSONObject()
        object.add("subject", message.subject)
        if let reply = message.reply { object.add("reply", reply) }
        if let status = message.status { object.add("status", status) }
        if let headers = message.headers, !headers.fields.isEmpty {
            var names: [String] = []
            for field in headers.fields where !names.contains(field.name) { names.append(field.name) }
            var fields = JSONObject()
            for name in names {
                let values = headers.fields.filter { $0.name == name }.map { JSONStringLiteral.quoted($0.value) }
                fields.add(name, raw: "[" + values.joined(separator: ",") + "]")
            }
            object.add("headers", raw: fields.text)
        }
        object.add("size", message.payload.count)
        if let text = String(validating: message.payload, as: UTF8.self) {
            object.add("data", text)
        } else {
            object.add("data_base64", Base64.encode(message.payload))
        }
        return object.text
    }

    /// Writes bytes to standard output at once (messages stream; nothing waits in a buffer).
    static func write(_ bytes: [UInt8]) {
        // A closed or failing standard output leaves nowhere to report to: the bytes are dropped.
        try? Syscall.writeAll(1, bytes)
    }
}

/// Standard base64 with padding, for binary payloads in JSON output.
enum Base64 {
    static func encode(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let first = UInt32(bytes[index])
            let second = index + 1 < bytes.count ? UInt32(bytes[index + 1]) : 0
            let third = index + 2 < bytes.count ? UInt32(bytes[index + 2]) : 0
            let triple = first << 16 | second << 8 | third
            output.append(alphabet[Int(triple >> 18 & 63)])
            output.append(alphabet[Int(triple >> 12 & 63)])
            output.append(index + 1 < bytes.count ? alphabet[Int(triple >> 6 & 63)] : UInt8(ascii: "="))
            output.append(index + 2 < bytes.count ? alphabet[Int(triple & 63)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}
