import Support

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a helper command (`nvidia-smi`) with `posix_spawn`: no shell, an argument vector, both
/// output streams captured through pipes, a deadline after which the child is killed, and the
/// child always reaped.
public enum CommandRunner {
    /// What a finished (or killed) command left.
    public struct Outcome: Sendable, Equatable {
        /// The exit status; nil when it was killed by a signal (the timeout included).
        public var exitStatus: Int32?
        public var standardOutput: String
        public var standardError: String
        public var timedOut: Bool

        public var succeeded: Bool { exitStatus == 0 && !timedOut }
    }

    /// Why a command could not be started.
    public struct LaunchError: Error, Sendable, Equatable, CustomStringConvertible {
        public var executable: String
        public var call: String
        public var code: Int32
        public var description: String { "\(call) \(executable): \(String(cString: strerror(code)))" }
        /// The executable was not found (not installed).
        public var isNotFound: Bool { code == ENOENT }
    }

    /// Output beyond this is read and dropped, so a runaway child cannot grow our memory.
    static let outputLimit = 1 << 20

    /// Runs `executable` (searched in PATH when it holds no `/`) with `arguments`, waiting at most
    /// `timeoutSeconds`.
    public static func run(
        _ executable: String, _ arguments: [String], timeoutSeconds: Double
    ) throws(LaunchError) -> Outcome {
        let outputPipe = try makePipe(executable)
        let errorPipe: [Int32]
        do {
            errorPipe = try makePipe(executable)
        } catch {
            close(outputPipe[0])
            close(outputPipe[1])
            throw error
        }
        let child: pid_t
        do {
            child = try spawn(executable, arguments, output: outputPipe[1], error: errorPipe[1])
        } catch {
            for descriptor in outputPipe + errorPipe { close(descriptor) }
            throw error
        }
        close(outputPipe[1])
        close(errorPipe[1])
        defer {
            close(outputPipe[0])
            close(errorPipe[0])
        }
        let deadline = Clock.monotonicNanoseconds() + UInt64(max(0, timeoutSeconds) * 1e9)
        var output: [UInt8] = []
        var errorOutput: [UInt8] = []
        let timedOut = !drain(outputPipe[0], errorPipe[0], into: &output, &errorOutput, deadline: deadline)
        // The child leads its own process group, so this also ends anything it started.
        if timedOut && kill(-child, SIGKILL) != 0 { kill(child, SIGKILL) }
        let status = reap(child)
        return Outcome(
            exitStatus: status, standardOutput: String(decoding: output, as: UTF8.self),
            standardError: String(decoding: errorOutput, as: UTF8.self), timedOut: timedOut)
    }

    /// A pipe whose two ends close on exec (pipe2 is not visible to Swift without _GNU_SOURCE;
    /// another thread's fork in between could inherit them, which costs nothing but a descriptor).
    private static func makePipe(_ executable: String) throws(LaunchError) -> [Int32] {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw LaunchError(executable: executable, call: "pipe", code: errno) }
        for end in ends where fcntl(end, F_SETFD, FD_CLOEXEC) != 0 {
            let code = errno
            close(ends[0])
            close(ends[1])
            throw LaunchError(executable: executable, call: "fcntl", code: code)
        }
        return ends
    }

    /// Starts the child with its stdout and stderr on the pipes, stdin on /dev/null, default
    /// signal handling, an empty signal mask (the agent may block signals in its threads) and a
    /// process group of its own (a timeout kills the whole group).
    private static func spawn(
        _ executable: String, _ arguments: [String], output: Int32, error: Int32
    ) throws(LaunchError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        let actionsStatus = posix_spawn_file_actions_init(&actions)
        guard actionsStatus == 0 else {
            throw LaunchError(executable: executable, call: "posix_spawn_file_actions_init", code: actionsStatus)
        }
        defer { posix_spawn_file_actions_destroy(&actions) }
        let attributesStatus = posix_spawnattr_init(&attributes)
        guard attributesStatus == 0 else {
            throw LaunchError(executable: executable, call: "posix_spawnattr_init", code: attributesStatus)
        }
        defer { posix_spawnattr_destroy(&attributes) }
        var checks: [Int32] = [
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0),
            posix_spawn_file_actions_adddup2(&actions, output, 1),
            posix_spawn_file_actions_adddup2(&actions, error, 2),
        ]
        var emptyMask = sigset_t()
        var defaultSignals = sigset_t()
        sigemptyset(&emptyMask)
        sigfillset(&defaultSignals)
        checks.append(posix_spawnattr_setsigmask(&attributes, &emptyMask))
        checks.append(posix_spawnattr_setsigdefault(&attributes, &defaultSignals))
        checks.append(posix_spawnattr_setpgroup(&attributes, 0))
        let flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP
        checks.append(posix_spawnattr_setflags(&attributes, Int16(flags)))
        if let failure = checks.first(where: { $0 != 0 }) {
            throw LaunchError(executable: executable, call: "posix_spawn setup", code: failure)
        }
        let argv = ([executable] + arguments).map { strdup($0) }
        defer { for pointer in argv { free(pointer) } }
        var vector: [UnsafeMutablePointer<CChar>?] = argv + [nil]
        var child: pid_t = 0
        let result =
            executable.contains("/")
            ? posix_spawn(&child, executable, &actions, &attributes, &vector, environ)
            : posix_spawnp(&child, executable, &actions, &attributes, &vector, environ)
        guard result == 0 else { throw LaunchError(executable: executable, call: "posix_spawn", code: result) }
        return child
    }

    /// Reads both pipes until both close; false when the deadline passed first.
    private static func drain(
        _ outputDescriptor: Int32, _ errorDescriptor: Int32, into output: inout [UInt8], _ errorOutput: inout [UInt8],
        deadline: UInt64
    ) -> Bool {
        var open: [Int32] = [outputDescriptor, errorDescriptor]
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while !open.isEmpty {
            let now = Clock.monotonicNanoseconds()
            guard now < deadline else { return false }
            var polled = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let waitMilliseconds = Int32(min((deadline - now) / 1_000_000 + 1, 1000))
            let ready = poll(&polled, nfds_t(polled.count), waitMilliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                return false
            }
            for entry in polled where entry.revents != 0 {
                let count = Syscall.retryingInterrupts {
                    chunk.withUnsafeMutableBytes { Glibc.read(entry.fd, $0.baseAddress, $0.count) }
                }
                if count <= 0 {
                    open.removeAll { $0 == entry.fd }
                    continue
                }
                if entry.fd == outputDescriptor {
                    if output.count < outputLimit { output.append(contentsOf: chunk[..<count]) }
                } else if errorOutput.count < outputLimit {
                    errorOutput.append(contentsOf: chunk[..<count])
                }
            }
        }
        return true
    }

    /// Waits for the child; its exit status, or nil when a signal ended it (or it cannot be
    /// waited for: someone set SIGCHLD to SIG_IGN and the kernel reaped it).
    private static func reap(_ child: pid_t) -> Int32? {
        var status: Int32 = 0
        guard Syscall.retryingInterrupts({ waitpid(child, &status, 0) }) == child else { return nil }
        // WIFEXITED / WEXITSTATUS are macros Swift cannot import; these are their glibc definitions.
        let terminatingSignal = status & 0x7f
        return terminatingSignal == 0 ? (status >> 8) & 0xff : nil
    }
}
