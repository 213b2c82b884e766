/// Checks on the names written into certificates, so that what is read back is what was asked for.
enum CertificateNames {
    /// The longest common name X.509 allows (ub-common-name).
    static let maximumCommonNameLength = 64

    /// Non-empty, at most 64 bytes, no control characters.
    static func validateCommonName(_ name: String) throws(TLSError) {
        guard !name.isEmpty, name.utf8.count <= maximumCommonNameLength else {
            throw .certificate("common name must be 1 to \(maximumCommonNameLength) bytes: \"\(name)\"")
        }
        guard !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw .certificate("common name contains control characters: \"\(name)\"")
        }
    }

    /// Lower-case letters, digits, `-`, `_` and `.`, so it reads the same as an OU and in a URI.
    static func validateRole(_ role: String) throws(TLSError) {
        let allowed = role.utf8.allSatisfy { byte in
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x5F
                || byte == 0x2E
        }
        guard !role.isEmpty, role.utf8.count <= 64, allowed else {
            throw .certificate("role must be 1 to 64 of a-z 0-9 - _ . : \"\(role)\"")
        }
    }

    /// Letters, digits, `-`, `.` and a leading `*.` wildcard label; at most 253 bytes.
    static func validateDNSName(_ name: String) throws(TLSError) {
        let body = name.hasPrefix("*.") ? String(name.dropFirst(2)) : name
        let allowed = body.utf8.allSatisfy { byte in
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x2D || byte == 0x2E
        }
        guard !body.isEmpty, name.utf8.count <= 253, allowed, !body.hasPrefix("."), !body.contains("..") else {
            throw .certificate("not a DNS name: \"\(name)\"")
        }
    }
}
