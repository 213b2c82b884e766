import Client
import Support

/// Publishes identical PUB frames as fast as the socket takes them: a large chunk of frames is
/// encoded once and written again and again, so the publisher is never what limits the server.
struct BenchPublisher {
    let connection: NATSConnection
    /// `framesPerChunk` copies of one `PUB` frame.
    let chunk: [UInt8]
    let frameSize: Int
    let framesPerChunk: Int

    init(connection: NATSConnection, subject: String, size: Int) {
        self.connection = connection
        let frame =
            Array("PUB \(subject) \(size)\r\n".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: size)
            + Array("\r\n".utf8)
        frameSize = frame.count
        framesPerChunk = max(1, (256 * 1024) / frameSize)
        var chunk: [UInt8] = []
        chunk.reserveCapacity(frameSize * framesPerChunk)
        for _ in 0..<framesPerChunk { chunk += frame }
        self.chunk = chunk
    }

    /// Publishes `total` messages. With a `window`, waits whenever more than `window` messages are
    /// published but not yet `delivered()`, so no subscriber is cut off as a slow consumer.
    func publish(total: Int, window: Int?, delivered: () -> Int) throws {
        var sent = 0
        var lastProgress = Clock.monotonicNanoseconds()
        var lastDelivered = 0
        while sent < total {
            let frames = min(framesPerChunk, total - sent)
            if let window {
                while sent + frames - delivered() > max(window, frames) {
                    let now = delivered()
                    if now != lastDelivered {
                        lastDelivered = now
                        lastProgress = Clock.monotonicNanoseconds()
                    } else if Clock.monotonicNanoseconds() - lastProgress > 10_000_000_000 {
                        throw SupportError("no deliveries for 10 s after \(now) (messages lost?)")
                    }
                    Clock.sleep(seconds: 0.000_02)
                }
            }
            try chunk.withUnsafeBytes { bytes in
                try connection.sendPreEncoded(UnsafeRawBufferPointer(rebasing: bytes[0..<(frames * frameSize)]))
            }
            sent += frames
        }
    }
}
