/// How urgent a job is, from its `priority` (0–9): each class has its own queue per capability, and
/// agents ask the higher queues first, so an urgent job never waits behind batch work.
public enum PriorityClass: String, Sendable, CaseIterable, Hashable {
    /// Priority 3–6 (the default 5): `job.<capability>`, the queue every job used before classes.
    case normal
    /// Priority 7–9: `job.<capability>.high`.
    case high
    /// Priority 0–2: `job.<capability>.batch`.
    case batch

    /// The class of `priority`; nil (no priority given) is the default, normal. Out-of-range values
    /// (which the validator refuses) fall in the nearest class, so such a job still reaches an agent
    /// and is rejected there.
    public init(priority: Int?) {
        switch priority ?? 5 {
        case ...2: self = .batch
        case 7...: self = .high
        default: self = .normal
        }
    }
}
