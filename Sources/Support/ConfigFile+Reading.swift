#if canImport(Glibc)
    import Glibc
#endif

/// Reading a configuration file from disk.
extension ConfigFile {
    /// Larger files are refused: a configuration this big is a mistake (a log named by accident).
    static let maximumFileSize = 16 << 20

    /// The file's text; throws when it cannot be read, is over 16 MiB or is not UTF-8.
    public static func readText(_ path: String) throws(SupportError) -> String {
        let bytes: [UInt8]
        do {
            bytes = try FileContents.read(path, limit: maximumFileSize)
        } catch .system(let error) {
            throw SupportError("cannot \(error.call) \(path): \(error.reason)")
        } catch {
            throw SupportError("\(path) is larger than \(maximumFileSize >> 20) MiB; is it a configuration file?")
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
