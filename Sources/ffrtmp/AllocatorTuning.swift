#if canImport(Glibc)
    import Glibc
#endif

/// How the broker process asks glibc's allocator to hand memory back after a burst.
///
/// glibc maps blocks of at least `M_MMAP_THRESHOLD` bytes on their own and unmaps them when freed,
/// but by default it raises that threshold to the size of each such block freed (up to 32 MiB).
/// After one burst has grown and freed a subscriber's output buffer, later buffers of that size come
/// from the heap instead, and freeing them keeps the memory: measured with Tests/Bench/memory.py, the
/// broker stayed at 57 MB after a 1 M-message run instead of going back to 19 MB. A fixed threshold
/// keeps large buffers mapped, so their memory goes back to the system when they are freed.
enum AllocatorTuning {
    static let mappedBlockThreshold: Int32 = 128 * 1024
    /// `M_MMAP_THRESHOLD` in glibc's `<malloc.h>`, which Swift's Glibc module does not import.
    private static let mmapThresholdParameter: Int32 = -3

    /// Fixes the threshold (which also stops glibc from raising its trim threshold). Call early.
    static func keepLargeBlocksMapped() {
        #if canImport(Glibc)
            // `mallopt` is looked up at run time, its header being out of the Glibc module's reach.
            guard let symbol = dlsym(nil, "mallopt") else { return }
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            // Safe: the symbol is glibc's `int mallopt(int param, int value)`, which this type matches.
            let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
            _ = mallopt(mmapThresholdParameter, mappedBlockThreshold)
        #endif
    }
}
