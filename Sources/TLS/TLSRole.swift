/// Which end of the handshake a context serves.
public enum TLSRole: String, Equatable, Sendable {
    /// Accepts connections (the broker).
    case server
    /// Starts connections (agents, the master, the CLI).
    case client
}
