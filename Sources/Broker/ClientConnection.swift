/// Placeholder: the broker's client connection (being written).
public final class ClientConnection {
    public let id: UInt64
    init(id: UInt64) { self.id = id }
}
