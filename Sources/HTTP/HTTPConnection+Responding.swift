import Net
import Support

/// Turning request heads into queued answers: the handler's response, the server's refusals, and
/// the switch to an event stream.
extension HTTPConnection {
    func respond(to head: HTTPRequestHead) {
        let started = Clock.monotonicNanoseconds()
        let request: HTTPRequest
        do {
            request = try HTTPRequest(head: head, remoteAddress: remoteAddress)
        } catch {
            refuse(error, omitBody: head.method == "HEAD")
            return
        }
        let response = server.handler(request)
        let keepAlive = request.wantsKeepAlive && !server.isStopping
        let persistence: HTTPResponseEncoder.Persistence =
            keepAlive ? .keepAlive(announce: request.version.minor == 0) : .close
        var bodyBytes = 0
        switch response.body {
        case .bytes(let body):
            HTTPResponseEncoder.appendResponse(
                status: response.status, headers: response.headers, body: body, omitBody: request.method == .head,
                persistence: persistence, date: context.date(), serverName: configuration.serverName, to: output)
            bodyBytes = request.method == .head ? 0 : body.count
            if !keepAlive { closeAfterFlush = true }
        case .eventStream(let onOpen):
            let streams = request.method == .get
            HTTPResponseEncoder.appendHead(
                status: response.status, headers: response.headers, contentLength: nil,
                persistence: streams ? .close : persistence, date: context.date(),
                serverName: configuration.serverName, to: output)
            if streams {
                openStream(onOpen)
            } else if !keepAlive {
                closeAfterFlush = true
            }
        }
        requestsAnswered += 1
        let now = Clock.monotonicNanoseconds()
        lastActivity = now
        if logger.sink.accepts(.debug) {
            logger.debug(
                "request",
                [
                    "conn": id, "remote": remoteAddress, "method": request.method.rawValue, "path": request.path,
                    "status": response.status.code, "bytes": bodyBytes, "us": (now - started) / 1000,
                ])
        }
    }

    /// Answers a request the server will not serve, and closes after it.
    func refuse(_ error: HTTPRequestError, omitBody: Bool = false) {
        let response = HTTPResponse.error(error.status, error.description)
        guard case .bytes(let body) = response.body else { return }
        HTTPResponseEncoder.appendResponse(
            status: response.status, headers: response.headers, body: body, omitBody: omitBody,
            persistence: .close, date: context.date(), serverName: configuration.serverName, to: output)
        closeAfterFlush = true
        headStartedAt = 0
        logger.warning(
            "request refused",
            ["conn": id, "remote": remoteAddress, "status": error.status.code, "reason": error.description])
    }

    /// Turns the connection into an event stream: the response is delimited by closing, so nothing
    /// after it is parsed; pipelined input is dropped.
    private func openStream(_ onOpen: @Sendable (HTTPEventStream) -> Void) {
        let loop = context.loop
        let stream = HTTPEventStream(
            connectionID: id, remoteAddress: remoteAddress, maxBufferedBytes: configuration.maxEventStreamBufferBytes
        ) { [weak self] request in
            guard let connection = self else { return }
            loop.execute { connection.handleStreamRequest(request) }
        }
        phase = .streaming(stream)
        input.clear()
        nextHeartbeat = Clock.monotonicNanoseconds() + UInt64(configuration.eventStreamHeartbeatInterval)
        logger.debug("event stream opened", ["conn": id, "remote": remoteAddress])
        onOpen(stream)
    }

    /// What an event stream asked for, now on the loop thread.
    private func handleStreamRequest(_ request: HTTPEventStream.Request) {
        guard !isTornDown, case .streaming = phase else { return }
        switch request {
        case .flush:
            flush()
        case .finish:
            closeAfterFlush = true
            flush()
        case .overflow:
            logger.warning(
                "event stream client does not keep up, dropping",
                ["conn": id, "remote": remoteAddress, "max_buffer": configuration.maxEventStreamBufferBytes])
            tearDown(reason: "event stream buffer full")
        }
    }
}
