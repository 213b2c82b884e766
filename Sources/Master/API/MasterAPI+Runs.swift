import Model

/// `/api/summary` (filtered), `/api/runs`, `/api/runs/{id}` and `/api/runs/{id}/report`: benchmark
/// campaigns. Every summary comes from `MasterStore.summary(_:)`, so the API, the CLI, the
/// dashboard and the report compare the same groups.
extension MasterAPI {
    /// `{"summary": […]}` for `scenario`, `encoder`, `node`, `run` and `energy` (`gross`, the
    /// default, or `net`).
    func summary(_ query: [String: String]) throws -> String {
        var filter = MasterStore.SummaryFilter(
            scenario: query["scenario"], encoder: query["encoder"], node: query["node"], run: query["run"])
        if let basis = query["energy"] {
            guard let energy = EnergyBasis(rawValue: basis) else {
                throw QueryError(message: "energy must be gross or net")
            }
            filter.energy = energy
        }
        return "{\"summary\":" + SummaryJSON.array(try store.summary(filter), pricing: pricing.current()) + "}"
    }

    /// `{"runs": […]}`, newest first.
    func runs() throws -> String {
        "{\"runs\":" + JSONWriter.array(try store.runs().map(JSONWriter.row)) + "}"
    }

    /// `{id}`: `{"run": {…as in /api/runs}, "jobs": […], "summary": […]}`; `{id}/report`: the HTML report.
    func run(path: String) throws -> APIResponse {
        let report = path.hasSuffix("/report")
        let id = report ? String(path.dropLast("/report".count)) : path
        guard Identifier.isValid(id), let run = try store.runs(id).first else { return .error(404, "no run \(id)") }
        let summary = try store.summary(MasterStore.SummaryFilter(run: id))
        if report {
            return APIResponse(
                contentType: "text/html; charset=utf-8", body: Array(RunReport.html(run: run, summary: summary).utf8))
        }
        var object = JSONWriter()
        object.add("run", raw: JSONWriter.row(run))
        object.add("jobs", raw: JSONWriter.array(try store.jobs(ofRun: id).map(JSONWriter.row)))
        object.add("summary", raw: SummaryJSON.array(summary, pricing: pricing.current()))
        return .json(object.text)
    }
}
