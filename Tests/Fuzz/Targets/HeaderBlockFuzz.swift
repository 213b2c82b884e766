import Wire

/// `HeaderBlock.parse` over arbitrary bytes (the header part of an HPUB the broker looks into).
/// What parses must encode to exactly `encodedCount` bytes (HPUB's header size), and a block
/// whose names and values are valid must parse back to itself.
enum HeaderBlockFuzz {
    static func run(_ input: UnsafeRawBufferPointer) {
        guard let block = try? HeaderBlock.parse(input) else { return }
        let encoded = block.encoded()
        fuzzCheck(encoded.count == block.encodedCount, "encoded \(encoded.count) bytes, counted \(block.encodedCount)")
        for field in block.fields { _ = block.values(named: field.name) }
        guard isWritable(block) else { return }
        let again = try? HeaderBlock.parse(encoded)
        fuzzCheck(again == block, "\(block) encoded as \(encoded) parsed back as \(String(describing: again))")
    }

    /// Whether every part of the block can be written and read back unchanged.
    static func isWritable(_ block: HeaderBlock) -> Bool {
        HeaderBlock.isValidValue(block.statusDescription)
            && block.fields.allSatisfy { HeaderBlock.isValidName($0.name) && HeaderBlock.isValidValue($0.value) }
    }
}
