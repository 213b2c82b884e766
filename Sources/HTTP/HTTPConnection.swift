import Net
import Support

/// One client connection: reads request heads, answers each in order (keep-alive and pipelining),
/// and may turn into an event stream. Belongs to one loop; every method runs on its thread, and the
/// only way in from elsewhere is an `HTTPEventStream`, which hands its requests over with `execute`.
///
/// `@unchecked Sendable`: loop-confined, as above; streams hold it weakly.
final class HTTPConnection: EventHandler, @unchecked Sendable {
    /// Where the connection is in its life.
    enum Phase {
        /// Parsing requests and queueing their answers in order.
        case reading
        /// Serving Server-Sent Events; input is read only to notice the client leaving.
        case streaming(HTTPEventStream)
        /// The last answer is written and the sending side shut down; input is drained and dropped
        /// until the peer closes or the monotonic time `until`, so the answer is not lost to a reset.
        case lingering(until: UInt64)
    }

    let id: UInt64
    let fd: Int32
    unowned let server: HTTPServer
    let context: HTTPLoopContext
    let remoteAddress: String
    let input = ByteBuffer(capacity: 2048)
    var parser: HTTPRequestParser
    let output = ByteBuffer(capacity: 2048)
    var phase = Phase.reading
    /// The answer that ends the connection is queued: parse nothing more, close once it is written.
    var closeAfterFlush = false
    var isTornDown = false
    /// The peer's hang-up was seen: read on to end of stream even after short reads.
    var peerHasClosed = false
    /// End of stream was read: once the requests already received are answered, the connection closes.
    var inputHasEnded = false
    var writableInterest = false
    /// When a write last left output behind with no progress since (0: not stalled).
    var stalledSince: UInt64 = 0
    /// When queued answers first failed to go out in one write, progress or not (0: all written).
    var unwrittenSince: UInt64 = 0
    /// The last read or answer (monotonic ns): the idle timeout counts from here.
    var lastActivity: UInt64
    /// When the first byte of the request head being read arrived (0: none in progress).
    var headStartedAt: UInt64 = 0
    var nextHeartbeat: UInt64 = 0
    var requestsAnswered = 0
    /// Input dropped since parsing stopped (streaming, closing); a peer that keeps sending is cut off.
    var discardedBytes = 0
    /// Parsing stopped because too much output waits; `flush` resumes it once the output drains.
    var readingPaused = false

    init(id: UInt64, fd: Int32, server: HTTPServer, context: HTTPLoopContext) {
        self.id = id
        self.fd = fd
        self.server = server
        self.context = context
        remoteAddress = Socket.peer(fd)?.description ?? "unknown"
        parser = HTTPRequestParser(configuration: server.configuration)
        lastActivity = Clock.monotonicNanoseconds()
    }

    var configuration: HTTPServerConfiguration { server.configuration }
    var logger: Logger { server.logger }

    /// Whether input is parsed as requests (rather than dropped).
    var isParsing: Bool {
        if case .reading = phase { return !closeAfterFlush }
        return false
    }

    /// Registers with the loop. Loop thread.
    func open() {
        Socket.setNoDelay(fd)
        do {
            try context.loop.register(fd, handler: self)
        } catch {
            logger.warning("cannot watch connection", ["conn": id, "error": error])
            Socket.close(fd)
            server.connectionCount.subtract(1, ordering: .relaxed)
            return
        }
        context.connections[id] = self
        logger.debug("connection opened", ["conn": id, "remote": remoteAddress])
    }

    // MARK: reading

    func handleReadable(peerClosed: Bool) {
        if peerClosed { peerHasClosed = true }
        // Requests left unparsed while output was paused come first.
        if isParsing && !input.isEmpty { processInput() }
        // Whether the current read feeds the parser; otherwise it is discarded.
        var parsing = false
        let end = context.loop.readFairly(
            fd, for: self, budget: 16, peerHasClosed: peerHasClosed,
            into: {
                guard !isTornDown else { return nil }
                parsing = isParsing
                if parsing && output.readableCount >= configuration.maxPendingOutputBytes {
                    readingPaused = true
                    return nil
                }
                let buffer = parsing ? input : context.discardBuffer
                if !parsing { buffer.clear() }
                buffer.reserveWritable(4096)
                return buffer
            },
            received: { _, count in
                lastActivity = Clock.monotonicNanoseconds()
                if parsing {
                    processInput()
                    return true
                }
                discardedBytes += count
                guard discardedBytes <= 1 << 20 else {
                    tearDown(reason: "peer kept sending input the server does not read")
                    return false
                }
                return true
            })
        switch end {
        case .drained, .stopped, .yielded: break
        case .endOfStream: inputEnded()
        case .failed(let error):
            tearDown(reason: "read: \(error)")
            return
        }
        flush()
    }

    func handleWritable() {
        flush()
    }

    /// Answers every whole request head at the front of the input, in order, until a head is
    /// incomplete, the connection must close, or too much output is waiting.
    func processInput() {
        while isParsing && !isTornDown {
            if output.readableCount >= configuration.maxPendingOutputBytes {
                readingPaused = true
                return
            }
            switch parser.parse(input.readableBytes) {
            case .needMore:
                if inputHasEnded {
                    closeAfterFlush = true
                } else if headStartedAt == 0 && parser.hasPartialHead {
                    headStartedAt = Clock.monotonicNanoseconds()
                }
                return
            case .head(let head, let consumed):
                input.consume(consumed)
                parser.reset()
                headStartedAt = 0
                respond(to: head)
            case .failure(let error):
                refuse(error)
                return
            }
        }
    }

    /// The peer sent end of stream (it may still read): requests already received are answered,
    /// then the connection closes; a partial head is dropped.
    private func inputEnded() {
        peerHasClosed = true
        inputHasEnded = true
        guard case .reading = phase else {
            tearDown(reason: "client closed")
            return
        }
        // While paused, unparsed requests wait in the input; `processInput` closes after them.
        if !readingPaused { closeAfterFlush = true }
    }
}
