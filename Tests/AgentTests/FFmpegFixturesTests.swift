import Model
import Support
import TestSupport
import XCTest

@testable import Agent

#if canImport(Glibc)
    import Glibc
#endif

/// Shared pieces for the ffmpeg, process and probe tests (this file holds no tests).
enum FFmpegFixtures {
    static let small = Resolution(width: 320, height: 240)

    /// A validated spec for `job`; fails the test when validation refuses it.
    static func spec(_ job: Job, policy: ValidationPolicy = ValidationPolicy()) -> JobSpec {
        switch JobValidator(policy: policy).validate(job) {
        case .success(let spec): return spec
        case .failure(let rejection): preconditionFailure("test job does not validate: \(rejection)")
        }
    }

    /// The usual test job: 2 s of 320x240 testsrc2 at 30 fps.
    static func generatedJob(
        id: String = "job-1", encoder: VideoEncoder = .libx264, preset: String? = nil, bitrate: Int? = nil,
        crf: Int? = nil, output: JobOutput = .null, duration: Double = 2, quality: [QualityMetric]? = nil,
        limits: JobLimits? = nil, pattern: GeneratedPattern = .testsrc2
    ) -> Job {
        Job(
            id: id,
            input: .generated(GeneratedInput(pattern: pattern, resolution: small, fps: 30, durationSeconds: duration)),
            output: output, encoder: encoder, preset: preset, bitrate: bitrate, crf: crf, quality: quality,
            limits: limits)
    }
}

/// A scratch folder removed with its contents when the test ends.
final class ScratchDirectory {
    // A test cannot go on without its folder: failing to make one stops the run.
    private let directory = try! TemporaryDirectory(prefix: "ffrtmp-agent-test")
    var path: String { directory.path }

    func write(_ name: String, _ text: String, mode: mode_t = 0o644) {
        do {
            try directory.write(name, text, mode: mode)
        } catch {
            preconditionFailure("cannot write \(path)/\(name): \(error)")
        }
    }

    func read(_ name: String) -> String? {
        Self.readFile(path + "/" + name)
    }

    /// Entries of a folder, sorted; nil when it does not exist.
    static func list(_ path: String) -> [String]? {
        guard let folder = opendir(path) else { return nil }
        defer { closedir(folder) }
        var names: [String] = []
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    static func readFile(_ path: String) -> String? {
        try? LiveControlGroupFiles().read(path)
    }

    /// Removes `path` and everything under it; nothing when it is not there.
    static func removeTree(_ path: String) { try? DurableFiles.removeTree(path) }
}

/// Processes from /proc: which are alive in a process group, and this process's descriptors.
enum ProcessList {
    /// Pids whose process group is `group` (field 5 of /proc/<pid>/stat), zombies excluded.
    static func members(ofGroup group: pid_t) -> [pid_t] {
        (ScratchDirectory.list("/proc") ?? []).compactMap { name -> pid_t? in
            guard let pid = pid_t(name), let stat = ScratchDirectory.readFile("/proc/\(name)/stat"),
                let close = stat.lastIndex(of: ")")
            else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 3, fields[0] != "Z", pid_t(fields[2]) == group else { return nil }
            return pid
        }
    }

    /// The group's members once they are gone, waiting up to `seconds` for processes that were
    /// just sent SIGKILL (and are not our children) to finish dying.
    static func membersAfterDying(ofGroup group: pid_t, within seconds: Double = 2) -> [pid_t] {
        var waited = 0.0
        var members = members(ofGroup: group)
        while !members.isEmpty && waited < seconds {
            usleep(20_000)
            waited += 0.02
            members = self.members(ofGroup: group)
        }
        return members
    }

    static func openDescriptors() -> [String] {
        ScratchDirectory.list("/proc/self/fd") ?? []
    }

    /// Descriptors open now that were not in `before`, allowing a second for ones other threads
    /// of the test process open and close meanwhile (a leak stays).
    static func descriptorsLeaked(since before: [String]) -> [String] {
        var extra = Set(openDescriptors()).subtracting(before)
        for _ in 0..<20 where !extra.isEmpty {
            usleep(50_000)
            extra = Set(openDescriptors()).subtracting(before)
        }
        return extra.sorted()
    }

    /// True while /proc/<pid> exists (a zombie still has one).
    static func exists(_ pid: pid_t) -> Bool {
        access("/proc/\(pid)", F_OK) == 0
    }
}
