import Agent
import Energy

#if canImport(Glibc)
    import Glibc
#endif

extension Doctor {
    /// cgroup v2 at the cgroup root (`cgroup.controllers`), this process's own cgroup
    /// (`<proc>/self/cgroup`), and whether job cgroups can be made: with `--cgroup-parent` by the
    /// agent's own start check (`ControlGroup.unavailability`, which enables cpu and memory there as
    /// the agent would), else by whether the own cgroup is writable (delegated). Without cgroup v2 the
    /// agent still runs, with nice and rlimits: a warning, not a failure.
    static func controlGroupChecks(_ configuration: DoctorConfiguration) -> [DoctorCheck] {
        let root = configuration.cgroupRoot
        guard let controllers = configuration.files.read(root + "/cgroup.controllers").text else {
            let mounts = configuration.files.read(configuration.procRoot + "/self/mounts").text ?? ""
            let version1 = mounts.split(separator: "\n").contains {
                $0.split(separator: " ").dropFirst(2).first == "cgroup"
            }
            return [
                DoctorCheck(
                    area: "cgroup", name: "cgroup v2", state: .warning,
                    detail: "no cgroup v2 at \(root) (no cgroup.controllers"
                        + (version1 ? "; cgroup v1 is mounted)" : ")")
                        + "; job limits fall back to nice and rlimits, CPU time per job comes from /proc",
                    fix: "boot with the unified hierarchy (systemd.unified_cgroup_hierarchy=1, the default since "
                        + "Debian 11) or accept the fallback")
            ]
        }
        let names = controllers.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        let missing = ["cpu", "memory"].filter { !names.contains($0) }
        var checks = [
            DoctorCheck(
                area: "cgroup", name: "cgroup v2", state: missing.isEmpty ? .passed : .warning,
                detail: "controllers: " + names.joined(separator: " ")
                    + (missing.isEmpty ? "" : "; missing \(missing.joined(separator: ", ")) for job limits"))
        ]
        let own = ownControlGroup(configuration)
        if let parent = configuration.cgroupParent {
            let problem = ControlGroup.unavailability(root: root, parent: parent, files: LiveControlGroupFiles())
            checks.append(
                DoctorCheck(
                    area: "cgroup", name: "delegation", state: problem == nil ? .passed : .warning,
                    detail: problem ?? "job cgroups can be made under \(parent) (own cgroup \(own ?? "unknown"))",
                    fix: problem == nil ? nil : delegationFix))
            return checks
        }
        guard let own else {
            checks.append(
                DoctorCheck(
                    area: "cgroup", name: "delegation", state: .warning,
                    detail: "cannot tell this process's cgroup (\(configuration.procRoot)/self/cgroup has no 0:: line)")
            )
            return checks
        }
        let folder = root + (own == "/" ? "" : own)
        let writable = access(folder, W_OK) == 0 && access(folder + "/cgroup.subtree_control", W_OK) == 0
        checks.append(
            DoctorCheck(
                area: "cgroup", name: "delegation", state: writable ? .passed : .warning,
                detail: writable
                    ? "own cgroup \(own) is writable: job cgroups can be made under it"
                    : "own cgroup \(own) is not writable: the agent would fall back to nice and rlimits",
                fix: writable ? nil : delegationFix))
        return checks
    }

    static let delegationFix =
        "run the agent from deployment/systemd/ffrtmp-agent.service (Delegate=yes; it moves itself into "
        + "<service>/agent and passes --cgroup-parent <service>/jobs), or pass --cgroup-parent for a delegated cgroup"

    /// The unified-hierarchy path in `<proc>/self/cgroup` (`0::/system.slice/x.service`).
    static func ownControlGroup(_ configuration: DoctorConfiguration) -> String? {
        let text = configuration.files.read(configuration.procRoot + "/self/cgroup").text ?? ""
        for line in text.split(separator: "\n") where line.hasPrefix("0::") {
            return String(line.dropFirst(3))
        }
        return nil
    }
}
