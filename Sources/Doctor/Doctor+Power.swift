import Energy

extension Doctor {
    /// How to make RAPL counters readable by the agent's group (root-only since Linux 5.10,
    /// CVE-2020-8694), with the group to create: the energy module's fix plus the user setup.
    static let raplFix =
        RAPLReader.permissionFix
        + "; create the group and add the agent's user: groupadd --system powercap && usermod -aG powercap ffrtmp "
        + "(SupplementaryGroups=powercap in ffrtmp-agent.service); see docs/operations.md"

    /// RAPL through the energy module's `RAPLReader` (present, absent or permission denied) and
    /// NVIDIA GPUs through `NVIDIASampler` (NVML, else nvidia-smi).
    static func powerChecks(_ configuration: DoctorConfiguration) -> [DoctorCheck] {
        [raplCheck(configuration), nvidiaCheck(configuration)]
    }

    static func raplCheck(_ configuration: DoctorConfiguration) -> DoctorCheck {
        let reader = RAPLReader(root: configuration.powercapRoot, files: configuration.files)
        let denied = reader.plan.notes.filter { $0.contains("permission denied") }
        switch reader.status {
        case .available:
            let zones = reader.plan.zones.map { "\($0.name) (\($0.identifier))" }.joined(separator: ", ")
            if denied.isEmpty {
                return DoctorCheck(area: "power", name: "RAPL", state: .passed, detail: "reading \(zones)")
            }
            return DoctorCheck(
                area: "power", name: "RAPL", state: .warning,
                detail: "reading \(zones); " + denied.joined(separator: "; "), fix: raplFix)
        case .absent:
            return DoctorCheck(
                area: "power", name: "RAPL", state: .notPresent,
                detail: "no RAPL zones under \(configuration.powercapRoot) (a VM, or a CPU without powercap); "
                    + "CPU energy will be estimated")
        case .permissionDenied:
            let zones = reader.plan.notes.filter { $0.contains("permission denied") }
                .compactMap { $0.split(separator: " ").first.map(String.init) }
            return DoctorCheck(
                area: "power", name: "RAPL", state: .failed,
                detail: "zones present but energy_uj is not readable: \(zones.joined(separator: ", "))", fix: raplFix)
        case .failed(let message):
            return DoctorCheck(area: "power", name: "RAPL", state: .failed, detail: message)
        }
    }

    static func nvidiaCheck(_ configuration: DoctorConfiguration) -> DoctorCheck {
        guard configuration.nvidiaSMIPath != nil || configuration.nvmlLibraryPath != nil else {
            return DoctorCheck(area: "power", name: "NVIDIA", state: .notPresent, detail: "not looked for")
        }
        let sampler = NVIDIASampler(
            configuration: NVIDIASampler.Configuration(
                nvidiaSMIPath: configuration.nvidiaSMIPath ?? "/nonexistent/nvidia-smi",
                nvmlLibraryPath: configuration.nvmlLibraryPath, commandTimeoutSeconds: configuration.timeoutSeconds))
        let gpus = sampler.gpus.map { gpu in
            "GPU \(gpu.index) \(gpu.name ?? "unknown") (driver \(gpu.driverVersion ?? "?"), \(gpu.source.rawValue))"
        }
        switch sampler.status {
        case .available:
            return DoctorCheck(area: "power", name: "NVIDIA", state: .passed, detail: gpus.joined(separator: "; "))
        case .absent:
            let why = sampler.notes.isEmpty ? "" : " (" + sampler.notes.joined(separator: "; ") + ")"
            return DoctorCheck(area: "power", name: "NVIDIA", state: .notPresent, detail: "no NVIDIA GPU found" + why)
        case .permissionDenied(let message), .failed(let message):
            return DoctorCheck(
                area: "power", name: "NVIDIA", state: .warning,
                detail: (gpus + [message]).joined(separator: "; "),
                fix: "GPU energy will be estimated; check the driver (nvidia-smi -q -d POWER)")
        }
    }
}
