/// Durability points and failed writes: the buffer is written when full and synced on `sync()`; when
/// either fails, everything after the last durable point is undone.
extension StreamStore {
    /// Writes the buffer once it holds `writeBufferBytes`.
    func flushIfFull() throws(StoreError) {
        guard writer.buffer.count >= options.writeBufferBytes else { return }
        do { try writer.flush() } catch { throw discardUnsynced(after: error) }
    }

    /// Flushes and `fdatasync`s the active segment.
    func synchronizeActive() throws(StoreError) {
        do { try writer.synchronize() } catch { throw discardUnsynced(after: error) }
        unsyncedRemovals.removeAll(keepingCapacity: true)
    }

    /// Undoes everything after the last durable point of the active segment after a failed write or
    /// sync: cuts the file, drops the appended messages from the index, and re-buffers the tombstones
    /// of removals whose messages are still there. Returns the error to throw.
    func discardUnsynced(after error: StoreError) -> StoreError {
        let segment = active
        do throws(StoreError) { try writer.discardUnsynced() } catch {
            let reason = "could not cut \(segment.path) back after \(error): \(error)"
            failure = .unusable(path: directory, reason: reason)
            logger.error("stream store unusable", ["dir": directory, "error": failure!])
            return failure!
        }
        let durableEnd = writer.durableEnd
        var dropped = 0
        while let last = index.entries.last, last.segment == segment.id, Int64(last.offset) >= durableEnd {
            let entry = index.popLast()!
            sequenceGapPending = true
            guard entry.isLive else { continue }
            subjects.release(entry.subject)
            liveBytes -= Int64(entry.recordBytes)
            segment.liveMessages -= 1
            segment.liveBytes -= Int64(entry.recordBytes)
            dropped += 1
        }
        let removals = unsyncedRemovals
        unsyncedRemovals.removeAll(keepingCapacity: true)
        for removal in removals where !(removal.segment == segment.id && Int64(removal.offset) >= durableEnd) {
            StreamRecord.appendRemoval(to: &writer.buffer, sequence: removal.sequence)
            unsyncedRemovals.append(removal)
        }
        segment.validEnd = writer.end
        logger.warning(
            "stream write failed, unsynced messages discarded",
            ["dir": directory, "error": error, "discarded": dropped, "tombstones_kept": unsyncedRemovals.count])
        return error
    }
}
