import Model

/// Whether the master takes a result, given the node its subject names (`result.<node>`, tied to
/// the sender by the broker's permissions) and the node whose `started` event the master stored
/// for the same job and attempt.
///
/// An attempt is one delivery of the job to one agent, and that agent announces it with
/// `evt.job.<id>.started.<node>` (the node token tied to the sender like `result.<node>`); a result
/// for that attempt from any other node is refused.
/// Results from earlier attempts stay welcome from their own nodes (a slow agent finishing after
/// the job was redelivered): that is why the check is per attempt, not against the job's latest.
///
/// Events and results come through separate durable feeds, so a result can arrive before its
/// `started` event (and an agent that could not publish `started` still reports). Such a result
/// is accepted provisionally, as unverified, and counted; when the attempt's `started` event
/// arrives and names another node, the store revokes it (`MasterStore.record(_:sequence:)`), and
/// a verified `succeeded` result replaces an unverified one of another attempt. Rejected and
/// cancelled results need no `started` event: a job refused by validation, or cancelled before it
/// ran, never starts.
struct ResultAdmission {
    /// What to do with the result.
    enum Decision: Equatable {
        /// Store it; `verified` when a `started` event from its node vouches for it.
        case accept(verified: Bool)
        case refuse(MessageRefusal)
    }

    /// `startedBy`: the node of the stored `started` event for the result's job and attempt.
    static func decide(_ result: JobResult, subject: String, startedBy: String?) -> Decision {
        guard let sender = MessageRefusal.node(of: subject, after: Subjects.resultPrefix), sender == result.nodeID
        else {
            return .refuse(.nodeMismatch("result"))
        }
        if let field = result.implausibleField { return .refuse(.implausible("result", field: field)) }
        if let startedBy {
            return startedBy == result.nodeID
                ? .accept(verified: true) : .refuse(MessageRefusal(kind: "result", reason: "not_assigned"))
        }
        return .accept(verified: result.status == .rejected || result.status == .cancelled)
    }
}
