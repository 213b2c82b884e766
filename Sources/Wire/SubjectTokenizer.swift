/// Splits a subject's bytes at each `.` into tokens, without allocating.
///
/// Every separator produces a token, so empty tokens are reported as such: `""` yields one empty
/// token, `"a."` yields `"a"` and `""`, `"a..b"` yields `"a"`, `""`, `"b"`. Callers decide what an
/// empty token means (invalid for validation, "matches nothing" for routing).
///
/// The tokens are views into the bytes given to `init`; they are valid as long as those bytes are.
/// It is `@inlinable` because the broker's subject index calls it once per token per message from
/// another module, where an opaque call per token would cost more than the work it does.
public struct SubjectTokenizer: IteratorProtocol {
    @usableFromInline let bytes: UnsafeRawBufferPointer
    @usableFromInline var position = 0
    @usableFromInline var isFinished = false

    @inlinable public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The next token, or nil after the last one.
    @inlinable public mutating func next() -> UnsafeRawBufferPointer? {
        if isFinished { return nil }
        let start = position
        var index = start
        let end = bytes.count
        while index < end && bytes[index] != UInt8(ascii: ".") { index += 1 }
        if index == end {
            isFinished = true
        } else {
            position = index + 1
        }
        return UnsafeRawBufferPointer(rebasing: bytes[start..<index])
    }
}
