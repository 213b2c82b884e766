#if canImport(Glibc)
    import Glibc
#endif

/// Texts for system error numbers, for messages.
enum SystemText {
    /// `strerror` for `code`, e.g. "No such file or directory".
    static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
