import Model
import Synchronization

/// Runs one validated job on this machine (ffmpeg in production, a fake in tests).
protocol JobExecutor: Sendable {
    /// Runs `spec` to completion, cancellation or timeout. Blocking; called on the job's thread.
    func execute(_ spec: JobSpec, control: ExecutionControl) -> ExecutionOutcome
}

/// What a running job tells the agent, and how the agent stops it.
final class ExecutionControl: Sendable {
    /// The job's process started: its pid and its cgroup relative to the cgroup root (nil
    /// without one), for energy attribution and telemetry.
    let started: @Sendable (_ processID: Int32, _ controlGroupPath: String?) -> Void
    /// A progress snapshot (from ffmpeg's `-progress` output).
    let progressed: @Sendable (ProgressSnapshot) -> Void
    /// The encode itself ended (quality measurement may follow): the job's energy window closes
    /// here. Argument: the encode's CPU seconds; returns the window's energy (nil: none measured),
    /// which a target-quality search keeps per probe. A later `started` opens a new window.
    let encodeEnded: @Sendable (Double) -> EnergyReport?
    /// The job succeeded and asked to keep its output (`keep_output`): the output file at this path is
    /// about to be deleted with the job's folder. Returns the kept object, or why it could not be kept.
    let keepOutput: @Sendable (String) -> Result<KeptOutput, KeepOutputFailure>
    /// The GPU (nvidia-smi index) the job must encode on, chosen by the agent; nil: any or none.
    let gpu: Int?
    private let cancelRequested = Atomic<Bool>(false)

    init(
        started: @escaping @Sendable (Int32, String?) -> Void,
        progressed: @escaping @Sendable (ProgressSnapshot) -> Void,
        encodeEnded: @escaping @Sendable (Double) -> EnergyReport? = { _ in nil },
        keepOutput: @escaping @Sendable (String) -> Result<KeptOutput, KeepOutputFailure> = { _ in
            .failure(KeepOutputFailure(reason: "this executor keeps no outputs"))
        },
        gpu: Int? = nil
    ) {
        self.started = started
        self.progressed = progressed
        self.encodeEnded = encodeEnded
        self.keepOutput = keepOutput
        self.gpu = gpu
    }

    /// Asks the executor to stop the job (it kills ffmpeg's process group).
    func cancel() {
        cancelRequested.store(true, ordering: .releasing)
        onCancel.withLock { $0 }?()
    }

    /// Runs `action` when cancel is asked (at once when it already was): how an executor
    /// blocked in a child process hears of it.
    func whenCancelled(_ action: @escaping @Sendable () -> Void) {
        onCancel.withLock { $0 = action }
        if isCancelled { action() }
    }
    private let onCancel = Mutex<(@Sendable () -> Void)?>(nil)
    var isCancelled: Bool { cancelRequested.load(ordering: .acquiring) }
}

/// One progress reading of a running job.
struct ProgressSnapshot: Sendable, Equatable {
    var frame: Int
    var fps: Double
    var speed: Double?
    var bitrateKilobits: Double?
    /// Seconds of output written so far.
    var outputSeconds: Double
}

/// How a job ended and what it measured.
struct ExecutionOutcome: Sendable {
    var status: RunStatus
    /// Why it did not succeed: the error of `failed` and `notStarted`.
    var error: String?
    var statistics: JobResult.FFmpegStatistics?
    var quality: JobResult.QualityScores?
    /// A target-quality job's search; its figures are the chosen probe's.
    var targetSearch: JobResult.TargetSearch?
    /// The energy of the encode these figures are from, when not the last energy window (a search
    /// whose chosen probe ran before others).
    var energy: EnergyReport?
    var limitsMode: ResourceLimitsMode = .none
    /// User + system CPU seconds of ffmpeg's process tree.
    var cpuSeconds: Double = 0
    /// Wall-clock nanoseconds when the process started and ended (0 when it never started).
    var startedAt: Int64 = 0
    var finishedAt: Int64 = 0
    /// The verified SHA-256 of a clip input (`input_digest`).
    var inputDigest: String?
    /// Where the output was kept (`keep_output`).
    var keptOutput: KeptOutput?
    /// The GPU the job encoded on (set by the agent, not the executor).
    var gpu: Int?
}

/// Why a job's output could not be kept in the object store.
public struct KeepOutputFailure: Error, Sendable, Equatable {
    public var reason: String

    public init(reason: String) { self.reason = reason }
}
