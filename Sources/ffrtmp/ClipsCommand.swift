#if canImport(Glibc)
    import Glibc
#endif
import Client
import CommandKit
import Model
import Support

/// `ffrtmp clips put|get|ls|rm`: the fleet's NATS object store buckets, `clips` (job inputs) by default,
/// laid out as nats.go and nats-py lay them out, so `nats object` reads them too.
enum ClipsCommand: CLICommand {
    static let spec = CommandSpec(
        name: "ffrtmp clips", summary: "Store, fetch, list and remove clips (NATS object store)",
        usage: """
            ffrtmp clips put [--bucket B] [--name NAME] FILE
                   ffrtmp clips get [--bucket B] [-o FILE|-] NAME
                   ffrtmp clips ls [--bucket B] [--json]
                   ffrtmp clips rm [--bucket B] NAME…
            """,
        options: ClientCommandOptions.all + [
            OptionSpec(["--bucket"], value: "BUCKET", help: "The object store bucket", default: "clips"),
            OptionSpec(["--name"], value: "NAME", help: "put: the object's name (default: the file's base name)"),
            OptionSpec(
                ["-o", "--output"], value: "FILE", help: "get: where to write it, - for stdout (default: ./NAME)"),
            OptionSpec(["--max-size"], value: "SIZE", help: "get: refuse larger objects", default: "16GB"),
            OptionSpec(
                ["--max-age"], value: "DURATION", help: "put: a new bucket's retention (default: keep until removed)"),
            OptionSpec(["--timeout"], value: "DURATION", help: "How long to wait for each answer", default: "10s"),
            OptionSpec(["--json"], help: "ls: print one JSON object per object"),
        ],
        discussion: """
            A job reads a clip with "input": {"type": "clip", "name": NAME}: each agent fetches it once,
            checks its SHA-256 and keeps it in its clip cache, and the job's result carries the digest
            (input_digest). Jobs submitted with --keep-output leave their output in the bucket "outputs",
            named by job id: ffrtmp clips get --bucket outputs JOB-ID.
            put makes the bucket (stream OBJ_<bucket>) when it is missing and replaces an object of the same
            name; get writes NAME.partial first and renames it only once the digest matched.
            Names: 1 to 255 of letters, digits and -/_=. (not starting or ending with . or /).
            Exit status: 0 done, 1 failure (not found, digest mismatch, broker error), 2 usage error.

            Examples:
              ffrtmp clips put talk.mp4
              ffrtmp clips ls
              ffrtmp clips get --bucket outputs 01JD8Z3W5K6Q9R2T4V7X8Y0ABC -o out.mkv
              ffrtmp clips rm talk.mp4
            """)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        guard let action = arguments.positionals.first else {
            throw UsageError("expected put, get, ls or rm (see ffrtmp clips --help)")
        }
        let operands = Array(arguments.positionals.dropFirst())
        let bucket = arguments.string("--bucket") ?? "clips"
        guard ObjectStore.isValidBucket(bucket) else {
            throw UsageError(ObjectStoreError.invalidBucket(bucket).description)
        }
        guard let timeout = try arguments.durationNanoseconds("--timeout"), timeout > 0 else {
            throw UsageError("--timeout must be above zero")
        }
        switch action {
        case "put":
            guard operands.count == 1 else { throw UsageError("put takes one FILE (see ffrtmp clips --help)") }
            let name = arguments.string("--name") ?? String(operands[0].split(separator: "/").last ?? "")
            try checkName(name)
            let maxAge = try arguments.durationNanoseconds("--max-age") ?? 0
            guard maxAge >= 0 else { throw UsageError("--max-age must not be negative") }
            return try withBucket(arguments, timeout: timeout) { context in
                let store = try ObjectStore.create(context: context, bucket: bucket, maxAge: .nanoseconds(maxAge))
                let info = try store.put(name, filePath: operands[0])
                print("\(bucket)/\(info.name): \(info.size) bytes in \(info.chunks) chunks, \(info.digest)")
                return 0
            }
        case "get":
            guard operands.count == 1 else { throw UsageError("get takes one NAME (see ffrtmp clips --help)") }
            let name = operands[0]
            try checkName(name)
            let output = arguments.string("--output") ?? String(name.split(separator: "/").last ?? "")
            let maxSize = UInt64(try arguments.byteSize("--max-size") ?? 0)
            return try withBucket(arguments, timeout: timeout) { context in
                let store = try ObjectStore.open(context: context, bucket: bucket)
                if output == "-" {
                    try store.get(name, maxSize: maxSize, timeout: .nanoseconds(timeout)) {
                        (chunk: [UInt8]) throws(ObjectStoreError) in
                        do {
                            try Syscall.writeAll(STDOUT_FILENO, chunk)
                        } catch {
                            throw .io("cannot write to standard output: \(error)")
                        }
                    }
                    return 0
                }
                let info = try store.get(name, toFile: output, maxSize: maxSize, timeout: .nanoseconds(timeout))
                printError("\(bucket)/\(name): \(info.size) bytes written to \(output), \(info.digest) verified\n")
                return 0
            }
        case "ls":
            guard operands.isEmpty else { throw UsageError("ls takes no operands (see ffrtmp clips --help)") }
            return try withBucket(arguments, timeout: timeout) { context in
                let store = try ObjectStore.open(context: context, bucket: bucket)
                let objects = try store.list(timeout: .nanoseconds(timeout))
                if arguments.flag("--json") {
                    for info in objects { print(jsonLine(info)) }
                } else {
                    print(table(objects), terminator: "")
                }
                return 0
            }
        case "rm":
            guard !operands.isEmpty else { throw UsageError("rm takes one or more NAMEs (see ffrtmp clips --help)") }
            for name in operands { try checkName(name) }
            return try withBucket(arguments, timeout: timeout) { context in
                let store = try ObjectStore.open(context: context, bucket: bucket)
                for name in operands {
                    try store.delete(name)
                    print("\(bucket)/\(name): removed")
                }
                return 0
            }
        default:
            throw UsageError("unknown action \"\(action)\": expected put, get, ls or rm")
        }
    }

    private static func checkName(_ name: String) throws {
        if let reason = ClipName.violation(name) { throw UsageError("invalid name \"\(name)\": \(reason)") }
    }

    /// Runs `body` with a JetStream context on a fresh connection, closed afterwards.
    private static func withBucket(
        _ arguments: ParsedArguments, timeout: Int64, _ body: (JetStreamContext) throws -> Int32
    ) throws -> Int32 {
        let connection = try ClientCommandOptions.connect(arguments, name: "ffrtmp clips") { $0.allowReconnect = false }
        defer { connection.close() }
        return try body(JetStreamContext(connection: connection, timeout: .nanoseconds(timeout)))
    }

    /// One object as a JSON line: name, size, chunks, mtime, digest.
    static func jsonLine(_ info: ObjectInfo) -> String {
        var object = JSONObject()
        object.add("name", info.name)
        object.add("bucket", info.bucket)
        object.add("size", Int(clamping: info.size))
        object.add("chunks", info.chunks)
        object.add("mtime", info.mtime)
        object.add("digest", info.digest)
        return object.text
    }

    /// NAME, SIZE (bytes), MODIFIED and DIGEST columns, or a line saying the bucket is empty.
    static func table(_ objects: [ObjectInfo]) -> String {
        guard !objects.isEmpty else { return "no objects\n" }
        let rows =
            [["NAME", "SIZE", "MODIFIED", "DIGEST"]]
            + objects.map { [$0.name, String($0.size), String($0.mtime.prefix(19)), $0.digest] }
        let widths = (0..<4).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, text in
                column == 3 ? text : text + String(repeating: " ", count: widths[column] - text.count + 2)
            }.joined()
        }.joined(separator: "\n") + "\n"
    }
}
