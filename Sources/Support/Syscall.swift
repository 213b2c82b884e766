#if canImport(Glibc)
    import Glibc
#endif

/// Runs system calls, retrying on EINTR: the one place a call interrupted by a signal is tried again.
public enum Syscall {
    /// Calls `call` until it is not interrupted (a negative result with errno EINTR); its last
    /// result, with errno as that call left it. For callers that sort failures out themselves.
    @inlinable
    public static func retryingInterrupts<Result: SignedInteger>(_ call: () -> Result) -> Result {
        while true {
            let result = call()
            if result >= 0 || errno != EINTR { return result }
        }
    }

    /// Calls `call` until it is not interrupted; a negative result becomes a `SystemError` named `name`.
    @inlinable
    public static func run<Result: SignedInteger>(_ name: String, _ call: () -> Result) throws(SystemError) -> Result {
        let result = retryingInterrupts(call)
        if result >= 0 { return result }
        throw SystemError(name, code: errno)
    }

    /// Writes all of `bytes` to `descriptor` (a blocking one), retrying interrupted and short writes.
    public static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) throws(SystemError) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            offset += try run("write") { write(descriptor, base + offset, bytes.count - offset) }
        }
    }

    /// Writes all of `bytes` to `descriptor`; see `writeAll(_:_:)`.
    public static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) throws(SystemError) {
        // withUnsafeBytes rethrows untyped errors, so the failure is carried out as a value.
        let failure = bytes.withUnsafeBytes { raw -> SystemError? in
            do throws(SystemError) { try writeAll(descriptor, raw) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }
}
