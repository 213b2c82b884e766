import Client
import Synchronization
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
        waitUntil(timeout: timeout) { self.count >= count }
    }
}

/// Polls `condition` every millisecond until it holds or `timeout` passes.
@discardableResult
func waitUntil(timeout: Duration = .seconds(5), _ condition: () -> Bool) -> Bool {
    let clock = ContinuousClock()
    let end = clock.now + timeout
    while clock.now < end {
        if condition() { return true }
        usleep(1000)
    }
    return condition()
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
