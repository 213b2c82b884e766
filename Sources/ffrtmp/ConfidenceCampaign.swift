import Console
import Model
import Support

#if canImport(Glibc)
    import Glibc
#endif

/// `ffrtmp submit --name NAME --confidence`: rounds of the same jobs (ids `…-r1`, `…-r2`…) until
/// the run's summary has every configuration's J/frame with a coefficient of variation under
/// `targetCV` (judged from round 2: one value has none), or `maximumRounds` rounds ran. After each
/// round it waits until the master reports no job of the run pending and each one's result stored.
struct ConfidenceCampaign {
    static let targetCV = 0.05
    static let maximumRounds = 5

    let jobs: [Job]
    let run: String
    let submitter: JobSubmitter
    let master: MasterClient
    /// Jobs sent so far (those the stream stored).
    private var sent = 0

    init(jobs: [Job], run: String, submitter: JobSubmitter, master: MasterClient) {
        self.jobs = jobs
        self.run = run
        self.submitter = submitter
        self.master = master
    }

    /// 0 when every round was sent (whether or not the target was reached), 1 when a round could
    /// not be sent or the master could not be read.
    mutating func run(json: Bool, url: String) throws -> Int32 {
        for round in 1...Self.maximumRounds {
            let batch = try jobs.map { try SubmitOptions.copy($0, round: round) }
            let outcomes = submitter.submit(batch, at: Timestamp.nowNanoseconds())
            guard SubmitCommand.report(outcomes, json: json, url: url) else { return 1 }
            sent += outcomes.filter { (try? $0.ack.get()) != nil }.count
            try waitForRun()
            let rows = try master.decode(
                MasterRows.SummaryList.self, try master.fetch("/api/summary", query: [("run", run)]),
                path: "/api/summary"
            ).summary
            let variations = rows.map { $0.stats?.joulesPerFrame?.cv }
            let worst = variations.compactMap { $0 }.max()
            let reached = round >= 2 && !rows.isEmpty && variations.allSatisfy { ($0 ?? .infinity) < Self.targetCV }
            print(line(round: round, worst: worst, reached: reached))
            fflush(nil)  // a campaign runs for minutes: each round shows as it ends
            if reached { return 0 }
        }
        print("run \(run): after \(Self.maximumRounds) rounds J/frame still varies by 5 % or more somewhere")
        return 0
    }

    private func line(round: Int, worst: Double?, reached: Bool) -> String {
        let figure = worst.map { HumanUnits.fixed($0 * 100, 1) + " %" } ?? "none yet"
        return "run \(run): round \(round) done, largest CV of J/frame \(figure)"
            + (reached ? ": under 5 % everywhere, done" : "")
    }

    /// Polls the master until it knows every job sent, none of the run is pending and each job's
    /// result is stored. A job's state follows its events, which reach the master apart from its
    /// result, so a finished state alone can come before the result the summary is computed from.
    /// A result still missing `resultGraceSeconds` after its job finished (the master refused it,
    /// or it is still spooled on its agent) is waited for no longer, and the round says so.
    private func waitForRun() throws {
        var finishedSince: [String: UInt64] = [:]
        while true {
            let path = "/api/runs/\(run)"
            if let body = try? master.fetch(path) {
                let detail = try master.decode(MasterRows.RunDetail.self, body, path: path)
                let now = Clock.monotonicNanoseconds()
                let finished = detail.jobs.filter(\.isFinished)
                for job in finished where finishedSince[job.jobID] == nil { finishedSince[job.jobID] = now }
                if detail.jobs.count >= sent && finished.count == detail.jobs.count {
                    let missing = finished.filter { ($0.resultStored ?? 1) == 0 }
                    let overdue = missing.filter {
                        now - (finishedSince[$0.jobID] ?? now) >= UInt64(Self.resultGraceSeconds) * 1_000_000_000
                    }
                    if missing.isEmpty { return }
                    if overdue.count == missing.count {
                        print(
                            "run \(run): \(missing.count) finished job(s) have no stored result after "
                                + "\(Self.resultGraceSeconds) s (\(missing.map(\.jobID).joined(separator: ", "))); "
                                + "judging the round on the results stored")
                        return
                    }
                }
            } else {
                _ = try master.fetch("/health")  // an unreachable master ends the campaign
            }
            usleep(500_000)
        }
    }

    /// How long a finished job's result is waited for before the round is judged without it.
    static let resultGraceSeconds = 30
}
