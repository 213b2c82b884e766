import Model

/// A `CampaignSummary` row as `/api/summary` and `/api/runs/{id}` serve it: the older flat means
/// (`runs`, `fps`, `j_per_frame`…) plus the configuration, the hardware and `stats`, where each
/// figure has `n`, `mean`, `sd`, `cv`, `ci95` (half width) and `ci_low`/`ci_high`.
/// `j_per_quality_point` holds J/frame ÷ mean score per metric measured (`psnr`, `ssim`, `vmaf`),
/// and is absent when the group has no quality score.
enum SummaryJSON {
    static func array(_ summary: CampaignSummary, pricing: RegionPricing = RegionPricing()) -> String {
        JSONWriter.array(summary.rows.map { text($0, pricing: pricing) })
    }

    /// `usd` and `co2_g` are what the agents reported at their own prices; `region_cost` is the
    /// group's gross energy at the master's prices per region (`RegionCost`), computed now.
    static func text(_ row: CampaignSummary.Row, pricing: RegionPricing = RegionPricing()) -> String {
        var object = JSONWriter()
        object.add("scenario", row.scenario ?? "")
        object.add("encoder", row.encoder ?? "")
        object.add("node_id", row.hardware.nodeID)
        object.add("runs", row.count)
        object.add("fps", row.fps?.mean, digits: 6)
        object.add("j_per_frame", row.joulesPerFrame?.mean, digits: 9)
        object.add("energy_j", row.energyJoules?.mean, digits: 6)
        object.add("wall_s", row.wallSeconds?.mean, digits: 6)
        object.add("psnr", row.psnr?.mean, digits: 6)
        object.add("ssim", row.ssim?.mean, digits: 6)
        object.add("vmaf", row.vmaf?.mean, digits: 6)
        let perPoint = row.joulesPerQualityPoint
        if !perPoint.isEmpty {
            var figures = JSONWriter()
            for metric in perPoint.keys.sorted() { figures.add(metric.rawValue, perPoint[metric], digits: 12) }
            object.add("j_per_quality_point", raw: figures.text)
        }
        object.add("usd", row.usd, digits: 12)
        object.add("co2_g", row.co2Grams, digits: 9)
        object.add("region_cost", raw: pricing.cost(of: row.regionEnergy).json)
        object.add("energy_sources", row.energySources)
        object.add("energy_basis", row.energyBasis.rawValue)
        object.add("configuration_key", row.configurationKey)
        object.add("configuration", raw: row.configuration)
        object.add("hardware_key", row.hardware.key)
        var hardware = JSONWriter()
        hardware.add("node_id", row.hardware.nodeID)
        hardware.add("cpu_model", row.hardware.cpuModel)
        hardware.add("gpu_model", row.hardware.gpuModel)
        hardware.add("hardware_id", row.hardware.hardwareID)
        object.add("hardware", raw: hardware.text)
        var stats = JSONWriter()
        stats.add("fps", raw: figure(row.fps))
        stats.add("j_per_frame", raw: figure(row.joulesPerFrame))
        stats.add("watts", raw: figure(row.watts))
        stats.add("psnr", raw: figure(row.psnr))
        stats.add("ssim", raw: figure(row.ssim))
        stats.add("vmaf", raw: figure(row.vmaf))
        object.add("stats", raw: stats.text)
        return object.text
    }

    static func figure(_ statistics: SampleStatistics?) -> String {
        guard let statistics else { return "null" }
        var object = JSONWriter()
        object.add("n", statistics.count)
        object.add("mean", statistics.mean, digits: 9)
        object.add("sd", statistics.standardDeviation, digits: 9)
        object.add("cv", statistics.coefficientOfVariation, digits: 6)
        object.add("ci95", statistics.halfWidth, digits: 9)
        object.add("ci_low", statistics.interval?.low, digits: 9)
        object.add("ci_high", statistics.interval?.high, digits: 9)
        return object.text
    }
}
