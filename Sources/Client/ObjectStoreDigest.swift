import COpenSSL
import FoundationEssentials

/// A running SHA-256 over an object's bytes, written as the object store's meta states it:
/// `SHA-256=<base64url with padding>` (nats.go and nats-py write it so, and accept `sha-256=` too).
///
/// Not `Sendable`: one reader or writer feeds it from one thread.
public final class ObjectDigest {
    /// OpenSSL's digest context; freed in `deinit`.
    private let context: OpaquePointer

    /// The prefix the meta's `digest` carries before the base64url hash.
    public static let prefix = "SHA-256="

    public init() {
        guard let context = EVP_MD_CTX_new() else { preconditionFailure("OpenSSL cannot allocate a digest context") }
        self.context = context
        EVP_DigestInit_ex(context, EVP_sha256(), nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds `bytes` to the hash.
    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        EVP_DigestUpdate(context, base, bytes.count)
    }

    /// Adds `bytes` to the hash.
    public func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    /// The 32-byte hash of everything added; the digest cannot be updated afterwards.
    public func finish() -> [UInt8] {
        var hash = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &hash, &length)
        return Array(hash.prefix(Int(length)))
    }

    /// `SHA-256=<base64url>` of everything added.
    public func finishText() -> String { Self.text(finish()) }

    /// `hash` as the meta's `digest` writes it.
    public static func text(_ hash: [UInt8]) -> String { prefix + Base64URL.encode(hash) }

    /// The hash a meta `digest` names, or nil when it is not `SHA-256=` (any case) and 32 bytes of base64url.
    public static func hash(of text: String) -> [UInt8]? {
        guard text.utf8.count > prefix.utf8.count, text.uppercased().hasPrefix(prefix) else { return nil }
        guard let hash = Base64URL.decode(String(text.dropFirst(prefix.count))), hash.count == 32 else { return nil }
        return hash
    }

    /// `SHA-256=<base64url>` of `bytes`.
    public static func text(of bytes: [UInt8]) -> String {
        let digest = ObjectDigest()
        digest.update(bytes)
        return digest.finishText()
    }

    /// Whether two digest texts name the same hash (they may differ in the prefix's case or padding).
    public static func same(_ left: String, _ right: String) -> Bool {
        guard let left = hash(of: left), let right = hash(of: right) else { return false }
        return left == right
    }
}

/// Base64 with the URL alphabet (`-` and `_`) and `=` padding, as Go's `base64.URLEncoding` and Python's
/// `urlsafe_b64encode` write it; decoding also takes text without padding.
public enum Base64URL {
    public static func encode(_ bytes: [UInt8]) -> String {
        var text = Data(bytes).base64EncodedString()
        text = String(text.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 })
        return text
    }

    public static func encode(_ text: String) -> String { encode(Array(text.utf8)) }

    /// The bytes of `text`, or nil when it is not base64url.
    public static func decode(_ text: String) -> [UInt8]? {
        guard text.utf8.allSatisfy({ $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "/") }) else { return nil }
        var standard = String(text.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
        while standard.utf8.count % 4 != 0 { standard += "=" }
        return Data(base64Encoded: standard).map(Array.init)
    }
}
