import Model

/// Why the master dropped a message it could decode: the `kind` of message (`heartbeat`,
/// `telemetry`, `event`, `result`) and a short `reason`, the labels of
/// `ffrtmp_master_messages_refused_total`. Reasons are a small fixed set, so the metric stays
/// small whatever senders do:
/// - `node_mismatch`: the payload names another node than the subject's node token
///   (`hb.<node>`, `metrics.<node>`, `result.<node>`, `evt.job.<id>.started.<node>`), which the
///   broker ties to the sender; a `started` event on any other subject (the older
///   `evt.job.<id>.started` included) counts here too;
/// - `not_assigned`: a result from a node other than the one that started that attempt;
/// - `duplicate_success`: a second `succeeded` result for a job (a re-run after a failover);
/// - `bad_<field>`: a figure outside physical sense (`ReportedValueBounds`);
/// - `unknown_job`: an advisory about a job message the master could not identify (a terminated
///   message a work queue already removed, or one that is not a job);
/// - `queue_full`: an advisory beyond the dead-letter queue's bound.
public struct MessageRefusal: Hashable, Sendable {
    public var kind: String
    public var reason: String

    public init(kind: String, reason: String) {
        self.kind = kind
        self.reason = reason
    }

    static func nodeMismatch(_ kind: String) -> MessageRefusal { MessageRefusal(kind: kind, reason: "node_mismatch") }

    static func implausible(_ kind: String, field: String) -> MessageRefusal {
        MessageRefusal(kind: kind, reason: "bad_" + field)
    }

    /// `node_mismatch` for a `started` event that did not come on its own
    /// `evt.job.<id>.started.<node>` (the payload's job and node), the subject the broker's roles
    /// bind to the sender; nil for one that did, and for other events.
    static func unprovenStart(_ event: JobEvent, subject: String) -> MessageRefusal? {
        guard event.state == .started else { return nil }
        guard let node = event.nodeID, subject == Subjects.startedEvent(jobID: event.jobID, nodeID: node) else {
            return nodeMismatch("event")
        }
        return nil
    }

    /// The node token of `subject` after `prefix` (`hb.` → `hb.node-7` gives `node-7`); nil when the
    /// subject does not start with it.
    static func node(of subject: String, after prefix: String) -> Substring? {
        subject.hasPrefix(prefix) ? subject.dropFirst(prefix.count) : nil
    }
}
