/// The physical sense a figure an agent reports must make before the master believes it: no
/// negative energy or time, nothing NaN or infinite, no frame rate or power no machine reaches.
/// A message with one figure outside is refused whole (a node that sends one absurd figure is
/// broken or lying, and its other figures are no better). Each check names the field that failed,
/// as a short word fit for a metric label (`energy`, `fps`, `power`…).
public enum ReportedValueBounds {
    /// Frames per second of one encode: far above any real encoder (a 1080p NVENC runs ~1 000).
    public static let maximumFPS = 100_000.0
    /// Power of one node, all domains together: more than any single machine draws.
    public static let maximumNodeWatts = 10_000.0
    /// Slots and running jobs one node can claim.
    public static let maximumSlots = 10_000
    /// Delivery attempts (the job consumers give up after a handful).
    public static let maximumAttempt = 10_000
    /// Seconds one job may take (a week).
    public static let maximumJobSeconds = 7.0 * 86_400

    /// A figure that must be finite and within `range`.
    static func within(_ value: Double, _ range: ClosedRange<Double>) -> Bool {
        value.isFinite && range.contains(value)
    }

    static func within(_ value: Double?, _ range: ClosedRange<Double>) -> Bool {
        value.map { within($0, range) } ?? true
    }

    static let nonNegative = 0.0...Double.greatestFiniteMagnitude
    static let fraction = 0.0...1.0
    static let fps = 0.0...maximumFPS
    static let watts = 0.0...maximumNodeWatts
}

extension JobResult {
    /// The first field whose figure makes no physical sense, or nil when all do.
    public var implausibleField: String? {
        typealias Bounds = ReportedValueBounds
        guard (1...Bounds.maximumAttempt).contains(attempt) else { return "attempt" }
        let wall = timings.wallSeconds
        guard Bounds.within(wall, 0...Bounds.maximumJobSeconds), timings.finishedAt >= 0,
            Bounds.within(timings.cpuSeconds, Bounds.nonNegative)
        else { return "time" }
        guard Bounds.within(fps, Bounds.fps) else { return "fps" }
        if let ffmpeg {
            guard ffmpeg.frames >= 0, (ffmpeg.droppedFrames ?? 0) >= 0, (ffmpeg.duplicatedFrames ?? 0) >= 0 else {
                return "frames"
            }
            guard Bounds.within(ffmpeg.averageFPS, Bounds.fps) else { return "fps" }
            guard ffmpeg.outputBytes >= 0, Bounds.within(ffmpeg.speed, Bounds.nonNegative),
                Bounds.within(ffmpeg.bitrateKilobits, Bounds.nonNegative)
            else { return "output" }
        }
        if let energy, let field = energy.implausibleField(wallSeconds: wall) { return field }
        if let quality {
            guard Bounds.within(quality.psnr, 0...1000), Bounds.within(quality.ssim, Bounds.fraction),
                Bounds.within(quality.vmaf, 0...100)
            else {
                return "quality"
            }
        }
        if let cost {
            guard Bounds.within(cost.kilowattHours, Bounds.nonNegative), Bounds.within(cost.usd, Bounds.nonNegative),
                Bounds.within(cost.co2Grams, Bounds.nonNegative)
            else { return "cost" }
        }
        if let field = provenance?.implausibleField ?? throttling?.implausibleField ?? targetSearch?.implausibleField {
            return field
        }
        if let inputDigest, !ContentDigest.isValid(inputDigest) { return "input_digest" }
        if let keptOutput {
            guard ContentDigest.isValid(keptOutput.digest), Identifier.isValid(keptOutput.name),
                Identifier.isValid(keptOutput.bucket)
            else { return "kept_output" }
        }
        return nil
    }
}

extension EnergyReport {
    /// `energy` for a negative, non-finite or impossible amount (more than the node's power bound
    /// over the job's wall time plus a minute of sampling slack), `power` for absurd watts.
    func implausibleField(wallSeconds: Double) -> String? {
        typealias Bounds = ReportedValueBounds
        let ceiling = Bounds.maximumNodeWatts * (max(0, wallSeconds) + 60)
        let amounts = [totalJoules, dynamicJoules] + components.map(\.totalJoules)
        guard amounts.allSatisfy({ Bounds.within($0, 0...ceiling) }), Bounds.within(netJoules, -ceiling...ceiling),
            Bounds.within(joulesPerFrame, Bounds.nonNegative), Bounds.within(dynamicJoulesPerFrame, Bounds.nonNegative),
            Bounds.within(framesPerJoule, Bounds.nonNegative)
        else { return "energy" }
        let watts = [averageWatts, peakWatts] + components.flatMap { [$0.averageWatts, $0.peakWatts] }
        guard watts.allSatisfy({ Bounds.within($0, Bounds.watts) }), Bounds.within(idleBaselineWatts, Bounds.watts)
        else { return "power" }
        return nil
    }
}

extension TelemetrySample {
    /// The first field whose figure makes no physical sense, or nil when all do. A job's output
    /// time may be negative: ffmpeg reports one below zero before the first frame is out.
    public var implausibleField: String? {
        typealias Bounds = ReportedValueBounds
        guard Bounds.within(cpuPercent, 0...100.5) else { return "cpu" }
        guard memoryUsedMegabytes >= 0, memoryTotalMegabytes >= 0 else { return "memory" }
        let watts = power.map(\.watts)
        guard watts.allSatisfy({ Bounds.within($0, Bounds.watts) }),
            Bounds.within(watts.reduce(0, +), Bounds.watts)
        else { return "power" }
        guard jobs.count <= Bounds.maximumSlots else { return "jobs" }
        if let gpus {
            // Hotter than any GPU survives, colder than any runs; more memory than any card holds.
            guard gpus.count <= Provenance.maximumGPUs,
                gpus.allSatisfy({
                    (0...Provenance.maximumGPUs * 64).contains($0.index)
                        && Bounds.within($0.temperatureCelsius, -60...200)
                        && Bounds.within($0.memoryUsedMegabytes, 0...16_777_216)
                        && Bounds.within($0.encoderPercent, 0...100) && Bounds.within($0.decoderPercent, 0...100)
                })
            else { return "gpus" }
        }
        for job in jobs {
            guard job.frame >= 0 else { return "frames" }
            guard Bounds.within(job.fps, Bounds.fps) else { return "fps" }
            guard Bounds.within(job.speed, Bounds.nonNegative), Bounds.within(job.bitrateKilobits, Bounds.nonNegative),
                Bounds.within(job.cpuPercent, Bounds.nonNegative),
                Bounds.within(job.residentMegabytes, Bounds.nonNegative),
                job.outputSeconds.isFinite, Bounds.within(job.progress, Bounds.fraction)
            else { return "jobs" }
        }
        return nil
    }
}

extension Heartbeat {
    /// The first field whose figure makes no sense, or nil when all do.
    public var implausibleField: String? {
        let slots = 0...ReportedValueBounds.maximumSlots
        guard slots.contains(slotsTotal), slots.contains(slotsBusy), slots.contains(runningJobs.count) else {
            return "slots"
        }
        return provenance?.implausibleField
    }
}

extension JobEvent {
    /// The first field whose figure makes no sense, or nil when all do.
    public var implausibleField: String? {
        guard attempt.map({ (1...ReportedValueBounds.maximumAttempt).contains($0) }) ?? true else { return "attempt" }
        guard ReportedValueBounds.within(progress, ReportedValueBounds.fraction) else { return "progress" }
        return nil
    }
}
