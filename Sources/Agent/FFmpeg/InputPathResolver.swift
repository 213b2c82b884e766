import Model

#if canImport(Glibc)
    import Glibc
#endif

/// Resolves a file input's symlinks right before the run and checks the real path is still
/// under an allowed root: the validator checked the text, this catches a link inside a root that
/// points outside it. Roots are resolved too (a root may itself be a link).
public enum InputPathResolver {
    /// Why the input cannot be used.
    public enum Problem: Error, Sendable, Equatable {
        /// The real path leaves the allowed roots, or is no regular file: the job can never run
        /// (rejected).
        case refused(JobRejection)
        /// The file is missing or unreadable here (maybe not on another agent): a failure.
        case unavailable(String)
    }

    /// `spec` with a file input's path replaced by its real path; other inputs unchanged.
    public static func resolve(_ spec: JobSpec, roots: [String]) throws(Problem) -> JobSpec {
        guard case .file(let path) = spec.input else { return spec }
        guard let real = realPath(path) else {
            throw .unavailable("input file \(path): \(String(cString: strerror(errno)))")
        }
        let allRoots = roots + roots.compactMap(realPath)
        guard PathRules.isUnder(real, roots: allRoots) else {
            throw .refused(
                JobRejection(
                    field: "input.path", reason: "resolves to \(real), outside the allowed roots", jobID: spec.id))
        }
        var info = stat()
        guard stat(real, &info) == 0 else {
            throw .unavailable("input file \(real): \(String(cString: strerror(errno)))")
        }
        // A FIFO or device would block or never end: only regular files are inputs.
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw .refused(JobRejection(field: "input.path", reason: "is not a regular file", jobID: spec.id))
        }
        var resolved = spec
        resolved.input = .file(path: real)
        return resolved
    }

    private static func realPath(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}
