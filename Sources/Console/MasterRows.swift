import Model

/// The rows of the master's read-only API (`Sources/Master/API`), decoded leniently: unknown fields
/// are ignored and a part that does not decode (a heartbeat from a newer agent) is left nil rather
/// than failing the whole listing.
public enum MasterRows {
    /// `/api/jobs`: one job's latest state.
    public struct Job: Decodable, Sendable, Equatable {
        public var jobID: String
        public var state: String
        public var attempt: Int?
        public var nodeID: String?
        public var scenario: String?
        public var encoder: String?
        public var capability: String?
        public var progress: Double?
        public var message: String?
        /// Unix nanoseconds.
        public var queuedAt: Int64?
        public var startedAt: Int64?
        public var finishedAt: Int64?
        public var updatedAt: Int64?
        /// The node the job was sent to (`ffrtmp submit --node`); nil: any node.
        public var targetNode: String?

        enum CodingKeys: String, CodingKey {
            case state, attempt, scenario, encoder, capability, progress, message
            case targetNode = "target_node"
            case jobID = "job_id"
            case nodeID = "node_id"
            case queuedAt = "queued_at"
            case startedAt = "started_at"
            case finishedAt = "finished_at"
            case updatedAt = "updated_at"
        }
    }

    /// `/api/nodes`: a node, its status as the master sees it, last heartbeat and telemetry.
    public struct Node: Decodable, Sendable, Equatable {
        public var nodeID: String
        public var name: String?
        /// `available`, `busy`, `draining` or `offline`.
        public var status: String
        /// Unix nanoseconds.
        public var lastSeen: Int64?
        public var heartbeat: Heartbeat?
        public var telemetry: TelemetrySample?
        /// The heartbeat's `hardware_id` (top level or under `provenance`), read on its own so a
        /// heartbeat this build cannot decode still has one; nil from agents that send none.
        public var hardwareID: String?

        enum CodingKeys: String, CodingKey {
            case name, status, heartbeat, telemetry
            case nodeID = "node_id"
            case lastSeen = "last_seen"
        }

        /// Just the hardware id of a heartbeat, wherever an agent puts it.
        struct HardwareIDProbe: Decodable {
            struct Provenance: Decodable {
                var hardwareID: String?
                enum CodingKeys: String, CodingKey { case hardwareID = "hardware_id" }
            }
            var hardwareID: String?
            var provenance: Provenance?
            enum CodingKeys: String, CodingKey {
                case provenance
                case hardwareID = "hardware_id"
            }
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            nodeID = try container.decode(String.self, forKey: .nodeID)
            name = try container.decodeIfPresent(String.self, forKey: .name)
            status = try container.decodeIfPresent(String.self, forKey: .status) ?? "unknown"
            lastSeen = try? container.decodeIfPresent(Int64.self, forKey: .lastSeen)
            heartbeat = try? container.decodeIfPresent(Heartbeat.self, forKey: .heartbeat)
            telemetry = try? container.decodeIfPresent(TelemetrySample.self, forKey: .telemetry)
            let probe = try? container.decodeIfPresent(HardwareIDProbe.self, forKey: .heartbeat)
            hardwareID = probe?.hardwareID ?? probe?.provenance?.hardwareID
        }

        /// Heard from lately and not draining: `available` or `busy`.
        public var isLive: Bool { status == "available" || status == "busy" }

        /// Whether its latest heartbeat says it proved `capability`.
        public func hasProven(_ capability: Capability) -> Bool {
            heartbeat?.capabilities.contains { $0.name == capability && $0.proven } ?? false
        }
    }

    /// `/api/summary`: succeeded results of one configuration on one node's hardware: means, and
    /// (`stats`) each figure's n, deviation and 95 % interval.
    public struct Summary: Decodable, Sendable, Equatable {
        public var scenario: String
        public var encoder: String
        public var nodeID: String
        public var runs: Int
        public var fps: Double?
        public var joulesPerFrame: Double?
        public var energyJoules: Double?
        public var wallSeconds: Double?
        public var psnr: Double?
        public var ssim: Double?
        public var vmaf: Double?
        /// J/frame ÷ mean score, by metric name (`psnr`, `ssim`, `vmaf`); nil without quality scores.
        public var joulesPerQualityPoint: [String: Double]?
        public var usd: Double?
        public var co2Grams: Double?
        /// Comma-separated.
        public var energySources: String?
        public var configurationKey: String?
        public var configuration: Configuration?
        public var hardwareKey: String?
        public var stats: Statistics?

        enum CodingKeys: String, CodingKey {
            case scenario, encoder, runs, fps, psnr, ssim, vmaf, usd, configuration, stats
            case nodeID = "node_id"
            case joulesPerQualityPoint = "j_per_quality_point"
            case joulesPerFrame = "j_per_frame"
            case energyJoules = "energy_j"
            case wallSeconds = "wall_s"
            case co2Grams = "co2_g"
            case energySources = "energy_sources"
            case configurationKey = "configuration_key"
            case hardwareKey = "hardware_key"
        }

