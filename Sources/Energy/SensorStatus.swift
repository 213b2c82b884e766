/// Whether a sensor can be used, and if not, why in words a user can act on.
public enum SensorStatus: Sendable, Equatable {
    /// Readable and used.
    case available
    /// Not on this machine (no powercap zones, no NVIDIA driver).
    case absent
    /// Present but unreadable by this user; the message says how to fix it.
    case permissionDenied(String)
    /// Present but failing for another reason.
    case failed(String)

    public var isAvailable: Bool { self == .available }

    /// `available`, `absent`, `permission-denied: …`, `failed: …`.
    public var description: String {
        switch self {
        case .available: "available"
        case .absent: "absent"
        case .permissionDenied(let message): "permission-denied: \(message)"
        case .failed(let message): "failed: \(message)"
        }
    }
}
