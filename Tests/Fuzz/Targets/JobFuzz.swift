@testable import Agent
import Model

/// A job message as an agent receives it: `JobValidator.validate(message:)` with an agent's policy
/// (file inputs under one root), then, for what passes, ffmpeg's argv and the disk estimate the
/// agent works out before running it. A decoded job must survive `MessageCoding` unchanged. The
/// same bytes are also decoded as the other messages the master ingests (heartbeat, telemetry,
/// job event, result).
enum JobFuzz {
    static let validator: JobValidator = {
        var policy = ValidationPolicy()
        policy.allowedRoots = ["/srv/media"]
        policy.cores = 8
        return JobValidator(policy: policy)
    }()

    static func run(_ input: UnsafeRawBufferPointer) {
        let message = Array(input)
        if case .success(let spec) = validator.validate(message: message) {
            buildCommand(spec)
        }
        if let job = try? MessageCoding.decode(Job.self, from: message) {
            let again = (try? MessageCoding.encode(job)).flatMap { try? MessageCoding.decode(Job.self, from: $0) }
            fuzzCheck(again == job, "\(job) did not survive encoding: \(String(describing: again))")
        }
        _ = try? MessageCoding.decode(Heartbeat.self, from: message)
        _ = try? MessageCoding.decode(TelemetrySample.self, from: message)
        _ = try? MessageCoding.decode(JobEvent.self, from: message)
        _ = try? MessageCoding.decode(JobResult.self, from: message)
    }

    /// What the agent derives from a valid job before it runs it.
    static func buildCommand(_ spec: JobSpec) {
        guard
            let invocation = try? FFmpegCommandBuilder.build(
                spec: spec, workDirectory: "/var/lib/ffrtmp/job", threads: 4)
        else { return }
        fuzzCheck(invocation.argv.count > 1, "an empty command")
        _ = ArgumentText.commandLine(invocation.argv)
        _ = DiskSpace.estimatedBytes(spec: spec, invocation: invocation)
    }
}
