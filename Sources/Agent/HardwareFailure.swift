/// Tells a failure of the encoding hardware (an encoder that cannot open its device or session, a
/// GPU that is gone or out of memory) from one of the job (a bad input, an unreachable URL), by
/// ffmpeg's error text. Only the former counts towards withdrawing a capability.
enum HardwareFailure {
    /// Phrases ffmpeg and its hardware libraries print when the device, not the job, is at fault
    /// (NVENC, CUDA, Quick Sync / MFX, VA-API). ffmpeg's generic "Error while opening encoder" is not
    /// one: parameters the encoder refuses (a size, a rate) cause it as often.
    static let phrases = [
        "openencodesessionex failed", "no capable devices found", "no nvenc capable devices",
        "cannot load libnvidia-encode", "cannot load libcuda", "cuda_error", "cuinit", "cudevicegetcount",
        "out of memory", "device creation failed", "failed to create a vaapi device",
        "failed to initialise vaapi connection", "vaapi: could not", "error creating a mfx session",
        "error initializing an internal mfx session", "mfx_err_device", "device failed",
        "driver does not support", "nvenc api version",
    ]

    /// Phrases that put the fault on the job even when a hardware phrase also appears.
    static let jobPhrases = [
        "no such file or directory", "invalid data found when processing input", "connection refused",
        "server returned 404", "permission denied",
    ]

    /// Whether `error` (an outcome's error: the reason and ffmpeg's last log line) says the hardware failed.
    static func isHardwareFailure(_ error: String) -> Bool {
        let text = error.lowercased()
        if jobPhrases.contains(where: text.contains) { return false }
        return phrases.contains(where: text.contains)
    }
}
