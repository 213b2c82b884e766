/// Text for argv elements and logs.
enum ArgumentText {
    /// A finite number as plain decimal digits with at most six decimals and no exponent:
    /// `30`, `29.97`, `0.5`. ffmpeg reads this for rates and durations.
    static func number(_ value: Double) -> String {
        precondition(value.isFinite, "argument number is not finite: \(value)")
        let millionths = Int64((abs(value) * 1_000_000).rounded())
        let whole = millionths / 1_000_000
        var fraction = String(millionths % 1_000_000)
        let sign = value < 0 && millionths != 0 ? "-" : ""
        guard fraction != "0" else { return sign + String(whole) }
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return sign + String(whole) + "." + fraction
    }

    /// `argv` as one line a person can read (and paste into a POSIX shell): an argument holding
    /// anything but letters, digits and `_ . / : = , + @ % -` is single-quoted. For logs and
    /// results only: nothing ever runs this line.
    static func commandLine(_ argv: [String]) -> String {
        argv.map(quoted).joined(separator: " ")
    }

    private static func quoted(_ argument: String) -> String {
        guard argument.isEmpty || !argument.unicodeScalars.allSatisfy(isPlain) else { return argument }
        var text = "'"
        for character in argument {
            if character == "'" { text += "'\\''" } else { text.append(character) }
        }
        return text + "'"
    }

    private static func isPlain(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_", ".", "/", ":", "=", ",", "+", "@", "%", "-": true
        default: false
        }
    }
}
