import Client
import Model
import Net
import Support

/// `ffrtmp up --demo`: a small matrix of short jobs, so the dashboard has something to compare.
enum DemoJobs {
    /// Each encoder with a preset of its codec (the preset supplies the generated input).
    static let encoders: [(VideoEncoder, String)] = [(.libx264, "720p30-h264"), (.libx265, "1080p30-h265")]
    static let resolutions = [Resolution(width: 320, height: 240), Resolution(width: 640, height: 360)]

    static func submit(through connection: NATSConnection) throws {
        let context = JetStreamContext(connection: connection)
        let run = String(Clock.wallNanoseconds() / 1_000_000_000, radix: 36)
        for (encoder, scenario) in encoders {
            for resolution in resolutions {
                let id = "demo-\(run)-\(encoder.rawValue)-\(resolution.height)p"
                let job = Job(
                    id: id, scenario: scenario, encoder: encoder, bitrate: resolution.height * 3000,
                    resolution: resolution, fps: 30,
                    durationSeconds: 5, labels: ["source": "demo"], submittedAt: Timestamp.nowNanoseconds())
                _ = try context.publish(Subjects.job(encoder.capability), payload: MessageCoding.encode(job), msgID: id)
                let queued = JobEvent(jobID: id, state: .queued, at: Timestamp.nowNanoseconds())
                _ = try context.publish(queued.subject, payload: MessageCoding.encode(queued))
                print("queued \(id)")
            }
        }
    }
}
