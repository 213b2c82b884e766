import Support

#if canImport(Glibc)
    import Glibc
#endif

extension ChildProcess {
    /// Reads the child's output until it exits, then reaps it. `onOutput` gets stdout as it
    /// arrives; `onErrorLine` each stderr line (the last `launch.logTailLines` are also kept).
    /// Past `timeoutSeconds` the child is stopped as `.timedOut`: SIGTERM to its group, SIGKILL
    /// `graceSeconds` later. When the leader exits, anything left in its group is killed (the
    /// leader is still unreaped then, so the group id is still ours). Call once.
    public func wait(
        timeoutSeconds: Double?, graceSeconds: Double = 2, onOutput: (ArraySlice<UInt8>) -> Void = { _ in },
        onErrorLine: (String) -> Void = { _ in }
    ) -> ProcessOutcome {
        let alreadyWaited = state.withLock { state -> Bool in
            defer { state.waited = true }
            return state.waited
        }
        precondition(!alreadyWaited, "ChildProcess.wait called twice for pid \(processID)")
        let deadline = timeoutSeconds.map { startedAt + Clock.duration(seconds: $0) }
        var tail = LogTail(capacity: launch.logTailLines)
        var open = [outputDescriptor, errorDescriptor]
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var exitedAt: UInt64?
        var idleRounds = 0
        while true {
            let now = Clock.monotonicNanoseconds()
            if let deadline, now >= deadline { stop(.timedOut, graceSeconds: graceSeconds) }
            enforceKillDeadline(now: now)
            if exitedAt == nil {
                switch leaderState() {
                case .running:
                    break
                case .exited:
                    exitedAt = now
                    // Stragglers in the group would hold the pipes open forever.
                    if !open.isEmpty { signalGroup(SIGKILL) }
                case .gone:
                    exitedAt = now
                    // Its pid may already belong to someone else: never signal it again.
                    state.withLock { $0.reaped = true }
                }
            }
            if open.isEmpty {
                if exitedAt != nil { break }
                // The pipes close a moment before the exit is visible: look again soon, then
                // back off to 16 ms for a child that closed them and runs on.
                Clock.sleep(seconds: 0.001 * Double(1 << min(idleRounds, 4)))
                idleRounds += 1
                continue
            }
            // Output a process that escaped the group may still hold is given up after a second.
            if let exitedAt, now - exitedAt > Clock.duration(seconds: 1) { break }
            let wait = pollMilliseconds(now: now, deadline: deadline, exited: exitedAt != nil)
            readReady(&open, &buffer, wait: wait, tail: &tail, onOutput: onOutput, onErrorLine: onErrorLine)
        }
        tail.finish(onLine: onErrorLine)
        close(outputDescriptor)
        close(errorDescriptor)
        return reap(exitedAt: exitedAt ?? Clock.monotonicNanoseconds(), logTail: tail.lines)
    }

    /// One poll over the open pipes and a read from each ready one; a pipe at EOF (or failing)
    /// leaves `open`.
    private func readReady(
        _ open: inout [Int32], _ buffer: inout [UInt8], wait: Int32, tail: inout LogTail,
        onOutput: (ArraySlice<UInt8>) -> Void, onErrorLine: (String) -> Void
    ) {
        var polled = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        let ready = poll(&polled, nfds_t(polled.count), wait)
        if ready < 0 {
            // EINTR: try again. Anything else means the descriptors are unusable: stop reading.
            if errno != EINTR { open.removeAll() }
            return
        }
        for entry in polled where entry.revents != 0 {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(entry.fd, $0.baseAddress, $0.count) }
            if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            if count <= 0 {
                open.removeAll { $0 == entry.fd }
                continue
            }
            if entry.fd == outputDescriptor {
                onOutput(buffer[..<count])
            } else {
                tail.append(buffer[..<count], onLine: onErrorLine)
            }
        }
    }

    /// How long one poll may block: up to the next deadline, at most 250 ms (so a kill deadline
    /// set by another thread is noticed), 20 ms once the leader has exited.
    private func pollMilliseconds(now: UInt64, deadline: UInt64?, exited: Bool) -> Int32 {
        var until = now + Clock.duration(seconds: exited ? 0.02 : 0.25)
        if let deadline { until = min(until, max(deadline, now)) }
        if let killDeadline = state.withLock({ $0.killDeadline }) { until = min(until, max(killDeadline, now)) }
        return Int32((until - now) / 1_000_000) + 1
    }

    private func enforceKillDeadline(now: UInt64) {
        let due = state.withLock { state in
            guard let killDeadline = state.killDeadline, now >= killDeadline, !state.killed else { return false }
            return true
        }
        if due { kill() }
    }

    /// Where the leader is: running, exited (a zombie we keep: WNOWAIT), or gone (ECHILD:
    /// reaped by someone else, as when SIGCHLD is set to SIG_IGN).
    private enum LeaderState { case running, exited, gone }

    private func leaderState() -> LeaderState {
        var info = siginfo_t()
        let result = Syscall.retryingInterrupts { waitid(P_PID, id_t(processID), &info, WEXITED | WNOHANG | WNOWAIT) }
        guard result == 0 else { return .gone }
        return info._sifields._sigchld.si_pid == processID ? .exited : .running
    }

    /// Kills what is left of the group, then `wait4`s the leader by pid for its status and rusage.
    private func reap(exitedAt: UInt64, logTail: [String]) -> ProcessOutcome {
        var status: Int32 = 0
        var usage = rusage()
        let (reaped, stopReason) = state.withLock { state -> (Bool, ProcessOutcome.StopReason?) in
            guard !state.reaped else { return (false, state.stopReason) }
            Glibc.kill(-processID, SIGKILL)
            let result = Syscall.retryingInterrupts { wait4(processID, &status, 0, &usage) }
            state.reaped = true
            return (result == processID, state.stopReason)
        }
        // WIFEXITED/WEXITSTATUS/WTERMSIG are macros Swift cannot import; these are glibc's definitions.
        let signal = status & 0x7f
        let termination: ProcessOutcome.Termination =
            !reaped ? .unknown : signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
        return ProcessOutcome(
            termination: termination, stopReason: stopReason, userCPUSeconds: Self.seconds(usage.ru_utime),
            systemCPUSeconds: Self.seconds(usage.ru_stime), maximumResidentBytes: Int64(usage.ru_maxrss) * 1024,
            wallSeconds: Double(exitedAt - startedAt) / 1e9, logTail: logTail)
    }

    private static func seconds(_ time: timeval) -> Double {
        Double(time.tv_sec) + Double(time.tv_usec) / 1e6
    }
}

extension Clock {
    /// `seconds` in nanoseconds (negative counts as 0).
    static func duration(seconds: Double) -> UInt64 {
        UInt64(max(0, seconds) * 1e9)
    }
}
