/// ULIDs (github.com/ulid/spec): 26 characters of Crockford base32, a 48-bit millisecond time then
/// 80 random bits, so ids sort by creation time. `ffrtmp submit` names jobs with them. Pure: the
/// caller passes the time and the random source.
public enum ULID {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// A ULID for `unixMilliseconds` (only its low 48 bits count) with randomness from `generator`.
    public static func make<Generator: RandomNumberGenerator>(
        unixMilliseconds: UInt64, using generator: inout Generator
    ) -> String {
        let high = UInt16.random(in: 0...UInt16.max, using: &generator)
        let low = UInt64.random(in: 0...UInt64.max, using: &generator)
        return make(unixMilliseconds: unixMilliseconds, randomHigh: high, randomLow: low)
    }

    /// A ULID from its parts: the time and the 80 random bits (16 high, 64 low).
    public static func make(unixMilliseconds: UInt64, randomHigh: UInt16, randomLow: UInt64) -> String {
        var characters: [UInt8] = []
        characters.reserveCapacity(26)
        let time = unixMilliseconds & 0xFFFF_FFFF_FFFF
        for index in (0..<10).reversed() {
            characters.append(alphabet[Int(time >> (UInt64(index) * 5) & 31)])
        }
        // 80 bits as 16 groups of 5, the first from the high 16 bits.
        for index in (0..<16).reversed() {
            let shift = index * 5
            let bits: UInt64
            if shift >= 64 {
                bits = UInt64(randomHigh) >> (shift - 64)
            } else if shift + 5 > 64 {
                bits = randomLow >> shift | UInt64(randomHigh) << (64 - shift)
            } else {
                bits = randomLow >> shift
            }
            characters.append(alphabet[Int(bits & 31)])
        }
        return String(decoding: characters, as: UTF8.self)
    }
}
