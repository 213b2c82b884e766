@testable import Broker
import Net
import Wire

/// `ClientOpParser` fed as the broker feeds it: reads of a few bytes into a small shared buffer,
/// `ClientInput` keeping split frames, parse / handle / consume until the input runs out or a
/// protocol error ends it, with small `maxControlLine` and `maxPayload`. Every op is handled the
/// way `ClientConnection` looks at it (subjects checked, header blocks parsed, CONNECT JSON
/// applied). The ops seen must equal those of one parse over the whole input: splitting a stream
/// at any byte must not change what it means.
///
/// Input: three setting bytes, then the client's byte stream. Byte 0 gives `maxControlLine`
/// (16 + its low 7 bits), byte 1 `maxPayload` (4 × its value), byte 2 the read size (1 + its low
/// 5 bits) and the shared buffer's capacity (32 << its bits 5–6).
enum ClientOpFuzz {
    static func run(_ input: UnsafeRawBufferPointer) {
        guard input.count >= 3 else { return }
        let parser = ClientOpParser(maxControlLine: 16 + Int(input[0] & 0x7F), maxPayload: 4 * Int(input[1]))
        let readSize = 1 + Int(input[2] & 0x1F)
        let sharedCapacity = 32 << Int((input[2] >> 5) & 3)
        let stream = UnsafeRawBufferPointer(rebasing: input[3...])
        let whole = transcriptOfWholeInput(stream, parser: parser)
        let split = transcriptOfReads(stream, parser: parser, readSize: readSize, sharedCapacity: sharedCapacity)
        fuzzCheck(
            whole == split,
            "reads of \(readSize) bytes changed the ops:\nwhole: \(whole)\nsplit: \(split)")
    }

    /// One parse loop over the whole stream in one buffer.
    static func transcriptOfWholeInput(_ stream: UnsafeRawBufferPointer, parser: ClientOpParser) -> [String] {
        var transcript: [String] = []
        var position = 0
        while position < stream.count {
            let rest = UnsafeRawBufferPointer(rebasing: stream[position...])
            switch parser.parse(rest) {
            case .operation(let operation, let consumed):
                fuzzCheck(consumed > 0 && consumed <= rest.count, "consumed \(consumed) of \(rest.count)")
                transcript.append(handle(operation, within: rest))
                position += consumed
            case .needMore(let minimumTotal):
                fuzzCheck(minimumTotal == 0 || minimumTotal > rest.count, "needs \(minimumTotal) with \(rest.count)")
                return transcript
            case .failure(let error):
                transcript.append("failure \(error)")
                return transcript
            }
        }
        return transcript
    }

    /// The broker's read loop (`ClientConnection.handleReadable` and `process`) over `readSize`-byte
    /// reads.
    static func transcriptOfReads(
        _ stream: UnsafeRawBufferPointer, parser: ClientOpParser, readSize: Int, sharedCapacity: Int
    ) -> [String] {
        let shared = ByteBuffer(capacity: sharedCapacity)
        var clientInput = ClientInput()
        var transcript: [String] = []
        var position = 0
        while position < stream.count {
            let buffer = clientInput.bufferForReading(shared: shared)
            let space = buffer.writableBytes
            fuzzCheck(!space.isEmpty, "no room to read into")
            let count = min(readSize, space.count, stream.count - position)
            space.copyMemory(from: UnsafeRawBufferPointer(rebasing: stream[position..<position + count]))
            position += count
            buffer.commitWritten(count)
            clientInput.readSucceeded(into: buffer)
            guard clientInput.isWorthParsing(buffer) else { continue }
            if !process(buffer, input: &clientInput, parser: parser, into: &transcript) { return transcript }
        }
        // The input ended with a frame waiting for its announced size. The broker would parse it once
        // more bytes come; the whole-input parse may already have refused it (a payload not followed
        // by CRLF), so parse what waits once more.
        if let pending = clientInput.pending, !pending.isEmpty {
            _ = process(pending, input: &clientInput, parser: parser, into: &transcript)
        }
        return transcript
    }

    /// `ClientConnection.process`: parses and handles whole ops from the front of `buffer`, keeps a
    /// split frame; false when a protocol error ended the connection.
    static func process(
        _ buffer: ByteBuffer, input: inout ClientInput, parser: ClientOpParser, into transcript: inout [String]
    ) -> Bool {
        while !buffer.isEmpty {
            let readable = buffer.readableBytes
            switch parser.parse(readable) {
            case .operation(let operation, let consumed):
                transcript.append(handle(operation, within: readable))
                buffer.consume(consumed)
            case .needMore(let minimumTotal):
                input.keepRest(of: buffer, needed: minimumTotal)
                return true
            case .failure(let error):
                transcript.append("failure \(error)")
                return false
            }
        }
        input.parsedAll(of: buffer)
        return true
    }

    /// Looks at an op as the connection does and describes it; the views must lie inside `input`.
    static func handle(_ operation: ClientOp, within input: UnsafeRawBufferPointer) -> String {
        func text(_ view: UnsafeRawBufferPointer) -> String {
            if let base = view.baseAddress, let start = input.baseAddress {
                fuzzCheck(base >= start && base + view.count <= start + input.count, "a view outside the input")
            }
            return String(decoding: view, as: UTF8.self).debugDescription
        }
        switch operation {
        case .publish(let frame):
            fuzzCheck(frame.headerLength <= frame.message.count, "header length above the message size")
            _ = Subject.isValidPublish(frame.subject)
            _ = ClientConnection.hasEmptyToken(frame.subject)
            if frame.hasHeaders {
                _ = try? HeaderBlock.parse(UnsafeRawBufferPointer(rebasing: frame.message[..<frame.headerLength]))
            }
            return "PUB \(text(frame.subject)) \(text(frame.reply)) \(frame.headerLength) \(text(frame.message))"
        case .subscribe(let subject, let queue, let sid):
            _ = Subject.isValidSubscribe(subject)
            return "SUB \(text(subject)) \(queue.map(text) ?? "-") \(text(sid))"
        case .unsubscribe(let sid, let maximum):
            return "UNSUB \(text(sid)) \(maximum.map(String.init) ?? "-")"
        case .connect(let json):
            var options = ConnectOptions()
            try? options.apply(json: json)
            return "CONNECT \(text(json))"
        case .error(let message):
            return "-ERR \(text(message))"
        case .ping: return "PING"
        case .pong: return "PONG"
        case .ignored: return "ignored"
        }
    }
}
