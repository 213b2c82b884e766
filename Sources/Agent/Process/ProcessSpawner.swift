#if canImport(Glibc)
    import Glibc
#endif

/// Starts a child with `posix_spawn` (no shell, no fork of this multi-threaded process): stdin
/// on /dev/null, stdout and stderr on two pipes, every other descriptor closed, an empty signal
/// mask and default dispositions (the agent blocks signals in its threads), and a process group
/// of its own, so one `kill(-pid, …)` reaches everything the child starts.
enum ProcessSpawner {
    /// A started child and the read ends of its output pipes (close-on-exec).
    struct Spawned {
        var processID: pid_t
        var outputDescriptor: Int32
        var errorDescriptor: Int32
    }

    static func spawn(_ launch: ProcessLaunch) throws(ProcessError) -> Spawned {
        let output = try makePipe(launch.executable)
        let error: (read: Int32, write: Int32)
        do {
            error = try makePipe(launch.executable)
        } catch {
            close(output.read)
            close(output.write)
            throw error
        }
        let processID: pid_t
        do {
            processID = try start(launch, output: output.write, error: error.write)
        } catch let failure {
            for descriptor in [output.read, output.write, error.read, error.write] { close(descriptor) }
            throw failure
        }
        close(output.write)
        close(error.write)
        return Spawned(processID: processID, outputDescriptor: output.read, errorDescriptor: error.read)
    }

    /// A pipe with both ends close-on-exec from birth (`pipe2`); `pipe` + `fcntl` only where the
    /// C library lacks `pipe2`.
    private static func makePipe(_ subject: String) throws(ProcessError) -> (read: Int32, write: Int32) {
        var ends: [Int32] = [-1, -1]
        if let pipe2 = GNULibrary.pipe2 {
            guard pipe2(&ends, O_CLOEXEC) == 0 else { throw ProcessError("pipe2", subject, code: errno) }
            return (ends[0], ends[1])
        }
        guard pipe(&ends) == 0 else { throw ProcessError("pipe", subject, code: errno) }
        for end in ends where fcntl(end, F_SETFD, FD_CLOEXEC) != 0 {
            let code = errno
            close(ends[0])
            close(ends[1])
            throw ProcessError("fcntl(FD_CLOEXEC)", subject, code: code)
        }
        return (ends[0], ends[1])
    }

    private static func start(_ launch: ProcessLaunch, output: Int32, error: Int32) throws(ProcessError) -> pid_t {
        let subject = launch.executable
        var actions = posix_spawn_file_actions_t()
        var status = posix_spawn_file_actions_init(&actions)
        guard status == 0 else { throw ProcessError("posix_spawn_file_actions_init", subject, code: status) }
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        status = posix_spawnattr_init(&attributes)
        guard status == 0 else { throw ProcessError("posix_spawnattr_init", subject, code: status) }
        defer { posix_spawnattr_destroy(&attributes) }

        try check(posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0), "addopen", subject)
        try check(posix_spawn_file_actions_adddup2(&actions, output, 1), "adddup2", subject)
        try check(posix_spawn_file_actions_adddup2(&actions, error, 2), "adddup2", subject)
        if let addCloseFrom = GNULibrary.addCloseFrom {
            // Belt and braces: descriptors some library opened without O_CLOEXEC stay ours.
            try check(addCloseFrom(&actions, 3), "posix_spawn_file_actions_addclosefrom_np", subject)
        }
        if let directory = launch.workingDirectory {
            guard let addDirectoryChange = GNULibrary.addDirectoryChange else {
                throw ProcessError("posix_spawn_file_actions_addchdir_np", directory, code: ENOSYS)
            }
            try check(addDirectoryChange(&actions, directory), "posix_spawn_file_actions_addchdir_np", directory)
        }
        var emptyMask = sigset_t()
        var allSignals = sigset_t()
        sigemptyset(&emptyMask)
        sigfillset(&allSignals)
        try check(posix_spawnattr_setsigmask(&attributes, &emptyMask), "posix_spawnattr_setsigmask", subject)
        try check(posix_spawnattr_setsigdefault(&attributes, &allSignals), "posix_spawnattr_setsigdefault", subject)
        try check(posix_spawnattr_setpgroup(&attributes, 0), "posix_spawnattr_setpgroup", subject)
        let flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP
        try check(posix_spawnattr_setflags(&attributes, Int16(flags)), "posix_spawnattr_setflags", subject)

        let argv = launch.argv.map { strdup($0) }
        let environment = environmentEntries(overriding: launch.environment).map { strdup($0) }
        defer { for pointer in argv + environment { free(pointer) } }
        var argvVector: [UnsafeMutablePointer<CChar>?] = argv + [nil]
        var environmentVector: [UnsafeMutablePointer<CChar>?] = environment + [nil]
        var processID: pid_t = 0
        // glibc's posix_spawn returns only after the child's exec succeeded or failed (it reports
        // exec's errno, e.g. ENOENT for a missing executable).
        let result =
            launch.executable.contains("/")
            ? posix_spawn(&processID, launch.executable, &actions, &attributes, &argvVector, &environmentVector)
            : posix_spawnp(&processID, launch.executable, &actions, &attributes, &argvVector, &environmentVector)
        guard result == 0 else { throw ProcessError("posix_spawn", subject, code: result) }
        return processID
    }

    /// This process's environment with `overrides` set or replaced, as `NAME=value` entries.
    static func environmentEntries(overriding overrides: [String: String]) -> [String] {
        var entries: [String] = []
        var index = 0
        while let entry = environ[index] {
            let text = String(cString: entry)
            let name = text.prefix { $0 != "=" }
            if overrides[String(name)] == nil { entries.append(text) }
            index += 1
        }
        for name in overrides.keys.sorted() { entries.append("\(name)=\(overrides[name] ?? "")") }
        return entries
    }

    private static func check(_ status: Int32, _ call: String, _ subject: String) throws(ProcessError) {
        guard status == 0 else { throw ProcessError(call, subject, code: status) }
    }
}
