import Client
import Net

/// What `JetStreamSetup` did (or, in a dry run, would do) to one stream or consumer.
public struct SetupOutcome: Sendable, Equatable {
    /// Whether the outcome is about a stream or a consumer.
    public enum Kind: String, Sendable { case stream, consumer }

    /// What happened.
    public enum Action: String, Sendable {
        case created, updated, unchanged, failed
        /// Dry run: it does not exist and would be created.
        case wouldCreate = "would create"
        /// Dry run: it exists and differs.
        case wouldUpdate = "would update"
        /// Not attempted, because its stream failed.
        case skipped
    }

    public var kind: Kind
    /// The stream's name, or `STREAM/consumer`.
    public var name: String
    public var action: Action
    /// For updates: each declared setting that differed.
    public var changes: [SetupChange] = []
    /// For creations: the declared settings in a few words.
    public var summary: String = ""
    /// Something the user should know although nothing failed (a setting the server refused).
    public var note: String?
    /// Why it failed: the server's text, verbatim, with what differed.
    public var error: String?

    public var isFailure: Bool { action == .failed || action == .skipped }
}

/// One declared setting that differs on the server.
public struct SetupChange: Sendable, Equatable {
    /// The JetStream API's name for it (`retention`, `max_age`…).
    public var field: String
    public var current: String
    public var wanted: String

    public var description: String { "\(field) \(current) → \(wanted)" }
}

/// Durations the way `ffrtmp` prints them: `30s`, `2m`, `7d`, `1h30m`; `none` for zero.
enum DurationText {
    static func format(_ duration: Duration) -> String {
        let nanoseconds = duration.nanoseconds
        if nanoseconds == 0 { return "none" }
        if nanoseconds % 1_000_000_000 != 0 {
            return nanoseconds % 1_000_000 == 0 ? "\(nanoseconds / 1_000_000)ms" : "\(nanoseconds)ns"
        }
        var seconds = nanoseconds / 1_000_000_000
        var text = ""
        for (unit, size) in [("d", Int64(86_400)), ("h", 3600), ("m", 60), ("s", 1)] where seconds >= size {
            text += "\(seconds / size)\(unit)"
            seconds %= size
        }
        return text
    }
}
