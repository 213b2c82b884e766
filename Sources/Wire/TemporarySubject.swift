// TEMPORARY: replaced by the routing helper's Subject.swift on merge.
public enum Subject {
    public static func isValidPublish(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard !bytes.isEmpty else { return false }
        var tokenLength = 0
        var tokenIsWildcard = false
        for byte in bytes {
            if byte == 0x20 || byte == 0x09 || byte == 0x0d || byte == 0x0a { return false }
            if byte == UInt8(ascii: ".") {
                if tokenLength == 0 || tokenIsWildcard { return false }
                tokenLength = 0
                continue
            }
            tokenIsWildcard = tokenLength == 0 && (byte == UInt8(ascii: "*") || byte == UInt8(ascii: ">"))
            if tokenLength > 0 { tokenIsWildcard = false }
            tokenLength += 1
        }
        return tokenLength > 0 && !(tokenLength == 1 && tokenIsWildcard)
    }
    public static func isValidSubscribe(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        if text.isEmpty { return false }
        let tokens = text.split(separator: ".", omittingEmptySubsequences: false)
        for (i, token) in tokens.enumerated() {
            if token.isEmpty { return false }
            if token.contains(where: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }) { return false }
            if token == ">" && i != tokens.count - 1 { return false }
        }
        return true
    }
    public static func matches(pattern: String, subject: String) -> Bool {
        let p = pattern.split(separator: ".", omittingEmptySubsequences: false)
        let s = subject.split(separator: ".", omittingEmptySubsequences: false)
        var i = 0
        while i < p.count {
            if p[i] == ">" { return s.count > i }
            if i >= s.count { return false }
            if p[i] != "*" && p[i] != s[i] { return false }
            i += 1
        }
        return i == s.count
    }
}
