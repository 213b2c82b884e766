import HTTP
import CommandKit

#if canImport(Glibc)
    import Glibc
#endif

/// The master's HTTP API for the fleet bench's probes, through the client's `HTTPGet`.
enum BenchHTTP {
    /// The master's base URL (`http://HOST:PORT`) from `--master`.
    static func address(_ url: String) throws -> HTTPAddress {
        do {
            return try HTTPAddress(parsing: url)
        } catch {
            throw UsageError("--master takes http://HOST:PORT, not \"\(url)\" (\(error))")
        }
    }

    /// GET `target` on the master; the body, or an error that names the target.
    static func get(_ base: HTTPAddress, _ target: String) throws -> (status: Int, body: [UInt8]) {
        var address = base
        address.target = target
        do {
            let response = try HTTPGet.fetch(address, timeout: .seconds(10))
            return (response.status, response.body)
        } catch {
            throw BenchError("GET \(target): \(error)")
        }
    }
}

/// Byte searches over response bodies (no Foundation).
enum BenchBytes {
    /// Where `needle` first occurs in `haystack`.
    static func firstRange(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Range<Int>? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var index = haystack.startIndex
        let last = haystack.endIndex - needle.count
        while index <= last {
            guard let found = haystack[index...last].firstIndex(of: first) else { return nil }
            if haystack[found..<(found + needle.count)].elementsEqual(needle) { return found..<(found + needle.count) }
            index = found + 1
        }
        return nil
    }

    /// How many times `needle` occurs (not overlapping).
    static func count(of needle: [UInt8], in haystack: [UInt8]) -> Int {
        var total = 0
        var rest = haystack[...]
        while let range = firstRange(of: needle, in: rest) {
            total += 1
            rest = rest[range.upperBound...]
        }
        return total
    }

    /// The number after `prefix` (up to the line's end), e.g. a Prometheus sample's value.
    static func number(after prefix: String, in text: [UInt8]) -> Double? {
        guard let range = firstRange(of: Array(prefix.utf8), in: text[...]) else { return nil }
        let tail = text[range.upperBound...]
        let end = tail.firstIndex { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: ",") } ?? tail.endIndex
        return Double(String(decoding: tail[..<end], as: UTF8.self).trimmingWhitespace())
    }
}
