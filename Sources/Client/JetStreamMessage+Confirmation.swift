import Net
import Support
/// Settling a message and waiting until the server confirms it recorded the settlement (nats.go's
/// `AckSync`, "double ack"). A fire-and-forget `+ACK` is lost when it reaches no consumer leader
/// (a leader election in a cluster, a reconnect): the message is then delivered again after its ack
/// wait, and a job runs twice. Here the settlement goes out with a reply subject; the server answers
/// with an empty message once the settlement is stored (ffrtmp's broker after its fsync, nats-server
/// after its Raft commit). Without an answer it is sent again until `within` passes: settling the
/// same delivery twice is harmless, the server records the first and confirms both.
extension JetStreamMessage {
    /// How a delivery is settled.
    public enum Settlement: Sendable, Equatable, CustomStringConvertible {
        /// Done: a work queue removes the message.
        case ack
        /// Deliver again, at once or after the delay.
        case nak(delay: Duration?)
        /// Never deliver again.
        case term

        /// The acknowledgement body (`+ACK`, `-NAK {"delay":ns}`, `+TERM`).
        var body: String {
            switch self {
            case .ack: "+ACK"
            case .nak(let delay?) where delay > .zero: "-NAK {\"delay\":\(delay.nanoseconds)}"
            case .nak: "-NAK"
            case .term: "+TERM"
            }
        }

        public var description: String {
            switch self {
            case .ack: "ack"
            case .nak: "nak"
            case .term: "term"
            }
        }
    }

    /// What became of a confirmed settlement.
    public enum Confirmation: Sendable, Equatable {
        /// The server confirmed it; `tries` settlements were sent.
        case confirmed(tries: Int)
        /// No confirmation within the window: the server may deliver the message again. `lastError`
        /// is why the last try failed.
        case unconfirmed(tries: Int, lastError: String)

        public var isConfirmed: Bool {
            if case .confirmed = self { true } else { false }
        }
    }

    /// Settles the message and waits for the server's confirmation, sending it again (after
    /// `retryWait`, doubling up to 2 s) while nobody answers, until `within` passes. Throws only
    /// `.alreadyAcknowledged` (settled before); every other failure ends in `.unconfirmed`.
    public func settleConfirmed(
        _ settlement: Settlement, within: Duration, tryTimeout: Duration = .seconds(2),
        retryWait: Duration = .milliseconds(100)
    ) throws(JetStreamError) -> Confirmation {
        try markSettled()
        let deadline = Deadline.after(within)
        var tries = 0
        var wait = retryWait
        var lastError = ""
        while true {
            tries += 1
            let left = Duration.nanoseconds(Int64(clamping: deadline.remainingNanoseconds))
            do {
                _ = try connection.request(ackSubject, payload: settlement.body, timeout: min(tryTimeout, left))
                return .confirmed(tries: tries)
            } catch .closed {
                return .unconfirmed(tries: tries, lastError: ClientError.closed.description)
            } catch {
                lastError = Self.explain(error)
            }
            if deadline.hasPassed || Deadline.after(wait) > deadline {
                return .unconfirmed(tries: tries, lastError: lastError)
            }
            JetStreamContext.pause(wait)
            wait = min(wait * 2, .seconds(2))
        }
    }

    /// Why one try went unanswered, in words.
    static func explain(_ error: ClientError) -> String {
        switch error {
        case .noResponders: "no consumer leader answers (leader election or consumer gone)"
        case .timeout: "no confirmation in time"
        default: error.description
        }
    }
}

extension Deadline {
    /// Nanoseconds until the deadline, 0 once passed.
    var remainingNanoseconds: UInt64 {
        if isNever { return UInt64(Int64.max) }
        let now = Clock.monotonicNanoseconds()
        return uptimeNanoseconds > now ? uptimeNanoseconds - now : 0
    }
}
