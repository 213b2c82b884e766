/// Runs a short command to the end and keeps its output: stdout whole (up to `outputLimit`
/// bytes, the rest read and dropped), stderr as a log tail. For `ffmpeg -encoders`, version
/// queries and probe encodes.
public struct ProcessCapture: Sendable, Equatable {
    public var outcome: ProcessOutcome
    public var standardOutput: String

    public static let outputLimit = 1 << 20

    /// Starts `launch` and waits at most `timeoutSeconds` (then it is killed: `.timedOut`).
    public static func run(_ launch: ProcessLaunch, timeoutSeconds: Double) throws(ProcessError) -> ProcessCapture {
        let child = try ChildProcess(launch)
        var output: [UInt8] = []
        let outcome = child.wait(timeoutSeconds: timeoutSeconds, graceSeconds: 0.5) { chunk in
            if output.count < outputLimit { output += chunk.prefix(outputLimit - output.count) }
        }
        return ProcessCapture(outcome: outcome, standardOutput: String(decoding: output, as: UTF8.self))
    }
}
