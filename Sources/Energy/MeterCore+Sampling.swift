/// One domain's result for one interval, before it is booked to the jobs.
enum DomainOutcome {
    /// Energy over the part of the interval that was measured (`gaps.fraction` was not).
    case measured(IntervalAttribution, DomainDescription, wraps: Int, note: String?, gaps: CounterGaps)
    /// Nothing of the interval could be measured.
    case gap(DomainDescription, CounterGaps)
}

/// The part of one interval in which a domain's counters could not be trusted.
struct CounterGaps {
    /// Stretches between counter reads that were gaps.
    var count = 0
    /// The share of the interval they took (0…1).
    var fraction = 0.0
    /// Seconds per zone name whose reads came later than its safe interval.
    var lateZoneSeconds: [String: Double] = [:]

    /// A whole interval lost.
    static let whole = CounterGaps(count: 1, fraction: 1)
}

/// One sample: read every sensor, close the interval since the last sample, split each domain's
/// energy among the jobs alive in it (docs/energy.md, "Attribution when jobs overlap").
extension MeterCore {
    /// `rapl` holds the counter sums at `now`; `gpu` the GPU readings since the last sample.
    mutating func sample(now: UInt64, rapl: [String: RAPLTotals]?, gpu: GPUBatch?) {
        let host = cpuReader.hostTimes()
        let jobCPU = readJobCPU()
        guard let previousTime, now > previousTime else {
            // First sample, or the time did not move: only jobs new since then get a baseline.
            for (id, seconds) in jobCPU where jobs[id]?.cpuSeconds == nil { jobs[id]?.cpuSeconds = seconds }
            if self.previousTime == nil { startCounters(now: now, host: host, rapl: rapl, gpu: gpu) }
            countSample(now: now)
            return
        }
        let seconds = Double(now - previousTime) / 1e9
        var utilization: Double? = nil
        var busySeconds = 0.0
        if let host, let previousHost {
            // An interval shorter than a clock tick (a job's end right after a sample) moves no
            // counter: it keeps the last utilisation rather than becoming a gap.
            utilization =
                host.total == previousHost.total ? lastUtilization : host.utilization(since: previousHost)
            if host.busy >= previousHost.busy { busySeconds = cpuReader.seconds(host.busy - previousHost.busy) }
        }
        lastUtilization = utilization ?? lastUtilization
        let processUse = gpu?.processUse
        let shares = jobShares(from: previousTime, to: now, cpu: jobCPU, processUse: processUse)
        var outcomes = cpuOutcomes(
            seconds: seconds, utilization: utilization, busySeconds: busySeconds, shares: shares, rapl: rapl)
        outcomes += gpuOutcomes(shares: shares, processUse: processUse, batch: gpu)
        book(outcomes, shares: shares, seconds: seconds)
        for (id, cumulative) in jobCPU { jobs[id]?.cpuSeconds = cumulative }
        self.previousTime = now
        previousHost = host ?? previousHost
        countSample(now: now)
    }

    /// RAPL domains (from the sums the counter reads built since the last sample), or the estimate
    /// when no counter can be read.
    private mutating func cpuOutcomes(
        seconds: Double, utilization: Double?, busySeconds: Double, shares: [JobIntervalShare],
        rapl current: [String: RAPLTotals]?
    ) -> [DomainOutcome] {
        if usesRAPL {
            guard let current else { return [] }
            defer { previousRAPL = current }
            guard let previous = previousRAPL else { return [] }
            return ["package", "dram", "psys"].compactMap { domain -> DomainOutcome? in
                guard let sums = current[domain] else { return nil }
                let change = sums.since(previous[domain] ?? RAPLTotals())
                let description = raplDescription(domain, sums)
                let covered = change.measuredSeconds + change.gapSeconds
                var gaps = CounterGaps(
                    count: change.gaps, fraction: covered > 0 ? change.gapSeconds / covered : 0,
                    lateZoneSeconds: change.lateZoneSeconds)
                if gaps.fraction > 0 { gaps.count = max(gaps.count, 1) }
                guard gaps.fraction < 1 else { return .gap(description, gaps) }
                // The split's seconds are the measured part (telemetry's watts divide by them).
                let split = EnergyAttribution.splitCPU(
                    domain: domain, seconds: covered > 0 ? seconds * (1 - gaps.fraction) : seconds,
                    joules: change.joules, utilization: utilization,
                    hostBusySeconds: busySeconds, jobs: shares)
                return .measured(split, description, wraps: change.wraps, note: sums.note, gaps: gaps)
            }
        }
        guard let estimate else { return [] }
        let description = estimateDescription(estimate)
        guard let utilization else { return [.gap(description, .whole)] }
        // Rectangle rule: u_k is known only as the interval's mean.
        let joules = estimate.watts(utilization: utilization) * seconds
        let split = EnergyAttribution.splitCPU(
            domain: "cpu", seconds: seconds, joules: joules, utilization: utilization, hostBusySeconds: busySeconds,
            jobs: shares)
        return [.measured(split, description, wraps: 0, note: nil, gaps: CounterGaps())]
    }

