/// Where a job's video comes from, tagged by `type` in JSON:
/// `{"type":"generated","pattern":"testsrc2","resolution":"1280x720","fps":30,"duration_s":10}`,
/// `{"type":"file","path":"/media/in.mp4"}`, `{"type":"url","url":"srt://cam:9000"}`,
/// `{"type":"clip","name":"talk.mp4"}`.
public enum JobInput: Codable, Sendable, Equatable {
    /// A lavfi test source. Missing resolution and fps follow the job's output values; a missing
    /// duration follows the job's `duration_s`, then the scenario's.
    case generated(GeneratedInput)
    /// A file under one of the agent's allowed roots (absolute, no `..`).
    case file(path: String)
    /// An `rtmp://`, `rtmps://` or `srt://` stream (other schemes only where the policy allows).
    case url(String)
    /// An object in the fleet's `clips` object store bucket (`ffrtmp clips put`); the agent fetches it
    /// once, checks its SHA-256 and keeps it in its clip cache.
    case clip(name: String)

    enum CodingKeys: String, CodingKey, CaseIterable {
        case type, pattern, resolution, fps, path, url, name
        case durationSeconds = "duration_s"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.required(String.self, .type)
        switch type {
        case "generated":
            try decoder.rejectUnknownKeys(GeneratedKeys.self)
            self = .generated(
                GeneratedInput(
                    pattern: try container.required(GeneratedPattern.self, .pattern),
                    resolution: try container.field(Resolution.self, .resolution),
                    fps: try container.field(Double.self, .fps),
                    durationSeconds: try container.field(Double.self, .durationSeconds)))
        case "file":
            try decoder.rejectUnknownKeys(FileKeys.self)
            self = .file(path: try container.required(String.self, .path))
        case "url":
            try decoder.rejectUnknownKeys(URLKeys.self)
            self = .url(try container.required(String.self, .url))
        case "clip":
            try decoder.rejectUnknownKeys(ClipKeys.self)
            self = .clip(name: try container.required(String.self, .name))
        default:
            throw container.unknownType(
                type, kind: "input", allowed: ["generated", "file", "url", "clip"], typeKey: .type)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .generated(let input):
            try container.encode("generated", forKey: .type)
            try container.encode(input.pattern, forKey: .pattern)
            try container.encodeIfPresent(input.resolution, forKey: .resolution)
            try container.encodeIfPresent(input.fps, forKey: .fps)
            try container.encodeIfPresent(input.durationSeconds, forKey: .durationSeconds)
        case .file(let path):
            try container.encode("file", forKey: .type)
            try container.encode(path, forKey: .path)
        case .url(let url):
            try container.encode("url", forKey: .type)
            try container.encode(url, forKey: .url)
        case .clip(let name):
            try container.encode("clip", forKey: .type)
            try container.encode(name, forKey: .name)
        }
    }

    private enum GeneratedKeys: String, CodingKey, CaseIterable {
        case type, pattern, resolution, fps
        case durationSeconds = "duration_s"
    }
    private enum FileKeys: String, CodingKey, CaseIterable { case type, path }
    private enum URLKeys: String, CodingKey, CaseIterable { case type, url }
    private enum ClipKeys: String, CodingKey, CaseIterable { case type, name }
}

/// A generated (lavfi) input as a job states it; the validator fills in what is missing.
public struct GeneratedInput: Sendable, Equatable {
    public var pattern: GeneratedPattern
    public var resolution: Resolution?
    public var fps: Double?
    public var durationSeconds: Double?

    public init(
        pattern: GeneratedPattern = .testsrc2, resolution: Resolution? = nil, fps: Double? = nil,
        durationSeconds: Double? = nil
    ) {
        self.pattern = pattern
        self.resolution = resolution
        self.fps = fps
        self.durationSeconds = durationSeconds
    }
}
