/// What a benchmark result measured, as the fields that change its figures: encoder, preset, rate
/// control, output size and rate, pixel format, input and length, and the scenario named (which
/// only ever splits groups: a result that lacks a field still is not folded into another preset's). Two results are compared (and
/// averaged) only when their configurations are equal; `key` is the one string that says so.
///
/// It comes from the job as the validator expanded it (`init(spec:pixelFormat:)`), which the
/// master has from the `queued` event; a result whose job it never saw falls back on the result's
/// own fields and the few options of its ffmpeg argv (`init(result:)`).
public struct BenchmarkConfiguration: Sendable, Hashable {
    public var encoder: String
    public var preset: String?
    /// `bitrate`, `crf` or `default` (the encoder's own).
    public var rateControl: String
    /// Bits per second for `bitrate`, the quality value for `crf`.
    public var rateValue: Int?
    public var resolution: String?
    public var fps: Double?
    public var pixelFormat: String?
    /// `generated:testsrc2`, `file:/path`, or the URL.
    public var input: String?
    public var durationSeconds: Double?
    /// The scenario preset the job named, if any.
    public var scenario: String?

    public init(
        encoder: String, preset: String? = nil, rateControl: String = "default", rateValue: Int? = nil,
        resolution: String? = nil, fps: Double? = nil, pixelFormat: String? = nil, input: String? = nil,
        durationSeconds: Double? = nil, scenario: String? = nil
    ) {
        self.encoder = encoder
        self.preset = preset
        self.rateControl = rateControl
        self.rateValue = rateValue
        self.resolution = resolution
        self.fps = fps
        self.pixelFormat = pixelFormat
        self.input = input
        self.durationSeconds = durationSeconds
        self.scenario = scenario
    }

    /// From the validated job; the pixel format from the argv that ran, when there is a result.
    public init(spec: JobSpec, result: JobResult?) {
        let pixelFormat = Self.option("-pix_fmt", in: result?.ffmpeg?.argv ?? [])
        self.init(
            encoder: spec.encoder.rawValue, preset: spec.preset, pixelFormat: pixelFormat, scenario: spec.scenario)
        switch spec.rateControl {
        case .bitrate(let value): (rateControl, rateValue) = ("bitrate", value)
        case .constantQuality(let value): (rateControl, rateValue) = ("crf", value)
        case .encoderDefault: break
        }
        resolution = spec.resolution?.description
        fps = spec.fps
        durationSeconds = spec.durationSeconds
        switch spec.input {
        case .generated(let pattern, _, _, _): input = "generated:" + pattern.rawValue
        case .file(let path): input = "file:" + path
        case .url(let url): input = url
        case .clip(let name): input = "clip:" + name
        }
    }

    /// From a result alone: its structured fields, and preset, rate control, pixel format, input
    /// pattern and length from its argv (the job itself was never seen).
    public init(result: JobResult) {
        let argv = result.ffmpeg?.argv ?? []
        self.init(
            encoder: result.encoder?.rawValue ?? "", preset: Self.option("-preset", in: argv),
            resolution: result.resolution?.description, fps: result.fps,
            pixelFormat: Self.option("-pix_fmt", in: argv), scenario: result.scenario)
        if let bitrate = Self.option("-b:v", in: argv).flatMap({ Int($0) }) {
            (rateControl, rateValue) = ("bitrate", bitrate)
        } else if let quality = ["-crf", "-cq", "-qp", "-global_quality"].lazy.compactMap({
            Self.option($0, in: argv).flatMap { Int($0) }
        }).first {
            (rateControl, rateValue) = ("crf", quality)
        }
        if let source = Self.option("-i", in: argv) {
            let generated = Self.option("-f", in: argv) == "lavfi"
            input = generated ? "generated:" + source.prefix { $0 != "=" } : source
        }
    }

    /// The value after `flag` in `argv`, if any.
    private static func option(_ flag: String, in argv: [String]) -> String? {
        guard let index = argv.firstIndex(of: flag), index + 1 < argv.count else { return nil }
        return argv[index + 1]
    }

    /// `encoder=libx264 preset=veryfast rc=crf:23 size=160x90 fps=30 pix=yuv420p input=generated:testsrc2
    /// duration=1 scenario=-` (one line): every field, in a fixed order, `-` when unknown. Equal keys,
    /// equal configurations.
    public var key: String {
        [
            "encoder=" + encoder, "preset=" + (preset ?? "-"),
            "rc=" + rateControl + (rateValue.map { ":\($0)" } ?? ""), "size=" + (resolution ?? "-"),
            "fps=" + (fps.map(Self.number) ?? "-"), "pix=" + (pixelFormat ?? "-"), "input=" + (input ?? "-"),
            "duration=" + (durationSeconds.map(Self.number) ?? "-"), "scenario=" + (scenario ?? "-"),
        ].joined(separator: " ")
    }

    /// A short human label: `libx264 veryfast crf 23 160x90@30`.
    public var label: String {
        var parts = [encoder]
        if let preset { parts.append(preset) }
        switch rateControl {
        case "bitrate": parts.append(rateValue.map { Self.bitrate($0) } ?? "bitrate")
        case "crf": parts.append("crf " + (rateValue.map(String.init) ?? ""))
        default: break
        }
        if let resolution { parts.append(resolution + (fps.map { "@" + Self.number($0) } ?? "")) }
        return parts.joined(separator: " ")
    }

    /// `30`, `29.97`: no trailing `.0`.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    static func bitrate(_ value: Int) -> String {
        value % 1_000_000 == 0 ? "\(value / 1_000_000)M" : value % 1000 == 0 ? "\(value / 1000)k" : String(value)
    }
}
