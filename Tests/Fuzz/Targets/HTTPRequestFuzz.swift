@testable import HTTP
import Net

/// `HTTPRequestParser` fed as a connection feeds it: input arriving a few bytes at a time, parsed
/// after each read, each whole head consumed and given meaning (`HTTPRequest(head:)`: method,
/// Host, Content-Length, target decoding), with small limits. The heads and the status of a refusal
/// must equal those of one parse over the whole input: how the bytes were split must not matter.
///
/// Input: two setting bytes, then the byte stream. Byte 0 gives the read size (1 + its low 6 bits);
/// byte 1 the limits: request line 64 + 8 × its low 4 bits, header section 256 + 64 × the same,
/// header count 1 + its high 4 bits.
enum HTTPRequestFuzz {
    static func run(_ input: UnsafeRawBufferPointer) {
        guard input.count >= 2 else { return }
        let readSize = 1 + Int(input[0] & 0x3F)
        let parser = HTTPRequestParser(
            maxRequestLineBytes: 64 + 8 * Int(input[1] & 0x0F), maxHeaderBytes: 256 + 64 * Int(input[1] & 0x0F),
            maxHeaderCount: 1 + Int(input[1] >> 4))
        let stream = UnsafeRawBufferPointer(rebasing: input[2...])
        let whole = transcript(of: stream, parser: parser, readSize: stream.count)
        let split = transcript(of: stream, parser: parser, readSize: readSize)
        fuzzCheck(whole == split, "reads of \(readSize) bytes changed the requests:\nwhole: \(whole)\nsplit: \(split)")
    }

    /// `HTTPConnection.processInput` after each read of `readSize` bytes, until a refusal.
    static func transcript(
        of stream: UnsafeRawBufferPointer, parser initial: HTTPRequestParser, readSize: Int
    ) -> [String] {
        var parser = initial
        let buffer = ByteBuffer(capacity: 256)
        var transcript: [String] = []
        var position = 0
        while position < stream.count {
            let count = max(1, min(readSize, stream.count - position))
            buffer.append(UnsafeRawBufferPointer(rebasing: stream[position..<position + count]))
            position += count
            parsing: while true {
                switch parser.parse(buffer.readableBytes) {
                case .needMore:
                    break parsing
                case .head(let head, let consumed):
                    fuzzCheck(consumed > 0 && consumed <= buffer.readableCount, "consumed \(consumed)")
                    buffer.consume(consumed)
                    parser.reset()
                    transcript.append(describe(head))
                case .failure(let error):
                    // Which limit a head breaks first may depend on where reads end; the answer may not.
                    transcript.append("refused: \(error.status)")
                    return transcript
                }
            }
        }
        return transcript
    }

    /// The head and what the server makes of it.
    static func describe(_ head: HTTPRequestHead) -> String {
        let headers = head.headers.map { "\($0.name)=\($0.value)" }.joined(separator: "|")
        var text = "\(head.method) \(head.target.debugDescription) \(head.version) [\(headers.debugDescription)]"
        do {
            let request = try HTTPRequest(head: head, remoteAddress: "127.0.0.1:1")
            _ = request.wantsKeepAlive
            text += " -> \(request.path.debugDescription) \(request.queryItems.count) query items"
        } catch {
            text += " -> refused: \(error)"
        }
        return text
    }
}
