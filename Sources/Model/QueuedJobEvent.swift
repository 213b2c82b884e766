/// The `queued` event as the submitter writes it: a `JobEvent` plus the job as submitted and its
/// run, so the master knows each job's configuration and run before (or without) a result. Readers
/// that know only `JobEvent` ignore the two extra fields.
public struct QueuedJobEvent: Codable, Sendable, Equatable {
    public var messageVersion = MessageVersion.current
    public var jobID: String
    public var state = JobState.queued
    /// Unix nanoseconds.
    public var at: Int64
    public var runID: String?
    /// The job as submitted (scenario not expanded); nil when a reader could not decode it.
    public var job: Job?

    public init(job: Job, at: Int64) {
        jobID = job.id
        self.at = at
        runID = job.runID
        self.job = job
    }

    /// `evt.job.<job id>.queued`.
    public var subject: String { Subjects.event(jobID: jobID, state: .queued) }

    enum CodingKeys: String, CodingKey {
        case state, at, job
        case messageVersion = "v"
        case jobID = "job_id"
        case runID = "run_id"
    }

    /// Reads what it can: a job that does not decode (an unknown field from a newer submitter)
    /// leaves `job` nil rather than losing the event.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        jobID = try container.decode(String.self, forKey: .jobID)
        state = try container.decode(JobState.self, forKey: .state)
        at = try container.decode(Int64.self, forKey: .at)
        runID = try? container.decodeIfPresent(String.self, forKey: .runID)
        job = try? container.decodeIfPresent(Job.self, forKey: .job)
    }
}
