#if canImport(Glibc)
    import Glibc
#endif

/// Polls `condition` every 5 ms until it holds or `timeout` passes; true when it held. For state
/// that another thread (a broker loop, a client's reader, a server) changes a moment later.
public func eventually(timeout: Duration = .seconds(10), _ condition: () throws -> Bool) rethrows -> Bool {
    let clock = ContinuousClock()
    let end = clock.now + timeout
    while clock.now < end {
        if try condition() { return true }
        usleep(5_000)
    }
    return try condition()
}
