/// The GPU values one sample uses: readings, each with the time it was taken, and per-process
/// utilisation. Read at the sample itself, or taken from what the GPU thread read since the last one.
struct GPUBatch: Sendable {
    var readings: [(time: UInt64, gpus: [GPUReading])] = []
    var processUse: [GPUProcessUtilization]?
}

/// What the GPU thread (`EnergyMeter.readGPUs()`) read since the last sample. Once a GPU thread
/// reads, samples take its readings instead of querying the GPUs themselves, so no sample, job start
/// or job end waits for a slow nvidia-smi.
struct GPUFeed {
    var isPolled = false
    var pending = GPUBatch()
    /// Readings kept when no sample takes them (the oldest go first).
    static let capacity = 64

    mutating func add(_ gpus: [GPUReading], processUse: [GPUProcessUtilization]?, at time: UInt64) {
        isPolled = true
        if pending.readings.count >= Self.capacity { pending.readings.removeFirst() }
        pending.readings.append((time, gpus))
        if let processUse { pending.processUse = processUse }
    }

    /// Everything read since the last call (the last per-process figures stay for the next one).
    mutating func take() -> GPUBatch {
        let batch = pending
        pending.readings = []
        return batch
    }
}

/// The GPUs found at start, as values the meter keeps (the sampler itself belongs to whoever reads).
struct GPUInventory: Sendable {
    var gpus: [NVIDIASampler.GPU]
    var status: SensorStatus
    var notes: [String]
    var sourceNames: [String]

    init(_ sampler: NVIDIASampler) {
        gpus = sampler.gpus
        status = sampler.status
        notes = sampler.notes
        sourceNames = sampler.sourceNames
    }
}
