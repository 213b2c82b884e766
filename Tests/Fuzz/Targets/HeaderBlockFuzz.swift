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
        if !KnownFindings.isStrict
            && (block.fields.contains { hasOuterBlank($0.value) || startsWithMark($0.value) }
                || startsWithMark(block.statusDescription))
        {
            return
        }
        let again = try? HeaderBlock.parse(encoded)
        fuzzCheck(again == block, "\(block) encoded as \(encoded) parsed back as \(String(describing: again))")
    }

    /// Known finding (Tests/Fuzz/findings/header-block/): a folded line that is blank, or folded
    /// into an empty value, leaves a value with a leading or trailing blank (`A: 1` + `\t` gives
    /// `"1 "`), which encoding and parsing again does not give back. Skipped unless strict
    /// (`KnownFindings`); drop this once the parser trims a folded value.
    static func hasOuterBlank(_ value: String) -> Bool {
        value.first == " " || value.first == "\t" || value.last == " " || value.last == "\t"
    }

    /// Known finding (Tests/Fuzz/findings/header-block/): a value that starts with a combining mark
    /// joins the blank written before it into one `Character`, which `trimmingBlanks` then keeps, so
    /// it reads back with a leading blank. Skipped unless strict; drop once trimming works on bytes.
    static func startsWithMark(_ value: String) -> Bool {
        !value.isEmpty && (" " + value).count == value.count
    }

    /// Whether every part of the block can be written and read back unchanged.
    static func isWritable(_ block: HeaderBlock) -> Bool {
        HeaderBlock.isValidValue(block.statusDescription)
            && block.fields.allSatisfy { HeaderBlock.isValidName($0.name) && HeaderBlock.isValidValue($0.value) }
    }
}
