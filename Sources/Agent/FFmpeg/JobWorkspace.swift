#if canImport(Glibc)
    import Glibc
#endif

/// A job's own folder under the agent's work directory, `<root>/<job id>-XXXXXX` (mkdtemp: mode
/// 0700 and a unique suffix, so two attempts of one job never share files). ffmpeg runs in it
/// and writes its outputs there; `remove` deletes it with everything in it.
public struct JobWorkspace: Sendable, Equatable {
    public let path: String

    /// Makes the folder. `jobID` is a validated id (letters, digits, `_`, `-`).
    public static func create(root: String, jobID: String) throws(ProcessError) -> JobWorkspace {
        var template = Array("\(root)/\(jobID)-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in
            mkdtemp(buffer.baseAddress!).map { String(cString: $0) }
        }
        guard let made else { throw ProcessError("mkdtemp", "\(root)/\(jobID)-XXXXXX", code: errno) }
        // Absolute and free of links, whatever the configured root looked like.
        guard let real = realpath(made, nil) else {
            let code = errno
            rmdir(made)
            throw ProcessError("realpath", made, code: code)
        }
        defer { free(real) }
        return JobWorkspace(path: String(cString: real))
    }

    /// Deletes the files in the folder (ffmpeg writes no subfolders), then the folder.
    public func remove() throws(ProcessError) {
        guard let folder = opendir(path) else {
            if errno == ENOENT { return }
            throw ProcessError("opendir", path, code: errno)
        }
        var names: [String] = []
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        closedir(folder)
        for name in names where unlink(path + "/" + name) != 0 && errno != ENOENT {
            throw ProcessError("unlink", path + "/" + name, code: errno)
        }
        guard rmdir(path) == 0 else { throw ProcessError("rmdir", path, code: errno) }
    }
}
