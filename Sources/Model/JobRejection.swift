/// Why a job was refused before anything ran: the field at fault (its JSON path, such as
/// `input.path` or `limits.cpu_percent`; empty when the message as a whole is at fault) and a
/// sentence saying why. The agent publishes it as a `rejected` result (`error` and
/// `reject_field`) and terminates the message (+TERM): a rejected job is never retried.
public struct JobRejection: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var reason: String
    /// The job's id when it could be read and is itself valid (so events and results can name
    /// the job); nil otherwise.
    public var jobID: String?

    public init(field: String, reason: String, jobID: String? = nil) {
        self.field = field
        self.reason = reason
        self.jobID = jobID
    }

    public var description: String { field.isEmpty ? reason : "\(field): \(reason)" }
}
