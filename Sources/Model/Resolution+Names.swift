/// The common names of frame sizes (`720p`, `1080p`, `4k`), for people typing them on a command line
/// and for short job ids. JSON always carries `WIDTHxHEIGHT`.
extension Resolution {
    /// Names and the 16:9 sizes they stand for, smallest first.
    public static let names: [(name: String, resolution: Resolution)] = [
        ("240p", Resolution(width: 426, height: 240)),
        ("360p", Resolution(width: 640, height: 360)),
        ("480p", Resolution(width: 854, height: 480)),
        ("540p", Resolution(width: 960, height: 540)),
        ("720p", .hd720),
        ("1080p", .fullHD),
        ("1440p", Resolution(width: 2560, height: 1440)),
        ("2160p", .uhd4K),
        ("4k", .uhd4K),
        ("4320p", Resolution(width: 7680, height: 4320)),
        ("8k", Resolution(width: 7680, height: 4320)),
    ]

    /// `720p`, `1080P`, `4k`, or `1280x720`; nil for anything else.
    public init?(nameOrSize text: String) {
        let lowered = text.lowercased()
        if let named = Self.names.first(where: { $0.name == lowered }) {
            self = named.resolution
        } else {
            self.init(parsing: lowered)
        }
    }

    /// The first name of this size (`720p`), else `WIDTHxHEIGHT`.
    public var shortName: String {
        Self.names.first(where: { $0.resolution == self })?.name ?? description
    }
}
