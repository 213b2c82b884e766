import CommandKit
import Console
import Model

/// How `ffrtmp watch` shows a job: a line redrawn in place on a terminal, plain lines (progress at
/// most every 5 s) otherwise, or JSON.
struct WatchView {
    let json: Bool
    let terminal: Bool
    private var lastPlainProgress: ContinuousClock.Instant?
    /// A progress line is on screen without its newline.
    private var lineOpen = false

    init(json: Bool, terminal: Bool) {
        self.json = json
        self.terminal = terminal
    }

    /// Shows the current state; `event` (when the change came from one) is also printed as a line.
    mutating func show(_ watch: JobWatch, event: JobEvent?) {
        if json { return Terminal.write(watch.json + "\n") }
        let eventLine = event.flatMap { JobTracker.line(.event($0)) }
        if terminal {
            if let eventLine, event?.state != .progress { Terminal.redraw(eventLine + "\n") }
            Terminal.redraw(watch.progressLine(width: Terminal.width - 1))
            lineOpen = true
            return
        }
        let now = ContinuousClock.now
        if let eventLine, event?.state != .progress {
            Terminal.write(eventLine + "\n")
        } else if lastPlainProgress.map({ now - $0 >= .seconds(5) }) ?? true {
            Terminal.write(watch.progressLine() + "\n")
            lastPlainProgress = now
        }
    }

    /// The job had ended before the watch began: say how, from its final event.
    mutating func endedBefore(_ watch: JobWatch) -> Int32 {
        if json {
            Terminal.write(watch.json + "\n")
        } else {
            let node = watch.nodeID.map { " on " + $0 } ?? ""
            Terminal.write(
                "\(watch.jobID) has already ended: \(watch.state?.rawValue ?? "")\(node)"
                    + (watch.message.map { ": " + $0 } ?? "") + " (`ffrtmp results --node …` shows its result)\n")
        }
        return watch.state == .succeeded ? 0 : 1
    }

    mutating func gaveUp(_ watch: JobWatch, after limit: String) -> Int32 {
        closeLine()
        printError(
            "ffrtmp watch: gave up after \(limit); \(watch.jobID) is \(watch.state?.rawValue ?? "not seen yet")\n")
        return 1
    }

    /// The result (`payload`: its message as received) or, when none came, the final event; the exit status.
    mutating func finish(_ watch: JobWatch, payload: [UInt8], resultsReadable: Bool = true) -> Int32 {
        closeLine()
        if let result = watch.result {
            Terminal.write(
                json ? JobTracker.json(.result(result), payload: payload) + "\n" : ResultSummary.text(result))
            return result.status == .succeeded ? 0 : 1
        }
        if json {
            Terminal.write(watch.json + "\n")
        } else {
            let why = resultsReadable ? "no result message arrived" : "this identity may not read results"
            Terminal.write("\(watch.jobID) \(watch.state?.rawValue ?? "ended") (\(why))\n")
        }
        return watch.state == .succeeded ? 0 : 1
    }

    private mutating func closeLine() {
        if lineOpen { Terminal.redraw("") }
        lineOpen = false
    }
}
