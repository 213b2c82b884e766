import Client
import Model
import Support

/// Object store work around a job: fetching a `clip` input into the clip cache before the run, and
/// keeping a `keep_output` job's output file after it.
extension Agent {
    /// `spec` ready to run, with a clip input replaced by its cached, verified file, and that clip's
    /// digest (nil for other inputs). A clip that cannot be had fails the job, which is retried like any other.
    /// While it downloads, the job message gets `+WPI` every `progressInterval`, so a large clip does
    /// not outlast the consumer's ack wait.
    func fetchingClip(of spec: JobSpec, message: JetStreamMessage) throws(ObjectStoreError) -> (
        spec: JobSpec, digest: String?
    ) {
        guard case .clip(let name) = spec.input else { return (spec, nil) }
        let store = try ObjectStore(context: jetStream, bucket: config.clipBucket)
        var lastSignal = Clock.monotonicNanoseconds()
        let clip = try clipCache.clip(named: name, from: store) {
            let now = Clock.monotonicNanoseconds()
            guard now - lastSignal >= UInt64(config.progressInterval * 1e9) else { return }
            lastSignal = now
            try? message.inProgress()
        }
        logger.info(
            clip.fetched ? "clip fetched" : "clip reused from cache",
            ["job": spec.id, "clip": name, "digest": clip.digest])
        var runnable = spec
        runnable.input = .file(path: clip.path)
        return (runnable, clip.digest)
    }

    /// Stores the output file at `path` in the outputs bucket under the job id.
    func keepOutput(_ path: String, of spec: JobSpec) -> Result<KeptOutput, KeepOutputFailure> {
        do {
            let store = try ObjectStore.create(
                context: jetStream, bucket: config.outputBucket, description: "ffrtmp job outputs",
                maxAge: .milliseconds(Int64(config.outputRetention * 1000)))
            let info = try store.put(spec.id, filePath: path)
            logger.info(
                "output kept", ["job": spec.id, "bucket": store.bucket, "digest": info.digest, "bytes": info.size])
            return .success(KeptOutput(bucket: store.bucket, name: info.name, digest: info.digest, size: info.size))
        } catch {
            return .failure(KeepOutputFailure(reason: error.description))
        }
    }
}
