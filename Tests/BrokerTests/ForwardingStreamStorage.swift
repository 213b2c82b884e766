@testable import Broker
import Store

/// A stream storage that hands every call to a memory storage inside it. A test subclasses it and
/// overrides only the calls it counts, holds or makes fail.
class ForwardingStreamStorage: StreamStorage {
    private let inner = MemoryStreamStorage()

    func append(subject: String, headers: [UInt8], payload: [UInt8], timestamp: Int64?) throws -> UInt64 {
        try inner.append(subject: subject, headers: headers, payload: payload, timestamp: timestamp)
    }
    func sync() throws { try inner.sync() }
    func message(at sequence: UInt64) throws -> StoredMessage? { try inner.message(at: sequence) }
    @discardableResult func remove(_ sequence: UInt64) throws -> Bool { try inner.remove(sequence) }
    @discardableResult func purge() throws -> Int { try inner.purge() }
    var state: StreamState { inner.state }
    func contains(_ sequence: UInt64) -> Bool { inner.contains(sequence) }
    func nextSequence(after sequence: UInt64, matching filter: (String) -> Bool) -> UInt64? {
        inner.nextSequence(after: sequence, matching: filter)
    }
    func count(after sequence: UInt64, matching filter: (String) -> Bool) -> Int {
        inner.count(after: sequence, matching: filter)
    }
    func lastSequence(onSubject subject: String) -> UInt64? { inner.lastSequence(onSubject: subject) }
    func messageCount(onSubject subject: String) -> Int { inner.messageCount(onSubject: subject) }
    func previousSequence(before sequence: UInt64, onSubject subject: String) -> UInt64? {
        inner.previousSequence(before: sequence, onSubject: subject)
    }
    func close() throws { try inner.close() }
    func destroy() throws { try inner.destroy() }
}
