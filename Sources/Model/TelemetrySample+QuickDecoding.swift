import Support

/// Decoding telemetry without Foundation's `JSONDecoder`, the master's main cost with a large fleet:
/// a sample written the way agents write it (known keys, each once; plain ASCII strings; plain
/// numbers) is read by one forward scan. Anything else (an unknown or repeated key, an escape, an
/// integer written as `1.0`) makes it return nil, and `MessageCoding.decode` then accepts the
/// message or names its fault: a sample this returns is one `MessageCoding.decode` returns too.
extension TelemetrySample {
    /// The sample in `payload`, or nil when `MessageCoding.decode` must judge it.
    public static func quickDecoded(from payload: [UInt8]) -> TelemetrySample? {
        payload.withUnsafeBytes { bytes in
            var scanner = PlainJSONScanner(bytes: bytes)
            guard let sample = sample(&scanner), scanner.atEnd else { return nil }
            return sample
        }
    }

    private static func sample(_ scanner: inout PlainJSONScanner) -> TelemetrySample? {
        var version: Int64?
        var node: String?
        var monotonic: Int64?
        var sentAt: Int64?
        var cpu: Double?
        var used: Int64?
        var total: Int64?
        var power: [PowerReading]?
        var jobs: [JobProgress]?
        var gpus: [GPUState]??
        let complete = members(&scanner) { key, scanner in
            switch key {
            case "v": return once(&version, scanner.wholeNumber())
            case "node_id": return once(&node, scanner.plainString())
            case "monotonic_ns": return once(&monotonic, scanner.wholeNumber())
            case "sent_at": return once(&sentAt, scanner.wholeNumber())
            case "cpu_percent": return once(&cpu, scanner.number())
            case "mem_used_mb": return once(&used, scanner.wholeNumber())
            case "mem_total_mb": return once(&total, scanner.wholeNumber())
            case "power": return once(&power, elements(&scanner, reading))
            case "jobs": return once(&jobs, elements(&scanner, job))
            case "gpus":
                guard gpus == nil else { return false }
                gpus = scanner.skipNull() ? .some(nil) : elements(&scanner, gpu).map { .some($0) }
                return gpus != nil
            default: return false
            }
        }
        guard complete, version == Int64(MessageVersion.current.number), let node, let monotonic, let sentAt,
            let cpu, let used = used.flatMap(Int.init(exactly:)), let total = total.flatMap(Int.init(exactly:)),
            let power, let jobs
        else { return nil }
        var sample = TelemetrySample(
            nodeID: node, monotonicNanoseconds: monotonic, sentAt: sentAt, cpuPercent: cpu, memoryUsedMegabytes: used,
            memoryTotalMegabytes: total, power: power, jobs: jobs)
        sample.gpus = gpus ?? nil
        return sample
    }

    private static func reading(_ scanner: inout PlainJSONScanner) -> PowerReading? {
        var domain: String?
        var watts: Double?
        var source: EnergyReport.Source?
        let complete = members(&scanner) { key, scanner in
            switch key {
            case "domain": return once(&domain, scanner.plainString())
            case "watts": return once(&watts, scanner.number())
            case "source": return once(&source, scanner.plainString().flatMap(EnergyReport.Source.init(rawValue:)))
            default: return false
            }
        }
        guard complete, let domain, let watts, let source else { return nil }
        return PowerReading(domain: domain, watts: watts, source: source)
    }

    private static func job(_ scanner: inout PlainJSONScanner) -> JobProgress? {
        var id: String?
        var frame: Int64?
        var fps: Double?
        var speed: Double??
        var bitrate: Double??
        var cpu: Double?
        var resident: Double?
        var output: Double?
        var progress: Double??
        let complete = members(&scanner) { key, scanner in
            switch key {
            case "id": return once(&id, scanner.plainString())
            case "frame": return once(&frame, scanner.wholeNumber())
            case "fps": return once(&fps, scanner.number())
            case "speed": return optional(&speed, &scanner)
            case "bitrate_kbps": return optional(&bitrate, &scanner)
            case "cpu_percent": return once(&cpu, scanner.number())
            case "rss_mb": return once(&resident, scanner.number())
            case "out_time_s": return once(&output, scanner.number())
            case "progress": return optional(&progress, &scanner)
            default: return false
            }
        }
        guard complete, let id, let frame = frame.flatMap(Int.init(exactly:)), let fps, let cpu, let resident,
            let output
        else { return nil }
        return JobProgress(
            id: id, frame: frame, fps: fps, speed: speed ?? nil, bitrateKilobits: bitrate ?? nil, cpuPercent: cpu,
            residentMegabytes: resident, outputSeconds: output, progress: progress ?? nil)
    }

    private static func gpu(_ scanner: inout PlainJSONScanner) -> GPUState? {
        var index: Int64?
        var temperature: Double??
        var memory: Double??
        var encoder: Double??
        var decoder: Double??
        let complete = members(&scanner) { key, scanner in
            switch key {
            case "index": return once(&index, scanner.wholeNumber())
            case "temperature_c": return optional(&temperature, &scanner)
            case "memory_used_mb": return optional(&memory, &scanner)
            case "encoder_percent": return optional(&encoder, &scanner)
            case "decoder_percent": return optional(&decoder, &scanner)
            default: return false
            }
        }
        guard complete, let index = index.flatMap(Int.init(exactly:)) else { return nil }
        return GPUState(
            index: index, temperatureCelsius: temperature ?? nil, memoryUsedMegabytes: memory ?? nil,
            encoderPercent: encoder ?? nil, decoderPercent: decoder ?? nil)
    }

    /// Reads an object, handing each key to `member`, which reads its value and returns false to give up.
    private static func members(
        _ scanner: inout PlainJSONScanner, _ member: (String, inout PlainJSONScanner) -> Bool
    ) -> Bool {
        guard scanner.skip("{") else { return false }
        if scanner.skip("}") { return true }
        repeat {
            guard let key = scanner.plainString(), scanner.skip(":"), member(key, &scanner) else { return false }
        } while scanner.skip(",")
        return scanner.skip("}")
    }

    /// Reads an array of what `element` reads.
    private static func elements<Element>(
        _ scanner: inout PlainJSONScanner, _ element: (inout PlainJSONScanner) -> Element?
    ) -> [Element]? {
        guard scanner.skip("[") else { return nil }
        var values: [Element] = []
        if scanner.skip("]") { return values }
        repeat {
            guard let value = element(&scanner) else { return nil }
            values.append(value)
        } while scanner.skip(",")
        return scanner.skip("]") ? values : nil
    }

    /// Stores a value read for a key not seen before; false for a repeated key or no value.
    private static func once<Value>(_ slot: inout Value?, _ value: Value?) -> Bool {
        guard slot == nil, let value else { return false }
        slot = value
        return true
    }

    /// An optional number (`null` allowed) for a key not seen before.
    private static func optional(_ slot: inout Double??, _ scanner: inout PlainJSONScanner) -> Bool {
        guard slot == nil else { return false }
        slot = scanner.skipNull() ? .some(nil) : scanner.number().map { .some($0) }
        return slot != nil
    }
}
