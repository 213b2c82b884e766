import CommandKit
import Client
import Console
import Model
import Support

/// `ffrtmp submit --wait`: prints the submitted jobs' progress as their events and results arrive,
/// then the result table.
enum SubmitWait {
    /// Follows until every job has a result or `limit` (ns) passes; returns the exit status. Without
    /// `results` (an identity that may not read them) a job ends with its final event instead.
    static func follow(
        _ tracker: inout JobTracker, inbox: MessageInbox, limit: Int64?, json: Bool, results: Bool = true
    ) -> Int32 {
        for (jobID, event) in tracker.endedWithoutResult.sorted(by: { $0.key < $1.key }) where !json {
            Terminal.write(
                "\(jobID)  had already ended: \(event.state.rawValue)" + (event.nodeID.map { " on " + $0 } ?? "") + "\n"
            )
        }
        if !json && !tracker.isComplete {
            let count = tracker.pendingIDs.count
            printError("Waiting for \(count) job\(count == 1 ? "" : "s") (Ctrl-C stops waiting, not the jobs)…\n")
        }
        let clock = ContinuousClock()
        let deadline = limit.map { clock.now + .nanoseconds($0) }
        var timedOut = false
        while !tracker.isComplete {
            let remaining = deadline.map { $0 - clock.now }
            if let remaining, remaining <= .zero {
                timedOut = true
                break
            }
            let message: Message
            do {
                message = try inbox.next(timeout: remaining)
            } catch .timeout {
                continue
            } catch {
                break
            }
            guard let update = tracker.receive(subject: message.subject, payload: message.payload) else { continue }
            if json {
                Terminal.write(JobTracker.json(update, payload: message.payload) + "\n")
            } else if let line = JobTracker.line(update) ?? (results ? nil : endingLine(update)) {
                Terminal.write(line + "\n")
            }
            if !results, case .event(let event) = update, JobHistory.finalStates.contains(event.state) {
                tracker.noteEnded(event)
            }
        }
        if json {
            Terminal.write(summaryJSON(tracker, timedOut: timedOut) + "\n")
        } else {
            Terminal.write(humanSummary(tracker, timedOut: timedOut, limit: limit))
        }
        return tracker.allSucceeded ? 0 : 1
    }

    /// `job-7  succeeded on node-1` for a final event, which ends a job when results cannot be read.
    static func endingLine(_ update: JobTracker.Update) -> String? {
        guard case .event(let event) = update, JobHistory.finalStates.contains(event.state) else { return nil }
        return "\(event.jobID)  \(event.state.rawValue)" + (event.nodeID.map { " on " + $0 } ?? "")
            + (event.message.map { ": " + $0 } ?? "")
    }

    static func humanSummary(_ tracker: JobTracker, timedOut: Bool, limit: Int64?) -> String {
        var text = ""
        let results = tracker.orderedResults
        if !results.isEmpty {
            text += "\n" + ResultTable.table(results).text
            let failures = ResultTable.failures(results)
            if !failures.isEmpty { text += "\n" + failures }
        }
        let pending = tracker.pendingIDs
        let succeeded =
            results.filter { $0.status == .succeeded }.count
            + tracker.endedWithoutResult.values.filter { $0.state == .succeeded }.count
        text += "\n\(succeeded) of \(tracker.jobIDs.count) succeeded"
        if !pending.isEmpty {
            let limitText = limit.map { " after " + HumanUnits.duration(seconds: Double($0) / 1e9) } ?? ""
            text += "; \(pending.count) still without a result" + (timedOut ? " (stopped waiting\(limitText))" : "")
            text += ": " + pending.prefix(10).joined(separator: ", ") + (pending.count > 10 ? ", …" : "")
        }
        return text + "\n"
    }

    static func summaryJSON(_ tracker: JobTracker, timedOut: Bool) -> String {
        var object = JSONObject()
        object.add("type", "summary")
        object.add("submitted", tracker.jobIDs.count)
        var counts: [String: Int] = [:]
        for result in tracker.results.values { counts[result.status.rawValue, default: 0] += 1 }
        for event in tracker.endedWithoutResult.values { counts[event.state.rawValue, default: 0] += 1 }
        var statuses = JSONObject()
        for (status, count) in counts.sorted(by: { $0.key < $1.key }) { statuses.add(status, count) }
        object.add("statuses", raw: statuses.text)
        object.add("pending", raw: "[" + tracker.pendingIDs.map(JSONStringLiteral.quoted).joined(separator: ",") + "]")
        object.add("timed_out", timedOut)
        object.add("all_succeeded", tracker.allSucceeded)
        return object.text
    }
}
