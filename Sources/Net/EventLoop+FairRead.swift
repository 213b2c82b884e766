import Support

/// How one turn of `EventLoop.readFairly` ended.
public enum FairReadEnd {
    /// A short read or `EAGAIN`: the socket is drained and the next edge brings more.
    case drained
    /// The caller stopped the turn: it had no buffer to offer, or its handler said so.
    case stopped
    /// The budget was spent; another turn is scheduled so the loop's other sockets get theirs.
    case yielded
    /// The peer closed its side.
    case endOfStream
    /// The read failed (connection reset, …).
    case failed(SystemError)
}

extension EventLoop {
    /// Reads an edge-triggered socket until the kernel has nothing more, but fairly: after `budget`
    /// full reads it schedules another turn for `handler` and returns, so one busy peer cannot
    /// starve the loop's other connections.
    ///
    /// Each read goes into the free space of the buffer `nextBuffer` offers (nil ends the turn) and is
    /// committed there; `received` handles it and says whether to read on. A short read means the
    /// socket is drained, unless `peerHasClosed` (a hang-up came with the event): then it reads on
    /// to the end of stream, which edge triggering will not report again. Loop thread only.
    public func readFairly(
        _ fd: Int32, for handler: EventHandler, budget: Int, peerHasClosed: Bool,
        into nextBuffer: () -> ByteBuffer?, received: (ByteBuffer, Int) -> Bool
    ) -> FairReadEnd {
        var reads = 0
        while let buffer = nextBuffer() {
            let space = buffer.writableBytes
            switch Socket.read(fd, into: space) {
            case .transferred(let count):
                buffer.commitWritten(count)
                guard received(buffer, count) else { return .stopped }
                if count < space.count && !peerHasClosed { return .drained }
                reads += 1
                if reads >= budget {
                    scheduleRead(handler)
                    return .yielded
                }
            case .wouldBlock: return .drained
            case .endOfStream: return .endOfStream
            case .failed(let error): return .failed(error)
            }
        }
        return .stopped
    }
}
