#if canImport(Glibc)
    import Glibc
#endif

/// Why a store operation failed. Every case names the file or directory involved.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A write found no space left on the device (ENOSPC or EDQUOT). Nothing after the last successful
    /// `sync()` was kept; the store is still usable once space is freed.
    case diskFull(path: String)
    /// A system call failed with `code` (an errno value).
    case ioFailure(operation: String, path: String, code: Int32)
    /// Another process (or another open store in this one) holds the directory's lock file.
    case locked(path: String)
    /// A record read back from `path` at `offset` no longer matches its checksum (bit rot, or the file
    /// was changed underneath the store).
    case corruptRecord(path: String, offset: Int64)
    /// A message or state record is larger than the configured limit.
    case recordTooLarge(bytes: Int, limit: Int)
    /// A setting is out of range; the text names it.
    case invalidOptions(String)
    /// A stream or consumer name cannot be used as a directory name.
    case invalidName(String)
    /// A subject is empty or longer than 65535 bytes.
    case invalidSubject(String)
    /// The store was closed or destroyed.
    case closed(path: String)
    /// An earlier failure could not be undone (truncating back to the last durable point failed), so
    /// the in-memory state may no longer match the files; close and reopen the store.
    case unusable(path: String, reason: String)

    /// The error for a failed system call on `path`: ENOSPC and EDQUOT become `diskFull`.
    public static func failure(_ operation: String, path: String, code: Int32) -> StoreError {
        if code == ENOSPC || code == EDQUOT { return .diskFull(path: path) }
        return .ioFailure(operation: operation, path: path, code: code)
    }

    public var description: String {
        switch self {
        case .diskFull(let path):
            return "no space left on device while writing \(path)"
        case .ioFailure(let operation, let path, let code):
            return "\(operation) \(path): \(String(cString: strerror(code))) (errno \(code))"
        case .locked(let path):
            return "\(path) is locked by another open store"
        case .corruptRecord(let path, let offset):
            return "record at offset \(offset) of \(path) fails its checksum"
        case .recordTooLarge(let bytes, let limit):
            return "record of \(bytes) bytes exceeds the limit of \(limit) bytes"
        case .invalidOptions(let text):
            return "invalid store options: \(text)"
        case .invalidName(let name):
            return "invalid store name \"\(name)\""
        case .invalidSubject(let subject):
            return "subject \"\(subject.prefix(80))\" is empty or longer than 65535 bytes"
        case .closed(let path):
            return "store \(path) is closed"
        case .unusable(let path, let reason):
            return "store \(path) is unusable until reopened: \(reason)"
        }
    }
}
