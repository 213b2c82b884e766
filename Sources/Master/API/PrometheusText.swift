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
            let family = families[name]!
            text += "# HELP \(name) \(family[0].help)\n# TYPE \(name) \(family[0].type)\n"
            for sample in family {
                text += name
                if !sample.labels.isEmpty {
                    text += "{" + sample.labels.map { "\($0.0)=\"\(escaped($0.1))\"" }.joined(separator: ",") + "}"
                }
                text += " " + number(sample.value) + "\n"
            }
        }
        return text
    }

    static func escaped(_ value: String) -> String {
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
