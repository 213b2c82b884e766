/// A named benchmark preset (ARCHITECTURE §6): `1080p60-h265` means 1920x1080 at 60 fps
/// encoded with libx265, from a generated testsrc2 source of 10 s, unless explicit job fields
/// override. The keyframe interval is two seconds of frames.
public struct Scenario: Sendable, Equatable {
    public var name: String
    public var resolution: Resolution
    public var fps: Double
    public var encoder: VideoEncoder
    /// The encoder's preset (nil for VA-API encoders, which take none).
    public var preset: String?
    /// Target bitrate, bits per second.
    public var bitrate: Int
    public var pattern: GeneratedPattern
    public var durationSeconds: Double

    /// Seconds between keyframes in every preset.
    public static let keyframeSeconds = 2.0
    /// Length of the generated source when the job does not say.
    public static let defaultDurationSeconds = 10.0

    public init(
        name: String, resolution: Resolution, fps: Double, encoder: VideoEncoder, preset: String?, bitrate: Int,
        pattern: GeneratedPattern = .testsrc2, durationSeconds: Double = Scenario.defaultDurationSeconds
    ) {
        self.name = name
        self.resolution = resolution
        self.fps = fps
        self.encoder = encoder
        self.preset = preset
        self.bitrate = bitrate
        self.pattern = pattern
        self.durationSeconds = durationSeconds
    }

    /// Keyframe interval in frames.
    public var gop: Int { Self.gop(fps: fps) }

    /// Two seconds of frames at `fps`, at least one.
    public static func gop(fps: Double) -> Int { max(1, Int((fps * keyframeSeconds).rounded())) }

    /// One line for `ffrtmp submit --list-scenarios`:
    /// `1920x1080 60 fps libx265 preset medium 6 Mbit/s gop 120, testsrc2 10 s`.
    public var summary: String {
        let presetText = preset.map { " preset \($0)" } ?? ""
        return "\(resolution) \(Self.number(fps)) fps \(encoder.rawValue)\(presetText) "
            + "\(Self.number(Double(bitrate) / 1_000_000)) Mbit/s gop \(gop), "
            + "\(pattern.rawValue) \(Self.number(durationSeconds)) s"
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
