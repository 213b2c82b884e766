#if canImport(Glibc)
    import Glibc
#endif

/// One agent's hold on its work directory, and the clean-up of what a previous holder left.
///
/// The agent takes an exclusive `flock` on `<work dir>/.agent.lock` for its lifetime: a second
/// agent pointed at the same folder refuses to start instead of killing its neighbour's jobs. The
/// kernel drops the lock when the process dies, however it dies. Holding it, the agent may treat
/// every job folder in the directory as left over from a holder that was killed (SIGKILL, OOM, a
/// crash): ffmpeg runs in its own process group and does not die with the agent, so each process
/// whose working directory is such a folder has its group killed, and the folders are deleted.
public final class WorkDirectoryClaim: Sendable {
    public let directory: String
    private let descriptor: Int32

    /// Takes the lock; throws (`isHeldElsewhere`) when another live agent holds it.
    public init(directory: String) throws(ProcessError) {
        self.directory = directory
        let path = directory + "/.agent.lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw ProcessError("open", path, code: errno) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(descriptor)
            throw ProcessError("flock", path, code: code)
        }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// True for the error `init` throws when another process holds the directory.
    public static func isHeldElsewhere(_ error: ProcessError) -> Bool {
        error.call == "flock" && error.code == EWOULDBLOCK
    }

    /// Kills the process groups of processes left running in job folders and deletes the
    /// folders. Returns what it did, for the log. Call before running any job.
    public func sweepLeftovers(procRoot: String = "/proc") -> (killedGroups: [Int32], removedFolders: [String]) {
        let folders = Self.entries(of: directory).filter { !$0.hasPrefix(".") }.map { directory + "/" + $0 }
        guard !folders.isEmpty else { return ([], []) }
        var groups = Set<Int32>()
        for name in Self.entries(of: procRoot) {
            guard let pid = Int32(name), pid != getpid() else { continue }
            guard let cwd = Self.link(procRoot + "/" + name + "/cwd"),
                folders.contains(where: { cwd == $0 || cwd.hasPrefix($0 + "/") })
            else { continue }
            let group = getpgid(pid)
            if group > 1 && group != getpgrp() { groups.insert(group) } else { kill(pid, SIGKILL) }
        }
        for group in groups { kill(-group, SIGKILL) }
        var removed: [String] = []
        for folder in folders where (try? JobWorkspace(path: folder).remove()) != nil { removed.append(folder) }
        return (groups.sorted(), removed)
    }

    static func entries(of path: String) -> [String] {
        guard let folder = opendir(path) else { return [] }
        defer { closedir(folder) }
        var names: [String] = []
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func link(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
