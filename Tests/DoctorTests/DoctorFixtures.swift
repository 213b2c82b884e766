import Energy
import Support
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The live file system, except that reads of the chosen paths fail with EACCES: the tests run as
/// root, where `chmod 000` stops nothing.
struct RefusingFiles: SystemFileReading {
    var refused: Set<String>

    func read(_ path: String) -> FileReadResult {
        refused.contains(path) ? .permissionDenied : LiveSystemFiles().read(path)
    }

    func list(_ path: String) -> [String]? { LiveSystemFiles().list(path) }
}

/// A folder under /tmp for fake sysfs, procfs and cgroupfs trees and a fake nvidia-smi.
final class FakeTree {
    private let directory: TemporaryDirectory
    var path: String { directory.path }

    init() throws { directory = try TemporaryDirectory(prefix: "ffrtmp-doctor") }

    func write(_ relative: String, _ text: String, mode: mode_t = 0o644) throws {
        try directory.write(relative, text, mode: mode)
    }

    /// A RAPL zone folder as powercap has it: name, range and counter.
    func raplZone(_ identifier: String, name: String, energy: UInt64? = 123_456) throws {
        try write("powercap/\(identifier)/name", name + "\n")
        try write("powercap/\(identifier)/max_energy_range_uj", "262143328850\n")
        if let energy { try write("powercap/\(identifier)/energy_uj", "\(energy)\n", mode: 0o400) }
    }

    /// An nvidia-smi that answers the query with one L4 row (NVIDIASMIQuery.full's columns).
    func nvidiaSMI() throws -> String {
        try write(
            "bin/nvidia-smi",
            "#!/bin/sh\necho '0, NVIDIA L4, 550.54.15, 17.5, 18.0, 72.00, 3, 0, 0, 0, 41'\n", mode: 0o755)
        return path + "/bin/nvidia-smi"
    }
}
