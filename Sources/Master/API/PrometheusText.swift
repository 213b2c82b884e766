/// Prometheus text exposition format 0.0.4: `# HELP`, `# TYPE`, then `name{label="value"} number`
/// lines; label values escape `\`, `"` and newlines.
public enum PrometheusText {
    /// One sample of a metric family.
    public struct Sample: Sendable, Equatable {
        public var name: String
        public var help: String
        public var type: String
        public var labels: [(String, String)]
        public var value: Double

        public init(name: String, help: String, type: String = "gauge", labels: [(String, String)] = [], value: Double)
        {
            self.name = name
            self.help = help
            self.type = type
            self.labels = labels
            self.value = value
        }

        public static func == (left: Sample, right: Sample) -> Bool {
            left.name == right.name && left.value == right.value
                && left.labels.map { "\($0.0)=\($0.1)" } == right.labels.map { "\($0.0)=\($0.1)" }
        }
    }

    /// The exposition of `samples`, grouped by metric name in first-seen order.
    public static func render(_ samples: [Sample]) -> String {
        var order: [String] = []
        var families: [String: [Sample]] = [:]
        for sample in samples {
            if families[sample.name] == nil { order.append(sample.name) }
            families[sample.name, default: []].append(sample)
        }
        var text = ""
        for name in order {
            let samples = families[name]!
            var family = PrometheusFamily(name, help: samples[0].help, type: samples[0].type)
            for sample in samples { family.add(PrometheusFamily.labels(sample.labels), sample.value) }
            text += family.text
        }
        return text
    }

    static func escaped(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == 10 }) else {
            return value
        }
        var result = ""
        for character in value {
            switch character {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            default: result.append(character)
            }
        }
        return result
    }

    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}

/// One metric family written straight into text: the per-node families of a large fleet (tens
/// of thousands of samples) go through here without `Sample` values or grouping.
struct PrometheusFamily {
    let name: String
    private let header: String
    private var lines = ""

    init(_ name: String, help: String, type: String = "gauge") {
        self.name = name
        header = "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n"
    }

    /// A sample; `labels` as `labels(_:)` renders them (empty for none), then `extra`, more of
    /// them already rendered (`,name="value"`).
    mutating func add(_ labels: String, _ value: Double, extra: String = "") {
        lines += name
        if !labels.isEmpty {
            lines += "{"
            lines += labels
            lines += extra
            lines += "}"
        }
        lines += " "
        lines += PrometheusText.number(value)
        lines += "\n"
    }

    /// The family's exposition; empty when it has no samples.
    var text: String { lines.isEmpty ? "" : header + lines }

    /// `name="value",…` with values escaped (the braces are the sample's).
    static func labels(_ pairs: [(String, String)]) -> String {
        pairs.map { $0.0 + "=\"" + PrometheusText.escaped($0.1) + "\"" }.joined(separator: ",")
    }
}
