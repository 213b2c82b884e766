/// What can go wrong with an object store call; `description` is meant for users as is.
public enum ObjectStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A bucket name other than letters, digits, `-` and `_`.
    case invalidBucket(String)
    /// An empty object name, one over 255 bytes, or one with control characters.
    case invalidName(String)
    /// The bucket's stream `OBJ_<bucket>` does not exist.
    case bucketNotFound(String)
    /// No such object in the bucket (or it was deleted).
    case objectNotFound(bucket: String, name: String)
    /// The object is larger than the caller allows.
    case tooLarge(name: String, size: UInt64, limit: UInt64)
    /// The bytes read do not hash to the meta's digest.
    case digestMismatch(name: String, expected: String, actual: String)
    /// The meta message is not what an object store writes (or is a link, which ffrtmp does not follow).
    case badMeta(String)
    /// The chunks stopped arriving or do not add up to the meta's size and count.
    case incomplete(String)
    /// Reading the source or writing the destination failed.
    case io(String)
    /// The JetStream call underneath failed.
    case jetStream(JetStreamError)

    public var description: String {
        switch self {
        case .invalidBucket(let bucket):
            "invalid bucket name \"\(bucket)\" (letters, digits, - and _ only)"
        case .invalidName(let name):
            "invalid object name \"\(name)\" (1 to \(ObjectStore.maximumNameLength) bytes, no control characters)"
        case .bucketNotFound(let bucket): "object store bucket \"\(bucket)\" not found (stream OBJ_\(bucket))"
        case .objectNotFound(let bucket, let name): "object \"\(name)\" not found in bucket \"\(bucket)\""
        case .tooLarge(let name, let size, let limit): "object \"\(name)\" is \(size) bytes, over the limit of \(limit)"
        case .digestMismatch(let name, let expected, let actual):
            "object \"\(name)\" does not match its digest: expected \(expected), read \(actual)"
        case .badMeta(let detail): "bad object meta: \(detail)"
        case .incomplete(let detail): "object incomplete: \(detail)"
        case .io(let detail): detail
        case .jetStream(let error): error.description
        }
    }
}
