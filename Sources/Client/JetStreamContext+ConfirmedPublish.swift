import Net
import Wire

/// Publishing that outlasts a leader election or a reconnect.
extension JetStreamContext {
    /// Publishes with `Nats-Msg-Id: msgID` and waits for the stream's ack, trying again while the
    /// stream cannot answer (no responders during a leader election, no ack in time, the connection
    /// down) until `within` passes. The message id makes the re-sends safe: the stream stores the
    /// message once. A refusal by the stream (`.server`: limits, wrong subject…) is thrown at once;
    /// after the window the last failure is thrown (`.streamUnavailable` when the stream exists but
    /// has not answered, `.noStreamResponse` when no stream captures the subject).
    @discardableResult
    public func publishConfirmed(
        _ subject: String, payload: [UInt8], msgID: String, headers: HeaderBlock? = nil, within: Duration,
        tryTimeout: Duration = .seconds(2), retryWait: Duration = .milliseconds(100)
    ) throws(JetStreamError) -> PublishAck {
        let deadline = Deadline.after(within)
        var wait = retryWait
        while true {
            let left = Duration.nanoseconds(Int64(clamping: deadline.remainingNanoseconds))
            do {
                return try publish(
                    subject, payload: payload, headers: headers, msgID: msgID, timeout: min(tryTimeout, left),
                    retries: 0)
            } catch .server(let code, let errCode, let description) {
                throw .server(code: code, errCode: errCode, description: description)
            } catch .connection(.closed) {
                throw .connection(.closed)
            } catch {
                guard !deadline.hasPassed, Deadline.after(wait) <= deadline else {
                    if case .noStreamResponse = error { throw streamAbsence(subject: subject) }
                    throw error
                }
            }
            Self.pause(wait)
            wait = min(wait * 2, .seconds(2))
        }
    }

    /// Why nothing stored a publish to `subject`: `.noStreamResponse` when the server says no stream
    /// captures it (or has no JetStream), `.streamUnavailable` when one does, or the server cannot say
    /// (its meta leader is being elected).
    public func streamAbsence(subject: String) -> JetStreamError {
        do {
            let names = try streamNames(subject: subject)
            guard let name = names.first else { return .noStreamResponse(subject: subject) }
            return .streamUnavailable(name)
        } catch .notEnabled {
            return .noStreamResponse(subject: subject)
        } catch {
            return .streamUnavailable(subject)
        }
    }
}
