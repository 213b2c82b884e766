#if canImport(Glibc)
    import Glibc
#endif
import COpenSSL
import Synchronization

/// The secret keys that seal a server's session tickets (AES-256-CBC plus HMAC-SHA256, as OpenSSL's
/// own tickets): a current key for new tickets and the one before it, so a ticket issued just before
/// a rotation can still be opened until it expires.
///
/// Whoever holds a key can forge a ticket naming any client, so keys live only in this process's
/// memory (a restart or a reload starts a new ring, voiding every ticket), are drawn from OpenSSL's
/// CSPRNG, and rotate every `rotationInterval` seconds: a key is forgotten at most two intervals after
/// it was made.
final class TicketKeyRing: Sendable {
    /// One key: its public name (sent in the clear inside each ticket) and its two secrets.
    struct Key: Sendable {
        /// Identifies the key in a ticket (16 bytes, random).
        var name: [UInt8]
        /// AES-256 key (32 bytes).
        var cipherKey: [UInt8]
        /// HMAC-SHA256 key (32 bytes).
        var macKey: [UInt8]
        /// When it was made, seconds since the Unix epoch.
        var createdAt: Int

        /// A fresh random key, or nil when OpenSSL's random generator fails.
        static func generate(at now: Int) -> Key? {
            guard let name = randomBytes(nameLength), let cipherKey = randomBytes(32), let macKey = randomBytes(32)
            else { return nil }
            return Key(name: name, cipherKey: cipherKey, macKey: macKey, createdAt: now)
        }
    }

    /// OpenSSL's key name length (TLSEXT_KEYNAME_LENGTH).
    static let nameLength = 16
    /// Seconds between rotations.
    let rotationInterval: Int
    private let keys: Mutex<(current: Key, previous: Key?)>

    init(rotationInterval: Int, now: Int = Int(time(nil))) throws(TLSError) {
        guard let first = Key.generate(at: now) else { throw OpenSSLErrors.failure("RAND_bytes") }
        self.rotationInterval = max(1, rotationInterval)
        keys = Mutex((first, nil))
    }

    /// The key to seal a new ticket with, rotating first when the current one is due; nil when a new
    /// key was due but could not be made (no ticket is issued then).
    func keyForSealing(now: Int = Int(time(nil))) -> Key? {
        keys.withLock { keys in
            rotateIfDue(&keys, now: now) ? keys.current : nil
        }
    }

    /// The key named `name`, if it is still in the ring.
    func key(named name: UnsafeBufferPointer<UInt8>, now: Int = Int(time(nil))) -> Key? {
        keys.withLock { keys in
            _ = rotateIfDue(&keys, now: now)
            if keys.current.name.elementsEqual(name) { return keys.current }
            if let previous = keys.previous, previous.name.elementsEqual(name) { return previous }
            return nil
        }
    }

    /// Replaces the current key when it is `rotationInterval` old (and forgets the one before);
    /// false when that was due and failed.
    private func rotateIfDue(_ keys: inout (current: Key, previous: Key?), now: Int) -> Bool {
        guard now - keys.current.createdAt >= rotationInterval else { return true }
        guard let fresh = Key.generate(at: now) else { return false }
        keys = (fresh, keys.current)
        return true
    }

    private static func randomBytes(_ count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        let result = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(count)) }
        return result == 1 ? bytes : nil
    }
}
