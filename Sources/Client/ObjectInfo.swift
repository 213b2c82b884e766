import FoundationEssentials

/// An object's meta message, the JSON nats.go and nats-py publish on `$O.<bucket>.M.<base64url(name)>`:
/// where its chunks are (`nuid`), how many and how big, when it was written and its SHA-256.
/// Decoding is lenient about fields other clients add (`description`, `headers`) and strict about
/// nothing else: every number and text is checked by the reader before use, since meta comes from
/// the network.
public struct ObjectInfo: Codable, Sendable, Equatable {
    public var name: String
    public var bucket: String
    /// The random token of the chunk subject `$O.<bucket>.C.<nuid>`.
    public var nuid: String
    public var size: UInt64
    public var chunks: Int
    /// RFC 3339 time of the write (empty for a deleted object).
    public var mtime: String
    /// `SHA-256=<base64url>` of the whole object (empty for a deleted object).
    public var digest: String
    public var deleted: Bool
    public var description: String?
    public var options: Options?

    /// The meta's `options`: the chunk size used, or a link to another object (not followed here).
    public struct Options: Codable, Sendable, Equatable {
        public var maxChunkSize: Int?
        /// Present on links; ffrtmp reads no links and says so.
        public var link: Link?

        public struct Link: Codable, Sendable, Equatable {
            public var bucket: String?
            public var name: String?
        }

        enum CodingKeys: String, CodingKey {
            case link
            case maxChunkSize = "max_chunk_size"
        }
    }

    public init(
        name: String, bucket: String, nuid: String, size: UInt64, chunks: Int, mtime: String, digest: String,
        deleted: Bool = false, options: Options? = nil
    ) {
        self.name = name
        self.bucket = bucket
        self.nuid = nuid
        self.size = size
        self.chunks = chunks
        self.mtime = mtime
        self.digest = digest
        self.deleted = deleted
        self.options = options
    }

    enum CodingKeys: String, CodingKey {
        case name, bucket, nuid, size, chunks, mtime, digest, deleted, description, options
    }

    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        name = try values.decode(String.self, forKey: .name)
        bucket = try values.decodeIfPresent(String.self, forKey: .bucket) ?? ""
        nuid = try values.decodeIfPresent(String.self, forKey: .nuid) ?? ""
        size = try values.decodeIfPresent(UInt64.self, forKey: .size) ?? 0
        chunks = try values.decodeIfPresent(Int.self, forKey: .chunks) ?? 0
        mtime = try values.decodeIfPresent(String.self, forKey: .mtime) ?? ""
        digest = try values.decodeIfPresent(String.self, forKey: .digest) ?? ""
        deleted = try values.decodeIfPresent(Bool.self, forKey: .deleted) ?? false
        description = try values.decodeIfPresent(String.self, forKey: .description)
        options = try values.decodeIfPresent(Options.self, forKey: .options)
    }

    public func encode(to encoder: any Encoder) throws {
        var values = encoder.container(keyedBy: CodingKeys.self)
        try values.encode(name, forKey: .name)
        try values.encodeIfPresent(description, forKey: .description)
        try values.encodeIfPresent(options, forKey: .options)
        try values.encode(bucket, forKey: .bucket)
        try values.encode(nuid, forKey: .nuid)
        try values.encode(size, forKey: .size)
        try values.encode(mtime, forKey: .mtime)
        try values.encode(chunks, forKey: .chunks)
        try values.encode(digest, forKey: .digest)
        if deleted { try values.encode(true, forKey: .deleted) }
    }
}
