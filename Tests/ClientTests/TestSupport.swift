import Client
import Synchronization
import TestSupport
import XCTest
#if canImport(Glibc)
    import Glibc
#endif

/// Collects values from handler threads; tests wait for a count.
final class Collector<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])

    func append(_ value: Value) { values.withLock { $0.append(value) } }

    var all: [Value] { values.withLock { $0 } }

    var count: Int { values.withLock { $0.count } }

    /// Polls until at least `count` values arrived or `timeout` passed; true when they did.
    @discardableResult
    func wait(forCount count: Int, timeout: Duration = .seconds(5)) -> Bool {
        eventually(timeout: timeout) { self.count >= count }
    }
}

/// Options for tests: quick reconnects, no log noise.
func testOptions(name: String = "test") -> ConnectionOptions {
    var options = ConnectionOptions()
    options.name = name
    options.reconnectWait = .milliseconds(50)
    options.reconnectJitter = .milliseconds(10)
    options.logger = nil
    return options
}
