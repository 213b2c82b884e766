import CommandKit
import Console
import Model
import Support

/// `ffrtmp jobs`: jobs as the master knows them, newest activity first, and the queues.
enum JobsCommand: CLICommand {
    static let spec = CommandSpec(
        name: "ffrtmp jobs", summary: "List jobs and their states (from the master)",
        usage: "ffrtmp jobs [options]",
        options: MasterOptions.all + MasterOptions.paging + [
            OptionSpec(
                ["--state"], value: "STATE", help: "Only jobs in STATE: queued, started, progress, succeeded, failed…"),
            OptionSpec(["--node"], value: "NODE", help: "Only jobs of this node"),
            OptionSpec(["--failed"], help: "Only failed jobs, each with why it failed"),
        ],
        discussion: """
            Reads GET /api/jobs of the master's HTTP API (`--master`, env FFRTMP_MASTER): each job's latest
            state, node, scenario, encoder, progress, attempt, when it last changed and its last message,
            most recently changed first; then the queues (jobs waiting and running per capability).
            --failed lists failed jobs with the reason in full, jobs JetStream gave up on included
            ("max deliveries reached (5 attempts)", "terminated: <reason>").
            --json prints the API's answer unchanged: {"jobs":[{job_id,state,attempt,node_id,scenario,
            encoder,capability,progress,message,queued_at,started_at,finished_at,updated_at}],"limit",
            "offset"} (times in Unix nanoseconds).
            Exit status: 0 listed, 1 the master could not be read, 2 usage error.

            Examples:
              ffrtmp jobs
              ffrtmp jobs --state started --node node-1
              ffrtmp jobs --failed
              ffrtmp jobs --state failed --limit 20 --json | jq -r '.jobs[].message'
            """)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        guard arguments.positionals.isEmpty else {
            throw UsageError("jobs takes no arguments (see ffrtmp jobs --help)")
        }
        let failed = arguments.flag("--failed")
        if failed, let state = arguments.string("--state"), state != "failed" {
            throw UsageError("--failed lists failed jobs; it cannot be combined with --state \(state)")
        }
        let state = failed ? "failed" : arguments.string("--state")
        if let state, JobState(rawValue: state) == nil {
            throw UsageError("--state: unknown state \"\(state)\"; one of " + JobState.allNames.joined(separator: ", "))
        }
        let master = try MasterOptions.client(arguments)
        let query =
            [("state", state), ("node", arguments.string("--node"))] + (try MasterOptions.pagingQuery(arguments))
        let body = try master.fetch("/api/jobs", query: query)
        if arguments.flag("--json") {
            print(String(decoding: body, as: UTF8.self))
            return 0
        }
        let jobs = try master.decode(MasterRows.JobList.self, body, path: "/api/jobs").jobs
        if jobs.isEmpty {
            print("No jobs" + (state != nil || arguments.string("--node") != nil ? " match." : " yet."))
        } else {
            let now = Timestamp.nowNanoseconds()
            let table = failed ? MasterTables.failedJobs(jobs, now: now) : MasterTables.jobs(jobs, now: now)
            print(table.text, terminator: "")
            MasterOptions.moreNote(jobs.count, arguments, what: "jobs")
        }
        if let queues = try? master.decode(
            MasterRows.QueueList.self, master.fetch("/api/queues"), path: "/api/queues"
        ).queues, !queues.isEmpty {
            print("\nQueues: " + MasterTables.queues(queues))
        }
        return 0
    }
}
