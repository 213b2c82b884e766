/// Where a job's encoded video goes, tagged by `type` in JSON: `{"type":"null"}` (encode and
/// discard: the benchmark case), `{"type":"file","name":"out.mp4"}` (a plain file name inside
/// the agent's work directory, removed after the job) or `{"type":"url","url":"rtmp://…"}`.
public enum JobOutput: Codable, Sendable, Equatable {
    case null
    case file(name: String)
    case url(String)

    enum CodingKeys: String, CodingKey, CaseIterable { case type, name, url }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.required(String.self, .type)
        switch type {
        case "null":
            try decoder.rejectUnknownKeys(NullKeys.self)
            self = .null
        case "file":
            try decoder.rejectUnknownKeys(FileKeys.self)
            self = .file(name: try container.required(String.self, .name))
        case "url":
            try decoder.rejectUnknownKeys(URLKeys.self)
            self = .url(try container.required(String.self, .url))
        default:
            throw container.unknownType(type, kind: "output", allowed: ["null", "file", "url"], typeKey: .type)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .null:
            try container.encode("null", forKey: .type)
        case .file(let name):
            try container.encode("file", forKey: .type)
            try container.encode(name, forKey: .name)
        case .url(let url):
            try container.encode("url", forKey: .type)
            try container.encode(url, forKey: .url)
        }
    }

    private enum NullKeys: String, CodingKey, CaseIterable { case type }
    private enum FileKeys: String, CodingKey, CaseIterable { case type, name }
    private enum URLKeys: String, CodingKey, CaseIterable { case type, url }
}
