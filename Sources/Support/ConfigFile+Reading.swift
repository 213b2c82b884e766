#if canImport(Glibc)
    import Glibc
#endif

/// Reading a configuration file from disk with plain `open` and `read`.
extension ConfigFile {
    /// Larger files are refused: a configuration this big is a mistake (a log named by accident).
    static let maximumFileSize = 16 << 20

    /// The file's text; throws when it cannot be read, is over 16 MiB or is not UTF-8.
    public static func readText(_ path: String) throws(SupportError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 { throw SupportError("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { buffer in read(descriptor, buffer.baseAddress, buffer.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw SupportError("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > maximumFileSize {
                throw SupportError("\(path) is larger than \(maximumFileSize >> 20) MiB; is it a configuration file?")
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw SupportError("\(path):\(firstInvalidLine(bytes)): not UTF-8 text")
        }
        return text
    }

    /// The line holding the first byte sequence that is not UTF-8.
    static func firstInvalidLine(_ bytes: [UInt8]) -> Int {
        var line = 1
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        while case .valid(let scalar) = parser.parseScalar(from: &iterator) {
            if scalar.count == 1, scalar.first == ConfigByte.newline { line += 1 }
        }
        return line
    }
}