        /// The configuration's label, else its scenario and encoder.
        public var label: String { configuration?.label ?? "\(scenario) \(encoder)" }
    }

    /// A summary row's configuration; only its label is read.
    public struct Configuration: Decodable, Sendable, Equatable {
        public var label: String?
    }

    /// One figure over a group's results.
    public struct Figure: Decodable, Sendable, Equatable {
        public var n: Int
        public var mean: Double
        public var sd: Double?
        public var cv: Double?
        /// Half width of the 95 % confidence interval.
        public var ci95: Double?
    }

    /// The figures of a summary row.
    public struct Statistics: Decodable, Sendable, Equatable {
        public var fps: Figure?
        public var joulesPerFrame: Figure?
        public var watts: Figure?
        public var psnr: Figure?
        public var ssim: Figure?
        public var vmaf: Figure?

        enum CodingKeys: String, CodingKey {
            case fps, watts, psnr, ssim, vmaf
            case joulesPerFrame = "j_per_frame"
        }
    }

    /// `/api/runs`: one benchmark run (`ffrtmp submit --name`).
    public struct Run: Decodable, Sendable, Equatable {
        public var runID: String
        public var jobs: Int
        public var succeeded: Int
        public var failed: Int
        public var pending: Int
        public var startedAt: Int64?
        public var finishedAt: Int64?

        enum CodingKeys: String, CodingKey {
            case jobs, succeeded, failed, pending
            case runID = "run_id"
            case startedAt = "started_at"
            case finishedAt = "finished_at"
        }
    }

    /// `/api/runs/{id}`: the run's jobs (id and state are all `cancel --run` needs) and summary.
    public struct RunDetail: Decodable, Sendable {
        public struct Job: Decodable, Sendable, Equatable {
            public var jobID: String
            public var state: String
            /// 1 once the master stores the result of the job's attempt; nil from a master before it.
            public var resultStored: Int?
            enum CodingKeys: String, CodingKey {
                case state
                case jobID = "job_id"
                case resultStored = "result_stored"
            }

            /// Whether the job's state is one it runs no more after (`JobState.finalStates`).
            public var isFinished: Bool { JobState(rawValue: state).map(JobState.finalStates.contains) ?? false }
        }
        public var jobs: [Job]
        public var summary: [Summary]
    }

    /// `/api/queues`: one capability's backlog.
    public struct Queue: Decodable, Sendable, Equatable {
        public var capability: String
        public var pending: Int
        public var running: Int
    }

    /// The envelopes the list endpoints answer with.
    public struct JobList: Decodable, Sendable { public var jobs: [Job] }
    /// `/api/nodes` is paged: `next` is the `after` for the following page (nil on the last).
    public struct NodeList: Decodable, Sendable {
        public var nodes: [Node]
        public var next: String?
    }
    public struct SummaryList: Decodable, Sendable { public var summary: [Summary] }
    public struct QueueList: Decodable, Sendable { public var queues: [Queue] }
    public struct RunList: Decodable, Sendable { public var runs: [Run] }

    /// `/api/results`: full result messages; one that does not decode is skipped and counted.
    public struct ResultList: Decodable, Sendable {
        public var results: [JobResult]
        /// Each result's `region_cost` (the master's price of its energy in its region), in order;
        /// nil where the master sent none (an older master).
        public var regionCosts: [RegionCost?] = []
        public var undecodable = 0

        enum CodingKeys: String, CodingKey { case results }

        public init(from decoder: any Decoder) throws {
            var container = try decoder.container(keyedBy: CodingKeys.self).nestedUnkeyedContainer(forKey: .results)
            results = []
            while !container.isAtEnd {
                if let entry = try? container.decode(Entry.self) {
                    results.append(entry.result)
                    regionCosts.append(entry.regionCost)
                } else {
                    undecodable += 1
                    _ = try? container.decode(Skipped.self)
                }
            }
        }

        private struct Skipped: Decodable {}

        /// A result and the master's `region_cost` next to its fields.
        private struct Entry: Decodable {
            let result: JobResult
            let regionCost: RegionCost?

            enum CodingKeys: String, CodingKey { case regionCost = "region_cost" }

            init(from decoder: any Decoder) throws {
                result = try JobResult(from: decoder)
                regionCost = try? decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(
                    RegionCost.self, forKey: .regionCost)
            }
        }
    }

    /// `region_cost` of a result or summary row: `priced` with `usd` and `co2_g`, or `unavailable`
    /// with the `reason`.
    public struct RegionCost: Decodable, Sendable, Equatable {
        public var status: String
        public var regions: [String]?
        public var usd: Double?
        public var co2Grams: Double?
        public var reason: String?

        enum CodingKeys: String, CodingKey {
            case status, regions, usd, reason
            case co2Grams = "co2_g"
        }

        /// `$0.0036 · 2 g CO2`, or `unavailable`.
        public var text: String {
            guard status == "priced", let usd, let co2Grams else { return "unavailable" }
            return HumanUnits.dollars(usd) + " · " + HumanUnits.significant(co2Grams) + " g CO2"
        }
    }
}
