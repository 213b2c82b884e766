#if canImport(Glibc)
    import Glibc
#endif

/// The fuzz targets this executable holds; `FUZZ_TARGET` names the one a run exercises.
enum FuzzTarget: String, CaseIterable, Sendable {
    case clientOp = "client-op"
    case headerBlock = "header-block"
    case jetStream = "jetstream"
    case consumer = "consumer"
    case httpRequest = "http-request"
    case job = "job"
    case segment = "segment"

    /// The target named by `FUZZ_TARGET`, read once; the process stops with a list of names when it
    /// is missing or unknown.
    static let selected: FuzzTarget = {
        let name = getenv("FUZZ_TARGET").map { String(cString: $0) } ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            let names = allCases.map(\.rawValue).joined(separator: ", ")
            printError("FuzzTargets: set FUZZ_TARGET to one of: \(names) (got \"\(name)\")\n")
            exit(2)
        }
        return target
    }()

    /// Runs one input through the target; a crash or a failed check is the finding.
    func run(_ input: UnsafeRawBufferPointer) {
        switch self {
        case .clientOp: ClientOpFuzz.run(input)
        case .headerBlock: HeaderBlockFuzz.run(input)
        case .jetStream: JetStreamFuzz.run(input)
        case .consumer: ConsumerFuzz.run(input)
        case .httpRequest: HTTPRequestFuzz.run(input)
        case .job: JobFuzz.run(input)
        case .segment: SegmentFuzz.run(input)
        }
    }
}

/// libFuzzer's setup hook: picks the target before the first input, so a bad name fails at once.
/// With `FUZZ_WRITE_SEEDS=<corpus folder>` it writes the generated seeds there instead and exits.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> CInt {
    if let root = getenv("FUZZ_WRITE_SEEDS") {
        SeedWriter.writeAll(under: String(cString: root))
        exit(0)
    }
    _ = FuzzTarget.selected
    return 0
}

/// libFuzzer's entry point: one input per call.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTarget.selected.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

/// Writes `text` to standard error (unbuffered, so it is out before an abort).
func printError(_ text: String) {
    let bytes = Array(text.utf8)
    bytes.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
}

/// A check that fails loudly: libFuzzer records the input as a crash.
func fuzzCheck(_ condition: Bool, _ message: @autoclosure () -> String) {
    guard !condition else { return }
    printError("fuzz check failed: \(message())\n")
    abort()
}
