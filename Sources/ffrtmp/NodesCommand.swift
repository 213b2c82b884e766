import CommandKit
import Console
import Support

/// `ffrtmp nodes`: the agents the master knows, with status, load, power and capabilities.
enum NodesCommand: CLICommand {
    static let spec = CommandSpec(
        name: "ffrtmp nodes", summary: "List agents: status, slots, CPU, power, capabilities (from the master)",
        usage: "ffrtmp nodes [options]",
        options: MasterOptions.all,
        discussion: """
            Reads GET /api/nodes of the master's HTTP API (`--master`, env FFRTMP_MASTER): every node ever
            seen, its status (available, busy, draining, or offline after three missed heartbeats), busy and
            total job slots, host CPU use and power from its latest telemetry, the capabilities its probe
            encodes proved, the energy sources it can read, its version and when it was last heard from.
            --json prints the API's answers unchanged, one line per page of up to 5000 nodes:
            {"nodes":[{node_id,name,status,last_seen,heartbeat:{…},telemetry:{…}|null}],"total":N,
            "offset":N,"limit":N,"next":"node id"|null}.
            Exit status: 0 listed, 1 the master could not be read, 2 usage error.

            Examples:
              ffrtmp nodes
              ffrtmp nodes --master http://master.lab:8080
              ffrtmp nodes --json | jq '.nodes[] | {node_id, status}'
            """)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        guard arguments.positionals.isEmpty else {
            throw UsageError("nodes takes no arguments (see ffrtmp nodes --help)")
        }
        let master = try MasterOptions.client(arguments)
        var nodes: [MasterRows.Node] = []
        var after: String?
        // Page by page (the API answers at most 5000 nodes at once), each after the last one's `next`.
        repeat {
            let body = try master.fetch("/api/nodes", query: [("limit", "5000"), ("after", after)])
            if arguments.flag("--json") {
                print(String(decoding: body, as: UTF8.self))
            }
            let page = try master.decode(MasterRows.NodeList.self, body, path: "/api/nodes")
            nodes += page.nodes
            guard page.next != after else { break }
            after = page.next
        } while after != nil
        if arguments.flag("--json") { return 0 }
        if nodes.isEmpty {
            print("No nodes yet: start one with `ffrtmp agent`.")
        } else {
            print(MasterTables.nodes(nodes, now: Timestamp.nowNanoseconds()).text, terminator: "")
        }
        return 0
    }
}
