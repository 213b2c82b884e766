/// The last lines of a byte stream (a child's stderr), in bounded memory: at most `capacity`
/// lines of at most `maximumLineBytes` bytes each (longer lines are cut and marked with `…`).
/// Carriage returns end a line too, so ffmpeg's `\r`-refreshed status lines do not pile up.
public struct LogTail: Sendable {
    public let capacity: Int
    public let maximumLineBytes: Int
    private var ring: [String] = []
    private var next = 0
    private var partial: [UInt8] = []
    private var partialCut = false

    public init(capacity: Int, maximumLineBytes: Int = 512) {
        self.capacity = max(0, capacity)
        self.maximumLineBytes = max(1, maximumLineBytes)
    }

    /// Adds bytes; calls `onLine` with each line they complete (empty lines are skipped).
    public mutating func append(_ bytes: some Sequence<UInt8>, onLine: (String) -> Void = { _ in }) {
        for byte in bytes {
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                endLine(onLine)
            } else if partial.count < maximumLineBytes {
                partial.append(byte)
            } else {
                partialCut = true
            }
        }
    }

    /// Ends a last line that had no line end.
    public mutating func finish(onLine: (String) -> Void = { _ in }) {
        endLine(onLine)
    }

    /// The kept lines, oldest first.
    public var lines: [String] {
        ring.count < capacity ? ring : Array(ring[next...] + ring[..<next])
    }

    private mutating func endLine(_ onLine: (String) -> Void) {
        defer {
            partial.removeAll(keepingCapacity: true)
            partialCut = false
        }
        guard !partial.isEmpty else { return }
        let line = String(decoding: partial, as: UTF8.self) + (partialCut ? "…" : "")
        onLine(line)
        guard capacity > 0 else { return }
        if ring.count < capacity {
            ring.append(line)
        } else {
            ring[next] = line
            next = (next + 1) % capacity
        }
    }
}
