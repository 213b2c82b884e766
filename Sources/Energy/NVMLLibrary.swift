#if canImport(Glibc)
    import Glibc
#endif

/// NVML loaded at run time with `dlopen` (no link-time dependency on the NVIDIA driver): a
/// machine without the library simply has no NVML. Functions are looked up with `dlsym` and
/// called through `@convention(c)` pointer types matching `nvml.h`.
public final class NVMLLibrary {
    /// `nvmlReturn_t`: 0 is NVML_SUCCESS.
    typealias Status = Int32
    /// `nvmlDevice_t`: an opaque pointer.
    public typealias Device = OpaquePointer

    typealias Initialize = @convention(c) () -> Status
    typealias DeviceCount = @convention(c) (UnsafeMutablePointer<UInt32>) -> Status
    typealias HandleByIndex = @convention(c) (UInt32, UnsafeMutablePointer<Device?>) -> Status
    typealias TotalEnergy = @convention(c) (Device, UnsafeMutablePointer<UInt64>) -> Status
    typealias PowerUsage = @convention(c) (Device, UnsafeMutablePointer<UInt32>) -> Status
    typealias DeviceName = @convention(c) (Device, UnsafeMutablePointer<CChar>, UInt32) -> Status
    typealias DriverVersion = @convention(c) (UnsafeMutablePointer<CChar>, UInt32) -> Status
    typealias EncoderStats =
        @convention(c) (
            Device, UnsafeMutablePointer<UInt32>, UnsafeMutablePointer<UInt32>, UnsafeMutablePointer<UInt32>
        )
        -> Status
    typealias ErrorString = @convention(c) (Status) -> UnsafePointer<CChar>?

    /// Why NVML cannot be used; `libraryMissing` means no NVIDIA driver here, which is no error.
    public enum OpenError: Error, Sendable, Equatable, CustomStringConvertible {
        case libraryMissing(String)
        case symbolMissing(String)
        case initializeFailed(String)

        public var description: String {
            switch self {
            case .libraryMissing(let detail): "NVML library not loaded: \(detail)"
            case .symbolMissing(let name): "NVML lacks \(name)"
            case .initializeFailed(let detail): "nvmlInit_v2 failed: \(detail)"
            }
        }
    }

    private let handle: UnsafeMutableRawPointer
    private let shutdown: Initialize
    private let deviceCount: DeviceCount
    private let handleByIndex: HandleByIndex
    private let totalEnergy: TotalEnergy?
    private let powerUsage: PowerUsage?
    private let deviceName: DeviceName?
    private let driverVersion: DriverVersion?
    private let encoderStats: EncoderStats?
    private let errorString: ErrorString?

    /// Loads the library (default `libnvidia-ml.so.1`, the name the driver installs) and calls
    /// `nvmlInit_v2`.
    public init(path: String = "libnvidia-ml.so.1") throws(OpenError) {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            throw .libraryMissing(dlerror().map { String(cString: $0) } ?? path)
        }
        func symbol<Function>(_ name: String, as type: Function.Type) -> Function? {
            guard let address = dlsym(handle, name) else { return nil }
            // Safe: the symbol is the C function of that name in nvml.h, whose signature `type`
            // reproduces; a C function pointer has the size and calling convention of `type`.
            return unsafeBitCast(address, to: type)
        }
        guard let initialize = symbol("nvmlInit_v2", as: Initialize.self),
            let shutdown = symbol("nvmlShutdown", as: Initialize.self),
            let deviceCount = symbol("nvmlDeviceGetCount_v2", as: DeviceCount.self),
            let handleByIndex = symbol("nvmlDeviceGetHandleByIndex_v2", as: HandleByIndex.self)
        else {
            dlclose(handle)
            throw .symbolMissing("nvmlInit_v2, nvmlShutdown, nvmlDeviceGetCount_v2 or nvmlDeviceGetHandleByIndex_v2")
        }
        errorString = symbol("nvmlErrorString", as: ErrorString.self)
        let status = initialize()
        guard status == 0 else {
            let detail = errorString?(status).map { String(cString: $0) } ?? "status \(status)"
            dlclose(handle)
            throw .initializeFailed(detail)
        }
        self.handle = handle
        self.shutdown = shutdown
        self.deviceCount = deviceCount
        self.handleByIndex = handleByIndex
        totalEnergy = symbol("nvmlDeviceGetTotalEnergyConsumption", as: TotalEnergy.self)
        powerUsage = symbol("nvmlDeviceGetPowerUsage", as: PowerUsage.self)
        deviceName = symbol("nvmlDeviceGetName", as: DeviceName.self)
        driverVersion = symbol("nvmlSystemGetDriverVersion", as: DriverVersion.self)
        encoderStats = symbol("nvmlDeviceGetEncoderStats", as: EncoderStats.self)
    }

    deinit {
        _ = shutdown()
        dlclose(handle)
    }

    /// The devices NVML sees, in its index order (the order nvidia-smi uses).
    public func devices() -> [Device] {
        var count: UInt32 = 0
        guard deviceCount(&count) == 0 else { return [] }
        var devices: [Device] = []
        for index in 0..<count {
            var device: Device? = nil
            if handleByIndex(index, &device) == 0, let device { devices.append(device) }
        }
        return devices
    }

    /// Energy since the driver loaded (mJ); nil when unsupported (before Volta) or failing.
    public func energyMillijoules(_ device: Device) -> UInt64? {
        guard let totalEnergy else { return nil }
        var value: UInt64 = 0
        return totalEnergy(device, &value) == 0 ? value : nil
    }

    /// Board power (W), from NVML's milliwatts.
    public func powerWatts(_ device: Device) -> Double? {
        guard let powerUsage else { return nil }
        var milliwatts: UInt32 = 0
        return powerUsage(device, &milliwatts) == 0 ? Double(milliwatts) / 1000 : nil
    }

    /// Active NVENC sessions; nil when unsupported (a GPU without NVENC, such as the H100).
    public func encoderSessions(_ device: Device) -> Int? {
        guard let encoderStats else { return nil }
        var sessions: UInt32 = 0
        var averageFPS: UInt32 = 0
        var averageLatency: UInt32 = 0
        return encoderStats(device, &sessions, &averageFPS, &averageLatency) == 0 ? Int(sessions) : nil
    }

    public func name(_ device: Device) -> String? {
        guard let deviceName else { return nil }
        return Self.text(capacity: 96) { deviceName(device, $0, $1) }
    }

    public func driverVersionText() -> String? {
        guard let driverVersion else { return nil }
        return Self.text(capacity: 80) { driverVersion($0, $1) }
    }

    /// Calls an NVML function that fills a C string buffer.
    private static func text(capacity: Int, _ call: (UnsafeMutablePointer<CChar>, UInt32) -> Status) -> String? {
        var buffer = [CChar](repeating: 0, count: capacity)
        let status = buffer.withUnsafeMutableBufferPointer { call($0.baseAddress!, UInt32($0.count - 1)) }
        guard status == 0 else { return nil }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
