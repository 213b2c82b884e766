import Model
import Support

/// What `ffrtmp watch` knows about one job, from its events, the telemetry of the node running it
/// and its result; renders the progress line and the JSON updates. Pure: messages go in, text comes out.
public struct JobWatch: Sendable {
    public let jobID: String
    /// The latest lifecycle state (from events, or from the result).
    public private(set) var state: JobState?
    public private(set) var nodeID: String?
    public private(set) var attempt: Int?
    /// Fraction done 0…1, from progress events or telemetry.
    public private(set) var fraction: Double?
    /// ffmpeg's latest progress, from the node's telemetry.
    public private(set) var progress: TelemetrySample.JobProgress?
    /// The running node's power (all its jobs).
    public private(set) var nodeWatts: Double?
    /// The last event's note (a failure reason).
    public private(set) var message: String?
    /// The last event was a failure that will be retried.
    public private(set) var willRetry = false
    public private(set) var result: JobResult?

    public init(jobID: String) {
        self.jobID = jobID
    }

    /// The job has a result: nothing more will happen.
    public var isFinished: Bool { result != nil }

    /// A final event arrived (its result normally follows at once).
    public var hasFinalEvent: Bool {
        guard let state, JobHistory.finalStates.contains(state) else { return false }
        return !(state == .failed && willRetry)
    }

    /// Takes an event of this job; false when it is another job's, or older than what is known.
    public mutating func apply(_ event: JobEvent) -> Bool {
        guard event.jobID == jobID, result == nil else { return false }
        if hasFinalEvent, (event.attempt ?? 0) <= (attempt ?? 0) { return false }
        state = event.state
        if let node = event.nodeID { nodeID = node }
        if let number = event.attempt {
            if number != attempt { progress = nil }
            attempt = number
        }
        message = event.message
        willRetry = event.isRetryAnnouncement
        if let value = event.progress { fraction = value }
        return true
    }

    /// Takes a telemetry sample; false unless it lists this job.
    public mutating func apply(_ sample: TelemetrySample) -> Bool {
        guard result == nil, let entry = sample.jobs.first(where: { $0.id == jobID }) else { return false }
        nodeID = sample.nodeID
        progress = entry
        nodeWatts = sample.totalWatts
        if let value = entry.progress { fraction = value }
        if state == nil || state == .queued { state = .started }
        return true
    }

    /// Takes this job's result; false for another job's.
    public mutating func apply(_ result: JobResult) -> Bool {
        guard result.jobID == jobID else { return false }
        self.result = result
        state = result.status.finalState
        nodeID = result.nodeID
        attempt = result.attempt
        message = result.error
        willRetry = false
        if result.status == .succeeded { fraction = 1 }
        return true
    }

    /// Seconds left: the output still to write at the current speed, when both are known.
    public var etaSeconds: Double? {
        guard let progress, let speed = progress.speed, speed > 0, let fraction, fraction > 0, fraction < 1 else {
            return nil
        }
        let total = progress.outputSeconds / fraction
        return max(0, total - progress.outputSeconds) / speed
    }

    /// One line: `[#########-----------]  45%  frame 135  61.2 fps  2.04x  142 W  ETA 0:05  node-1`,
    /// or the state before progress is known; cut to `width` characters when given.
    public func progressLine(width: Int? = nil) -> String {
        var parts: [String] = []
        switch state {
        case nil: parts.append("\(jobID): waiting for the job (no event yet)")
        case .queued: parts.append("\(jobID): queued, waiting for an agent")
        default:
            if let fraction {
                let filled = Int((min(max(fraction, 0), 1) * 20).rounded(.down))
                parts.append(
                    "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: 20 - filled) + "]")
                parts.append(HumanUnits.percent(fraction).leftPadded(to: 4))
            } else {
                parts.append("\(jobID): \(state?.rawValue ?? "")")
            }
            if let progress {
                parts.append("frame \(progress.frame)")
                parts.append(HumanUnits.fixed(progress.fps, 1) + " fps")
                if let speed = progress.speed { parts.append(HumanUnits.fixed(speed, 2) + "x") }
            }
            if let nodeWatts { parts.append(HumanUnits.watts(nodeWatts)) }
            if let eta = etaSeconds { parts.append("ETA " + HumanUnits.clock(seconds: eta)) }
            if let nodeID { parts.append(nodeID + (attempt.map { $0 > 1 ? " (attempt \($0))" : "" } ?? "")) }
        }
        let line = parts.joined(separator: "  ")
        guard let width, line.count > width else { return line }
        return String(line.prefix(max(0, width)))
    }

    /// The state as one JSON object: `{"job_id","state","node_id","attempt","progress","frame","fps",
    /// "speed","node_w","eta_s"}`, absent values left out.
    public var json: String {
        var object = JSONObject()
        object.add("type", "progress")
        object.add("job_id", jobID)
        if let state { object.add("state", state.rawValue) }
        if let nodeID { object.add("node_id", nodeID) }
        if let attempt { object.add("attempt", attempt) }
        if let fraction { object.add("progress", fraction, digits: 4) }
        if let progress {
            object.add("frame", progress.frame)
            object.add("fps", progress.fps)
            if let speed = progress.speed { object.add("speed", speed) }
            object.add("out_time_s", progress.outputSeconds)
        }
        if let nodeWatts { object.add("node_w", nodeWatts, digits: 1) }
        if let eta = etaSeconds { object.add("eta_s", eta, digits: 1) }
        if let message { object.add("message", message) }
        return object.text
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
