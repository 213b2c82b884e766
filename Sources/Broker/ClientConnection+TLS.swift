import Net
import Support
import TLS
import Wire

/// TLS for a client connection: reading ciphertext into the session, driving the handshake,
/// decrypting into the normal input path, and encrypting output on the owning loop.
extension ClientConnection {
    /// Reads ciphertext (owner loop), handshakes, then parses the plaintext like any connection.
    func handleReadableTLS(_ tls: ClientTLS) {
        let end = context.loop.readFairly(
            fd, for: self, budget: 8, peerHasClosed: peerHasClosed,
            into: {
                guard !isTornDown && !isReadingPaused else { return nil }
                let cipher = context.cipherBuffer
                cipher.clear()
                return cipher
            },
            received: { cipher, count in
                lastActivity = Clock.monotonicNanoseconds()
                context.counters.bump(context.counters.bytesIn, by: count)
                guard acceptCiphertext(cipher.readableBytes, tls) else { return false }
                context.flushMarked()
                return !isReadingPaused
            })
        readEnded(end)
    }

    /// Feeds one read's ciphertext; false when the connection was closed.
    private func acceptCiphertext(_ bytes: UnsafeRawBufferPointer, _ tls: ClientTLS) -> Bool {
        if tls.phase == .awaitingHello {
            guard bytes.first == ClientTLS.handshakeRecordType else {
                // nats-server answers a plaintext client in plaintext, then closes.
                let line = Array(WireError.secureConnectionRequired.line.utf8)
                line.withUnsafeBytes { _ = Socket.write(fd, $0) }
                tearDown(reason: "plaintext client on a TLS-only port")
                return false
            }
            tls.phase = .handshaking
        }
        do {
            try tls.session.feedIncoming(bytes)
        } catch {
            tearDown(reason: "TLS: \(error)")
            return false
        }
        if tls.phase == .handshaking {
            switch tls.session.handshake() {
            case .needsMoreInput:
                writeCiphertext(tls)
                return !isTornDown
            case .failed(let error):
                writeCiphertext(tls)
                tearDown(reason: "TLS handshake failed: \(error)")
                return false
            case .complete:
                tls.phase = .established
                if tls.session.isPeerVerified, let peer = tls.session.peerCertificate {
                    tls.certificate = ClientCertificateIdentity(commonName: peer.commonName ?? "", role: peer.role)
                }
                logger.debug(
                    "client TLS established",
                    [
                        "cid": id, "protocol": tls.session.protocolVersion, "cipher": tls.session.cipherSuite,
                        "peer": tls.certificate?.commonName ?? "",
                    ])
                if settings.config.tls?.handshakeFirst == true { queueInfo() }
                writeCiphertext(tls)
            }
        }
        return drainPlaintext(tls)
    }

    /// Decrypts everything available into the input buffers and handles the operations.
    func drainPlaintext(_ tls: ClientTLS) -> Bool {
        while !isTornDown && !isReadingPaused {
            let buffer = input.bufferForReading(shared: context.readBuffer)
            let count: Int
            do {
                count = try tls.session.readPlaintext(into: buffer.writableBytes)
            } catch {
                writeCiphertext(tls)
                tearDown(reason: "TLS: \(error)")
                return false
            }
            guard count > 0 else {
                if tls.session.isClosedByPeer {
                    tearDown(reason: "client closed TLS session")
                    return false
                }
                return true
            }
            buffer.commitWritten(count)
            input.readSucceeded(into: buffer)
            process(buffer)
        }
        return !isTornDown
    }

    /// Encrypts pending plaintext and writes ciphertext. Owner loop only.
    func flushOutboundTLS(_ tls: ClientTLS) {
        guard tls.phase == .established else {
            writeCiphertext(tls)
            return
        }
        outboundLock.lock()
        tls.flushScheduled = false
        var failure: String?
        // Encrypt only while the session's own backlog is small, so back-pressure stays in
        // `outbound`, where max_pending is enforced.
        if !outboundClosed && !outbound.isEmpty && tls.session.outgoingByteCount < 1 << 20 {
            do {
                try tls.session.writePlaintext(outbound.readableBytes)
                outbound.clear()
            } catch {
                failure = "TLS: \(error)"
            }
        }
        outboundLock.unlock()
        if let failure {
            closeFromAnyThread(reason: failure)
            return
        }
        writeCiphertext(tls)
        wakePublishersIfCaughtUp()
    }

    /// Writes the session's ciphertext until done or the socket is full.
    func writeCiphertext(_ tls: ClientTLS) {
        outboundLock.lock()
        defer { outboundLock.unlock() }
        guard !outboundClosed else { return }
        var wrote = false
        while tls.session.outgoingByteCount > 0 {
            let result = tls.session.withOutgoingBytes { Socket.write(fd, $0) }
            switch result {
            case .transferred(let count):
                tls.session.consumeOutgoing(count)
                wrote = true
            case .wouldBlock:
                if !writableInterest {
                    context.loop.setWritableInterest(fd, true)
                    writableInterest = true
                }
                if stalledSince == 0 || wrote { stalledSince = Clock.monotonicNanoseconds() }
                return
            case .endOfStream, .failed:
                outboundClosed = true
                context.loop.execute { [self] in tearDown(reason: "write error") }
                return
            }
        }
        stalledSince = 0
    }

    /// Asks the owning loop to flush (other loops never touch the session).
    func scheduleTLSFlush(_ tls: ClientTLS) {
        let schedule = outboundLock.withLock { () -> Bool in
            if tls.flushScheduled || outboundClosed { return false }
            tls.flushScheduled = true
            return true
        }
        if schedule { context.loop.execute { [self] in flushOutboundTLS(tls) } }
    }
}
