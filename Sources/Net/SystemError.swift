import CSystem
#if canImport(Glibc)
    import Glibc
#endif

/// A failed system call: its name and errno, with the C library's text.
public struct SystemError: Error, CustomStringConvertible, Equatable, Sendable {
    public let call: String
    public let code: Int32

    public init(_ call: String, code: Int32 = CSystem_errno()) {
        self.call = call
        self.code = code
    }

    public var description: String { "\(call): \(String(cString: strerror(code))) (errno \(code))" }
}

/// Runs system calls, retrying on EINTR and turning -1 into a `SystemError` named after the call.
public enum Syscall {
    @inline(__always)
    public static func run(_ name: String, _ call: () -> Int32) throws(SystemError) -> Int32 {
        while true {
            let result = call()
            if result >= 0 { return result }
            let code = CSystem_errno()
            if code == EINTR { continue }
            throw SystemError(name, code: code)
        }
    }
}