    /// GPU domains: learn P_idle from quiet intervals, then split. Quiet means no encoder sessions
    /// (when the count is known) and no job of ours on the GPU: a GPU without NVENC (H100) always
    /// reports 0 sessions, and seen on an H200 that would take a loaded interval for idle. The energy
    /// is what the readings in `batch` add up to (one at the sample, or those the GPU thread took).
    private mutating func gpuOutcomes(
        shares: [JobIntervalShare], processUse: [GPUProcessUtilization]?, batch: GPUBatch?
    ) -> [DomainOutcome] {
        guard let batch, !gpuChannels.isEmpty else { return [] }
        var outcomes: [DomainOutcome] = []
        for offset in gpuChannels.indices where gpuChannels[offset].gpu.source != .notMeasured {
            let index = gpuChannels[offset].gpu.index
            var joules = 0.0
            var measuredSeconds = 0.0
            var gapSeconds = 0.0
            var gapCount = 0
            var encoderSessions: Int?
            for (time, gpus) in batch.readings {
                let reading = gpus.first { $0.index == index }
                guard let interval = gpuChannels[offset].integrator.advance(time: time, reading: reading) else {
                    continue
                }
                encoderSessions = interval.encoderSessions
                if let part = interval.joules {
                    joules += part
                    measuredSeconds += interval.seconds
                } else {
                    gapSeconds += interval.seconds
                    gapCount += 1
                }
            }
            guard measuredSeconds + gapSeconds > 0 else { continue }
            let gaps = CounterGaps(count: gapCount, fraction: gapSeconds / (measuredSeconds + gapSeconds))
            guard measuredSeconds > 0 else {
                outcomes.append(.gap(gpuDescription(gpuChannels[offset]), gaps))
                continue
            }
            let jobsOnGPU = shares.contains { $0.aliveFraction > 0 && $0.gpus.contains(index) }
            if !gpuChannels[offset].idleConfigured && !jobsOnGPU && (encoderSessions ?? 0) == 0 {
                let watts = joules / measuredSeconds
                gpuChannels[offset].idleWatts = min(gpuChannels[offset].idleWatts ?? watts, watts)
            }
            let totalWeight = processUse.map { rows in rows.filter { $0.gpu == index }.reduce(0) { $0 + $1.weight } }
            // The split's seconds are the span its readings cover (telemetry's watts divide by them).
            let split = EnergyAttribution.splitGPU(
                domain: gpuChannels[offset].domain, gpu: index, seconds: measuredSeconds, joules: joules,
                idleJoules: (gpuChannels[offset].idleWatts ?? 0) * measuredSeconds, totalWeight: totalWeight,
                jobs: shares)
            outcomes.append(.measured(split, gpuDescription(gpuChannels[offset]), wraps: 0, note: nil, gaps: gaps))
        }
        return outcomes
    }

