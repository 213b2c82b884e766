import Model
import SQLite

/// A result's `BenchmarkConfiguration` as the master stores and serves it, and how it is found:
/// from the job the `queued` event carried (validated as an agent would), else from the result.
enum ConfigurationJSON {
    static func text(_ configuration: BenchmarkConfiguration) -> String {
        var object = JSONWriter()
        object.add("encoder", configuration.encoder)
        object.add("preset", configuration.preset)
        object.add("rate_control", configuration.rateControl)
        object.add("rate_value", configuration.rateValue)
        object.add("resolution", configuration.resolution)
        object.add("fps", configuration.fps)
        object.add("pixel_format", configuration.pixelFormat)
        object.add("input", configuration.input)
        object.add("duration_s", configuration.durationSeconds)
        object.add("scenario", configuration.scenario)
        object.add("label", configuration.label)
        return object.text
    }

    /// The configuration of `result`, given the stored job JSON of its `queued` event (if any).
    static func configuration(of result: JobResult, job: String?) -> BenchmarkConfiguration {
        if let job, let decoded = try? MessageCoding.decode(Job.self, from: Array(job.utf8)),
            case .success(let spec) = JobValidator().validate(decoded)
        {
            return BenchmarkConfiguration(spec: spec, result: result)
        }
        return BenchmarkConfiguration(result: result)
    }
}
