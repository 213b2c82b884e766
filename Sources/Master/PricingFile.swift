import Support

#if canImport(Glibc)
    import Glibc
#endif

/// The master's `--pricing` file. It is read at start (a bad file stops the master there) and again
/// whenever its modification time, size or inode changes, checked at each read of prices, so an
/// edited or replaced file applies to the next request without a restart. A changed file that
/// cannot be read or parsed leaves the last good prices in force and is logged once.
public final class PricingFile: @unchecked Sendable {
    /// Where the file is; nil: no file, so no region has a price.
    public let path: String?
    private let logger: Logger?
    private let lock = Lock()
    // Guarded by `lock`.
    private var pricing = RegionPricing()
    private var stamp: Stamp?

    /// What identifies a version of the file without reading it.
    struct Stamp: Equatable {
        var inode: UInt64
        var size: Int64
        var modifiedNanoseconds: Int64
    }

    /// No file: every region is unpriced.
    public init() {
        path = nil
        logger = nil
    }

    /// Reads `path` now; throws when it cannot be read or is not a valid pricing file.
    public init(path: String, logger: Logger? = nil) throws(RegionPricingError) {
        self.path = path
        self.logger = logger
        guard let stamp = Self.stamp(of: path) else { throw RegionPricingError("\(path): cannot be read") }
        pricing = try Self.load(path)
        self.stamp = stamp
    }

    /// The prices in force, reloading the file first when it changed.
    public func current() -> RegionPricing {
        guard let path else { return RegionPricing() }
        let now = Self.stamp(of: path)
        return lock.withLock {
            guard let now, now != stamp else { return pricing }
            stamp = now
            do {
                pricing = try Self.load(path)
                logger?.info("pricing reloaded", ["path": path, "regions": pricing.prices.count])
            } catch {
                logger?.warning("pricing file not reloaded; the last good prices stay", ["path": path, "error": error])
            }
            return pricing
        }
    }

    private static func load(_ path: String) throws(RegionPricingError) -> RegionPricing {
        let bytes: [UInt8]
        do {
            bytes = try FileContents.read(path, limit: RegionPricing.largestFile)
        } catch {
            throw RegionPricingError("\(path): \(error)")
        }
        do {
            return try RegionPricing.parse(bytes)
        } catch {
            throw RegionPricingError("\(path): \(error.description)")
        }
    }

    private static func stamp(of path: String) -> Stamp? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return Stamp(
            inode: UInt64(status.st_ino), size: Int64(status.st_size),
            modifiedNanoseconds: Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec))
    }
}
