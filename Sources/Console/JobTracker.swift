import Model
import Support

/// Follows submitted jobs for `ffrtmp submit --wait` until each has a result: reads the messages of
/// `evt.job.<id>.>` and `result.>`, keeps the results of the tracked jobs and says what changed.
public struct JobTracker: Sendable {
    /// What a message told about a tracked job.
    public enum Update: Sendable, Equatable {
        case event(JobEvent)
        case result(JobResult)
    }

    /// The tracked jobs, in submission order.
    public let jobIDs: [String]
    private let tracked: Set<String>
    public private(set) var results: [String: JobResult] = [:]
    /// Jobs that ended without a result, with their final event: found already ended when tracking
    /// began (a re-submitted id), or ended by that event for an identity that may not read results.
    public private(set) var endedWithoutResult: [String: JobEvent] = [:]

    public init(jobIDs: [String]) {
        self.jobIDs = jobIDs
        tracked = Set(jobIDs)
    }

    /// Jobs still without an ending.
    public var pendingIDs: [String] { jobIDs.filter { results[$0] == nil && endedWithoutResult[$0] == nil } }

    public var isComplete: Bool { pendingIDs.isEmpty }

    /// Every tracked job ended and succeeded.
    public var allSucceeded: Bool {
        isComplete && results.values.allSatisfy { $0.status == .succeeded }
            && endedWithoutResult.values.allSatisfy { $0.state == .succeeded }
    }

    /// The results so far, in submission order.
    public var orderedResults: [JobResult] { jobIDs.compactMap { results[$0] } }

    /// Records that `event` (a final one) ended a job without a result: found in the EVENTS stream when
    /// tracking began, or received by an identity that may not read results (broker/roles.conf's
    /// submitter). A `failed` event announcing a retry ends nothing.
    public mutating func noteEnded(_ event: JobEvent) {
        guard tracked.contains(event.jobID), results[event.jobID] == nil, !event.isRetryAnnouncement else { return }
        endedWithoutResult[event.jobID] = event
    }

    /// Reads a message; nil when it is not about a tracked job, is the submitter's own `queued` event,
    /// or cannot be read.
    public mutating func receive(subject: String, payload: [UInt8]) -> Update? {
        if subject.hasPrefix("result.") {
            guard let result = try? MessageCoding.decode(JobResult.self, from: payload), tracked.contains(result.jobID)
            else { return nil }
            if let earlier = results[result.jobID], earlier.attempt > result.attempt { return nil }
            results[result.jobID] = result
            return .result(result)
        }
        guard subject.hasPrefix("evt.job."), let event = try? MessageCoding.decode(JobEvent.self, from: payload),
            tracked.contains(event.jobID), event.state != .queued
        else { return nil }
        return .event(event)
    }

    /// A line for people: `job-7  started on node-1 (attempt 1)`, `job-7  45% on node-1`,
    /// `job-7  succeeded on node-1: 300 frames, 60.0 fps, 700 J`. Nil for final events, which the
    /// result that follows tells better.
    public static func line(_ update: Update) -> String? {
        switch update {
        case .event(let event):
            let node = event.nodeID.map { " on " + $0 } ?? ""
            switch event.state {
            case .started:
                return "\(event.jobID)  started\(node)" + (event.attempt.map { " (attempt \($0))" } ?? "")
            case .progress:
                return "\(event.jobID)  " + (event.progress.map(HumanUnits.percent) ?? "running") + node
            case .failed where JobHistory.isRetryAnnouncement(event):
                return "\(event.jobID)  failed\(node): " + (event.message ?? "")
            default:
                return nil
            }
        case .result(let result):
            var text = "\(result.jobID)  \(result.status.rawValue) on \(result.nodeID)"
            if let error = result.error {
                text += ": " + error
            } else if let ffmpeg = result.ffmpeg {
                text += ": \(ffmpeg.frames) frames, \(HumanUnits.fixed(ffmpeg.averageFPS, 1)) fps"
                if let energy = result.energy { text += ", " + HumanUnits.energy(joules: energy.totalJoules) }
            }
            return text
        }
    }

    /// One JSON object holding a message as it was received: `{"type":"event","event":{…}}` or
    /// `{"type":"result","result":{…}}`. Line breaks in the message become spaces (raw ones can only
    /// be whitespace between JSON tokens), so the object stays on one line.
    public static func json(_ update: Update, payload: [UInt8]) -> String {
        let type =
            switch update {
            case .event: "event"
            case .result: "result"
            }
        var object = JSONObject()
        object.add("type", type)
        let flat = payload.map { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") ? UInt8(ascii: " ") : $0 }
        object.add(type, raw: String(decoding: flat, as: UTF8.self))
        return object.text
    }
}
