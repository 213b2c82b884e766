/// `withUnsafeBytes` for code with typed throws: the standard library's versions rethrow untyped errors.
extension Array where Element == UInt8 {
    /// Runs `body` over the array's bytes, passing its `TLSError` through.
    func withBytes<Result>(
        _ body: (UnsafeRawBufferPointer) throws(TLSError) -> Result
    ) throws(TLSError) -> Result {
        let outcome = withUnsafeBytes { bytes in Swift.Result { () throws(TLSError) -> Result in try body(bytes) } }
        return try outcome.get()
    }

    /// Runs `body` over the array's bytes, mutable, passing its `TLSError` through.
    mutating func withMutableBytes<Result>(
        _ body: (UnsafeMutableRawBufferPointer) throws(TLSError) -> Result
    ) throws(TLSError) -> Result {
        let outcome = withUnsafeMutableBytes { bytes in
            Swift.Result { () throws(TLSError) -> Result in try body(bytes) }
        }
        return try outcome.get()
    }
}
