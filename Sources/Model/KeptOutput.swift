/// Where a job's output file was kept (`keep_output`): an object in an object store bucket,
/// with the SHA-256 it was stored with (`SHA-256=<base64url>`), in a result's `kept_output`.
public struct KeptOutput: Codable, Sendable, Equatable {
    public var bucket: String
    /// The object's name: the job id.
    public var name: String
    public var digest: String
    public var size: UInt64

    public init(bucket: String, name: String, digest: String, size: UInt64) {
        self.bucket = bucket
        self.name = name
        self.digest = digest
        self.size = size
    }
}
