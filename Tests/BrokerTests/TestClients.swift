import Net
@testable import Broker

/// Client connections for unit tests that need a `Subscription` but no socket.
enum TestClients {
    private static let broker = Broker(config: BrokerConfig())
    private static let context = LoopContext(
        loop: try! EventLoop(index: 0), index: broker.subjectIndex, readBufferSize: 1024)

    /// A client with no socket (fd -1) that is never registered with a loop.
    static func detached(id: UInt64 = 1) -> ClientConnection {
        ClientConnection(id: id, fd: -1, broker: broker, context: context)
    }
}
