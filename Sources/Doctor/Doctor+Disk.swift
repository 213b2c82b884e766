import Agent
import Support

#if canImport(Glibc)
    import Glibc
#endif

extension Doctor {
    /// Free space where the agent's jobs write, against its `--min-free`, measured with the agent's
    /// `DiskSpace`. A work dir that does not exist yet is measured at its nearest existing parent
    /// (the agent creates it).
    static func diskChecks(_ configuration: DoctorConfiguration) -> [DoctorCheck] {
        var path = configuration.workDirectory
        while access(path, F_OK) != 0, path != "/", !path.isEmpty {
            path = DurableFiles.parent(of: path)
        }
        let place = path == configuration.workDirectory ? path : "\(path) (\(configuration.workDirectory) not made yet)"
        do {
            let free = try DiskSpace.freeBytes(at: path)
            let enough = free >= configuration.minimumFreeBytes
            return [
                DoctorCheck(
                    area: "disk", name: "work dir", state: enough ? .passed : .failed,
                    detail: "\(bytes(free)) free at \(place); the agent keeps \(bytes(configuration.minimumFreeBytes))",
                    fix: enough ? nil : "free space there, move --work-dir, or lower --min-free")
            ]
        } catch {
            return [
                DoctorCheck(area: "disk", name: "work dir", state: .failed, detail: "cannot measure \(place): \(error)")
            ]
        }
    }

    /// `1.5 GB`, `512 MB`.
    static func bytes(_ count: Int64) -> String {
        let units = ["bytes", "KB", "MB", "GB", "TB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) bytes" : String(Double(Int(value * 10)) / 10) + " " + units[unit]
    }
}
