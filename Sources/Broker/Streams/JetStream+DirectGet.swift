import FoundationEssentials
import Support
import Wire

/// `$JS.API.DIRECT.GET.<stream>` (body `{"seq":n}`, `{"last_by_subj":…}` or `{"seq":n,"next_by_subj":…}`)
/// and `$JS.API.DIRECT.GET.<stream>.<subject>` (empty body: that subject's newest message), for streams
/// with `allow_direct`. The answer is the message itself, as nats-server sends it: its own headers
/// plus `Nats-Stream`, `Nats-Subject`, `Nats-Sequence` and `Nats-Time-Stamp`, and its payload; or a
/// status: `404 Message Not Found`, `408 Empty Request`, `408 Malformed Request`. A stream that does
/// not exist or does not allow direct gets has no responder (`503` to a client that wants it).
extension JetStream {
    private struct DirectRequest: Decodable {
        var seq: UInt64?
        var last_by_subj: String?
        var next_by_subj: String?
    }

    /// `tokens` follow `$JS.API.DIRECT.GET.`: the stream, then optionally a subject.
    func directGet(_ tokens: ArraySlice<String>, _ request: InboundMessage) {
        guard !request.reply.isEmpty else { return }
        guard let streamName = tokens.first, let stream = streams[streamName], stream.config.allowDirect else {
            if request.publisherWantsNoResponders {
                let header = "NATS/1.0 503\r\nNats-Subject: \(request.subject)\r\n\r\n"
                send(to: request.replyInbox, headers: Array(header.utf8), payload: [])
            }
            return
        }
        var sequence: UInt64?
        if tokens.count > 1 {
            sequence = stream.lastSequence(on: tokens.dropFirst().joined(separator: "."))
        } else {
            guard !request.payload.isEmpty else { return directStatus("408 Empty Request", to: request) }
            guard let body = try? JSONDecoder().decode(DirectRequest.self, from: Data(request.payload)) else {
                return directStatus("408 Malformed Request", to: request)
            }
            if let next = body.next_by_subj {
                let start = max(body.seq ?? 1, 1) - 1
                sequence = stream.storage.nextSequence(
                    after: start, matching: { Subject.matches(pattern: next, subject: $0) })
            } else if let last = body.last_by_subj {
                sequence = stream.lastSequence(matching: last)
            } else {
                sequence = body.seq
            }
        }
        guard let sequence, sequence > 0, let message = try? stream.storage.message(at: sequence) else {
            return directStatus("404 Message Not Found", to: request)
        }
        // The message's own header lines, without the blank line that ends them.
        let endsBlock = message.headers.count >= 12 && message.headers.suffix(4) == Array("\r\n\r\n".utf8)
        var headers = endsBlock ? Array(message.headers.dropLast(2)) : Array("NATS/1.0\r\n".utf8)
        headers += Array(
            ("Nats-Stream: \(stream.name)\r\nNats-Subject: \(message.subject)\r\nNats-Sequence: \(sequence)\r\n"
                + "Nats-Time-Stamp: \(APIResponse.timestamp(message.timestamp))\r\n\r\n").utf8)
        send(to: request.replyInbox, headers: headers, payload: message.payload)
    }

    private func directStatus(_ status: String, to request: InboundMessage) {
        send(to: request.replyInbox, headers: Array("NATS/1.0 \(status)\r\n\r\n".utf8), payload: [])
    }
}
