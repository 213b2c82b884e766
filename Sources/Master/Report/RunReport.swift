import Model
import SQLite

/// `ffrtmp report` and `/api/runs/{id}/report`: one self-contained HTML page for a run (inline
/// CSS and SVG, no script, no external asset: it opens from disk). A table of configurations ×
/// hardware with n and mean ± 95 % interval, and charts of J/frame against fps and, when the run
/// measured quality, against SSIM (or PSNR), one colour per node, each point numbered as its table
/// row, with the intervals as error bars.
enum RunReport {
    static func html(run: Row, summary: CampaignSummary) -> String {
        let id = run["run_id"].string ?? ""
        var page = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>ffrtmp run \(escape(id))</title>
            <style>
            body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1d232b; }
            table { border-collapse: collapse; font-size: 13px; margin: 12px 0; }
            th, td { padding: 4px 10px; border-bottom: 1px solid #d6dbe1; text-align: left; white-space: nowrap; }
            td.num { text-align: right; font-family: ui-monospace, monospace; }
            svg { background: #fafbfc; border: 1px solid #d6dbe1; margin: 8px 16px 8px 0; }
            svg text { font: 11px ui-monospace, monospace; fill: #4a5360; }
            .legend span { margin-right: 14px; font-size: 12px; }
            </style></head><body>
            <h1>Run \(escape(id))</h1>
            <p>\(run["jobs"].int ?? 0) jobs: \(run["succeeded"].int ?? 0) succeeded, \(run["failed"].int ?? 0) failed,
            \(run["pending"].int ?? 0) pending. Means of succeeded results ± the 95 % confidence interval
            (Student t); results are grouped by configuration and hardware, never averaged across them.</p>

            """
        page += table(summary)
        let colors = nodeColors(summary)
        page += "<div class=\"legend\">"
        for (node, color) in colors {
            page +=
                "<span><svg width=\"10\" height=\"10\" style=\"margin:0;border:0\"><rect width=\"10\" height=\"10\" "
                + "fill=\"\(color)\"/></svg> \(escape(node))</span>"
        }
        page += "</div>\n"
        page += chart(summary, colors: colors, x: ("fps", \.fps), title: "J/frame vs fps")
        if summary.rows.contains(where: { $0.ssim != nil }) {
            page += chart(summary, colors: colors, x: ("SSIM", \.ssim), title: "J/frame vs SSIM")
        } else if summary.rows.contains(where: { $0.psnr != nil }) {
            page += chart(summary, colors: colors, x: ("PSNR dB", \.psnr), title: "J/frame vs PSNR")
        }
        return page + "\n</body></html>\n"
    }

    private static func table(_ summary: CampaignSummary) -> String {
        var text =
            "<table><tr><th>#</th><th>configuration</th><th>node</th><th>hardware</th><th>n</th><th>fps</th>"
            + "<th>J/frame</th><th>CV J/frame</th><th>W</th><th>PSNR</th><th>SSIM</th></tr>\n"
        for (index, row) in summary.rows.enumerated() {
            let cv = row.joulesPerFrame?.coefficientOfVariation.map { format($0 * 100, 1) + " %" } ?? ""
            let cells = [
                String(index + 1), escape(label(row)), escape(row.hardware.nodeID),
                escape([row.hardware.cpuModel, row.hardware.gpuModel].compactMap { $0 }.joined(separator: " / ")),
            ]
            let numbers = [
                String(row.count), meanAndInterval(row.fps, 1), meanAndInterval(row.joulesPerFrame, 4),
                cv, meanAndInterval(row.watts, 1), meanAndInterval(row.psnr, 2), meanAndInterval(row.ssim, 4),
            ]
            text +=
                "<tr>" + cells.map { "<td>\($0)</td>" }.joined()
                + numbers.map { "<td class=\"num\">\($0)</td>" }.joined() + "</tr>\n"
        }
        return text + "</table>\n"
    }

    /// A scatter of each row's mean J/frame (y) against `x`, with both intervals as error bars.
    private static func chart(
        _ summary: CampaignSummary, colors: [(String, String)],
        x: (name: String, figure: KeyPath<CampaignSummary.Row, SampleStatistics?>),
        title: String
    ) -> String {
        let points = summary.rows.compactMap { row -> (CampaignSummary.Row, SampleStatistics, SampleStatistics)? in
            guard let horizontal = row[keyPath: x.figure], let vertical = row.joulesPerFrame else { return nil }
            return (row, horizontal, vertical)
        }
        let (width, height, margin) = (520.0, 320.0, 56.0)
        var svg =
            "<svg width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" "
            + "role=\"img\"><title>\(escape(title))</title>"
        svg += "<text x=\"\(Int(margin))\" y=\"16\">\(escape(title))</text>"
        guard !points.isEmpty else { return svg + "<text x=\"60\" y=\"160\">no data</text></svg>\n" }
        func range(_ values: [Double]) -> (Double, Double) {
            let (low, high) = (values.min() ?? 0, values.max() ?? 1)
            let pad = high > low ? (high - low) * 0.08 : max(abs(high) * 0.1, 1e-9)
            // Figures here are never negative: an interval reaching below zero does not move the axis.
            return (max(0, low - pad), high + pad)
        }
        let xs = range(points.flatMap { [$0.1.interval?.low ?? $0.1.mean, $0.1.interval?.high ?? $0.1.mean] })
        let ys = range(points.flatMap { [$0.2.interval?.low ?? $0.2.mean, $0.2.interval?.high ?? $0.2.mean] })
        let plot = (left: margin, right: width - 36, top: 28.0, bottom: height - 40)
        func px(_ value: Double) -> Double { plot.left + (value - xs.0) / (xs.1 - xs.0) * (plot.right - plot.left) }
        func py(_ value: Double) -> Double { plot.bottom - (value - ys.0) / (ys.1 - ys.0) * (plot.bottom - plot.top) }
        svg += line(plot.left, plot.bottom, plot.right, plot.bottom, "#8a939f")
        svg += line(plot.left, plot.top, plot.left, plot.bottom, "#8a939f")
        for step in 0...4 {
            let fraction = Double(step) / 4
            let xValue = xs.0 + (xs.1 - xs.0) * fraction
            let yValue = ys.0 + (ys.1 - ys.0) * fraction
            svg +=
                "<text x=\"\(format(px(xValue), 1))\" y=\"\(format(plot.bottom + 14, 1))\" text-anchor=\"middle\">"
                + "\(significant(xValue))</text>"
            svg +=
                "<text x=\"\(format(plot.left - 4, 1))\" y=\"\(format(py(yValue) + 3, 1))\" text-anchor=\"end\">"
                + "\(significant(yValue))</text>"
        }
        svg +=
            "<text x=\"\(format((plot.left + plot.right) / 2, 1))\" y=\"\(Int(height - 8))\" text-anchor=\"middle\">"
            + "\(escape(x.name))</text>"
        svg +=
            "<text x=\"12\" y=\"\(format((plot.top + plot.bottom) / 2, 1))\" "
            + "transform=\"rotate(-90 12 \(format((plot.top + plot.bottom) / 2, 1)))\" text-anchor=\"middle\">J/frame</text>"
        for (row, horizontal, vertical) in points {
            let color = colors.first { $0.0 == row.hardware.nodeID }?.1 ?? "#555"
            let (cx, cy) = (px(horizontal.mean), py(vertical.mean))
            if let interval = vertical.interval {
                svg += line(cx, py(max(ys.0, interval.low)), cx, py(interval.high), color)
            }
            if let interval = horizontal.interval {
                svg += line(px(max(xs.0, interval.low)), cy, px(interval.high), cy, color)
            }
            svg +=
                "<circle cx=\"\(format(cx, 1))\" cy=\"\(format(cy, 1))\" r=\"4\" fill=\"\(color)\">"
                + "<title>\(escape(label(row))) on \(escape(row.hardware.nodeID)): n=\(row.count)</title>"
                + "</circle>"
            let number =
                (summary.rows.firstIndex { $0.configurationKey == row.configurationKey && $0.hardware == row.hardware }
                    ?? 0) + 1
            svg += "<text x=\"\(format(cx + 6, 1))\" y=\"\(format(cy - 6, 1))\">\(number)</text>"
        }
        return svg + "</svg>\n"
    }

    private static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ color: String) -> String {
        "<line x1=\"\(format(x1, 1))\" y1=\"\(format(y1, 1))\" x2=\"\(format(x2, 1))\" y2=\"\(format(y2, 1))\" "
            + "stroke=\"\(color)\" stroke-width=\"1.5\"/>"
    }

    /// One colour per node, in node order.
    private static func nodeColors(_ summary: CampaignSummary) -> [(String, String)] {
        let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]
        return Set(summary.rows.map(\.hardware.nodeID)).sorted().enumerated().map {
            ($0.element, palette[$0.offset % palette.count])
        }
    }

    /// The configuration's label from its stored JSON, else its key.
    static func label(_ row: CampaignSummary.Row) -> String {
        struct Labelled: Decodable { var label: String? }
        let decoded = try? MessageCoding.decode(Labelled.self, from: Array(row.configuration.utf8))
        return decoded?.label ?? row.configurationKey
    }

    private static func meanAndInterval(_ statistics: SampleStatistics?, _ digits: Int) -> String {
        guard let statistics else { return "" }
        return format(statistics.mean, digits) + (statistics.halfWidth.map { " ± " + format($0, digits) } ?? "")
    }

    static func format(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        var text = String(rounded)
        if let dot = text.firstIndex(of: ".") {
            let decimals = text.distance(from: dot, to: text.endIndex) - 1
            if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
            if digits == 0 { text = String(text[..<dot]) }
        }
        return text
    }

    private static func significant(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude < 1e-12 { return "0" }
        return format(value, magnitude >= 100 ? 0 : magnitude >= 1 ? 2 : magnitude >= 0.01 ? 4 : 6)
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