    /// Books each domain's split into the totals and the ledgers of the jobs alive in the interval.
    private mutating func book(_ outcomes: [DomainOutcome], shares: [JobIntervalShare], seconds: Double) {
        var intervalJoules: [String: Double] = [:]
        var intervals: [IntervalAttribution] = []
        for outcome in outcomes {
            switch outcome {
            case .measured(let attribution, let description, let wraps, let note, let gaps):
                intervals.append(attribution)
                lastSources[description.domain] = description.source
                var domainTotals = totals[description.domain] ?? DomainTotals()
                domainTotals.measuredJoules += attribution.joules
                domainTotals.unattributedJoules += attribution.unattributed
                domainTotals.intervals += 1
                domainTotals.wraps += wraps
                domainTotals.gaps += gaps.count
                totals[description.domain] = domainTotals
                for share in shares where share.aliveFraction > 0 {
                    let split = attribution.jobs[share.jobID]
                    guard description.gpuIndex.map({ share.gpus.contains($0) || split != nil }) ?? true else {
                        continue
                    }
                    let method = description.gpuIndex == nil ? jobs[share.jobID]?.cpuTimeMethod : attribution.method
                    let booked = split ?? .init(dynamic: 0, idle: 0)
                    intervalJoules[share.jobID, default: 0] += booked.total
                    let aliveSeconds = share.aliveFraction * seconds
                    jobs[share.jobID]?.ledger.withComponent(description) { ledger in
                        ledger.add(booked, aliveSeconds: aliveSeconds * (1 - gaps.fraction), method: method ?? "")
                        ledger.wraps += wraps
                        ledger.addGaps(gaps, aliveSeconds: aliveSeconds)
                        if let note, !ledger.notes.contains(note) { ledger.notes.append(note) }
                    }
                }
            case .gap(let description, let gaps):
                totals[description.domain, default: DomainTotals()].gaps += gaps.count
                for share in shares where share.aliveFraction > 0 {
                    guard description.gpuIndex.map({ share.gpus.contains($0) }) ?? true else { continue }
                    let aliveSeconds = share.aliveFraction * seconds
                    jobs[share.jobID]?.ledger.withComponent(description) { ledger in
                        ledger.addGaps(gaps, aliveSeconds: aliveSeconds)
                    }
                }
            }
        }
        for share in shares where share.aliveFraction > 0 {
            guard var job = jobs[share.jobID] else { continue }
            job.ledger.countInterval(seconds: seconds)
            job.ledger.peakWatts = max(
                job.ledger.peakWatts, (intervalJoules[share.jobID] ?? 0) / (share.aliveFraction * seconds))
            for gpu in job.gpus
            where !gpuChannels.contains(where: { $0.gpu.index == gpu && $0.gpu.source != .notMeasured }) {
                job.ledger.withComponent(notMeasuredDescription(gpu: gpu)) { _ in }
            }
            jobs[share.jobID] = job
        }
        lastIntervals = intervals
    }

    /// c_jk inputs: each job's cumulative CPU seconds now (monotonic: a tree that lost its reaped
    /// root keeps its last value; the caller's rusage figure at the end wins when higher).
    private mutating func readJobCPU() -> [String: Double] {
        guard !jobs.isEmpty else { return [:] }
        let table = jobs.values.contains { $0.cgroupPath == nil } ? cpuReader.table() : nil
        var result: [String: Double] = [:]
        for (id, job) in jobs {
            var current: Double?
            if let path = job.cgroupPath {
                current = cpuReader.cgroupUsageSeconds(path)
            } else if let table {
                let members = table.tree(root: job.processID, startTicks: job.startTicks)
                jobs[id]?.processIDs = Set(members)
                if !members.isEmpty {
                    current = cpuReader.seconds(members.reduce(0) { $0 + (table.processes[$1]?.cpuTicks ?? 0) })
                }
                if let final = job.finalCPUSeconds { current = max(current ?? 0, final) }
            }
            if let previous = job.cpuSeconds { current = max(current ?? previous, previous) }
            if let current { result[id] = current }
        }
        return result
    }

    private func jobShares(
        from start: UInt64, to end: UInt64, cpu: [String: Double], processUse: [GPUProcessUtilization]?
    ) -> [JobIntervalShare] {
        jobs.values.sorted { $0.id < $1.id }.map { job in
            var share = JobIntervalShare(
                jobID: job.id, cpuSeconds: 0, aliveFraction: job.aliveFraction(from: start, to: end), gpus: job.gpus)
            if let before = job.cpuSeconds, let after = cpu[job.id] { share.cpuSeconds = max(0, after - before) }
            for row in processUse ?? [] where job.processIDs.contains(row.processID) {
                share.gpuWeights[row.gpu, default: 0] += row.weight
            }
            return share
        }
    }

    /// The first sample: counters read once to difference against next time.
    private mutating func startCounters(
        now: UInt64, host: HostCPUTimes?, rapl: [String: RAPLTotals]?, gpu: GPUBatch?
    ) {
        previousTime = now
        previousHost = host
        previousRAPL = rapl
        for (time, gpus) in gpu?.readings ?? [] {
            for offset in gpuChannels.indices {
                let reading = gpus.first { $0.index == gpuChannels[offset].gpu.index }
                _ = gpuChannels[offset].integrator.advance(time: time, reading: reading)
            }
        }
    }

    private mutating func countSample(now: UInt64) {
        for (id, job) in jobs where job.beganAt <= now && (job.endedAt.map { now <= $0 } ?? true) {
            jobs[id]?.ledger.samples += 1
        }
    }
}
