import Client
import Console
import Model
import Support

/// `ffrtmp up --demo`: a small matrix of short jobs, so the dashboard has something to compare.
enum DemoJobs {
    /// Each encoder with a preset of its codec (the preset supplies the generated input).
    static let encoders: [(VideoEncoder, String)] = [(.libx264, "720p30-h264"), (.libx265, "1080p30-h265")]
    static let resolutions = [Resolution(width: 320, height: 240), Resolution(width: 640, height: 360)]

    static func submit(through connection: NATSConnection) throws {
        let run = String(Clock.wallNanoseconds() / 1_000_000_000, radix: 36)
        let now = Timestamp.nowNanoseconds()
        let jobs = encoders.flatMap { encoder, scenario in
            resolutions.map { resolution in
                Job(
                    id: "demo-\(run)-\(encoder.rawValue)-\(resolution.height)p", scenario: scenario, encoder: encoder,
                    bitrate: resolution.height * 3000, resolution: resolution, fps: 30, durationSeconds: 5,
                    labels: ["source": "demo"], submittedAt: now)
            }
        }
        for outcome in JobSubmitter(context: JetStreamContext(connection: connection)).submit(jobs, at: now) {
            _ = try outcome.ack.get()
            print("queued \(outcome.jobID)")
        }
    }
}
