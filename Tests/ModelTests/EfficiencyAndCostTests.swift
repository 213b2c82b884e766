import Model
import XCTest

final class EfficiencyAndCostTests: XCTestCase {
    /// 300 frames of 1920x1080 (622 080 000 pixels) in 5 s, 700 J, 3 125 000 bytes, SSIM 0.981.
    private func figures(joules: Double = 700, quality: JobResult.QualityScores? = .init(psnr: 41.2, ssim: 0.981))
        -> Efficiency
    {
        Efficiency.compute(
            renditions: [.init(resolution: .fullHD, frames: 300)], joules: joules, wallSeconds: 5,
            encodedBytes: 3_125_000, quality: quality)
    }

    func testPixelsPerJouleIsPixelsTimesFramesOverJoules() throws {
        // 1920 × 1080 × 300 = 622 080 000 pixels; ÷ 700 J = 888 685.714… pixels/J.
        XCTAssertEqual(try XCTUnwrap(figures().pixelsPerJoule), 888_685.714_285_7, accuracy: 1e-6)
    }

    func testPixelsPerJouleSumsEveryRendition() throws {
        let efficiency = Efficiency.compute(
            renditions: [.init(resolution: .fullHD, frames: 100), .init(resolution: .hd720, frames: 100)], joules: 100,
            wallSeconds: 1, encodedBytes: nil, quality: nil)
        // (2 073 600 + 921 600) × 100 ÷ 100 J = 2 995 200 pixels/J; 100 J ÷ 200 frames = 0.5 J/frame.
        XCTAssertEqual(try XCTUnwrap(efficiency.pixelsPerJoule), 2_995_200, accuracy: 1e-9)
        XCTAssertEqual(efficiency.joulesPerFrame, 0.5)
        XCTAssertNil(efficiency.megabitsPerSecondPerWatt, "unknown bytes: no delivered rate")
        XCTAssertNil(efficiency.qualityPerJoule)
        XCTAssertNil(efficiency.qualityBasis)
    }

    func testJoulesPerFrameIsJoulesOverFrames() throws {
        XCTAssertEqual(try XCTUnwrap(figures().joulesPerFrame), 2.333_333_333, accuracy: 1e-9)  // 700 ÷ 300
    }

    func testMegabitsPerSecondPerWattIsDeliveredRateOverAveragePower() throws {
        // 3 125 000 B × 8 = 25 Mbit in 5 s = 5 Mbit/s; 700 J ÷ 5 s = 140 W; 5 ÷ 140 = 0.035714…
        XCTAssertEqual(try XCTUnwrap(figures().megabitsPerSecondPerWatt), 0.035_714_285_7, accuracy: 1e-10)
    }

    func testQualityPerJouleWeightsPixelsBySSIMWhenMeasured() throws {
        let efficiency = figures()
        // 0.981 × 622 080 000 ÷ 700 = 871 800.685…
        XCTAssertEqual(try XCTUnwrap(efficiency.qualityPerJoule), 871_800.685_714, accuracy: 1e-3)
        XCTAssertEqual(efficiency.qualityBasis, .ssim)
    }

    func testQualityPerJouleFallsBackToPSNROverFiftyDecibels() throws {
        let efficiency = figures(quality: .init(psnr: 40))
        // 40 ÷ 50 = 0.8; 0.8 × 622 080 000 ÷ 700 = 710 948.571…
        XCTAssertEqual(try XCTUnwrap(efficiency.qualityPerJoule), 710_948.571_428, accuracy: 1e-3)
        XCTAssertEqual(efficiency.qualityBasis, .psnr)
        XCTAssertEqual(figures(quality: .init(psnr: 100)).qualityPerJoule, figures().pixelsPerJoule, "capped at 1")
    }

    func testZeroEnergyGivesNoFiguresInsteadOfInfinity() throws {
        for joules in [0, Double.nan, .infinity, -1] {
            XCTAssertEqual(figures(joules: joules), Efficiency(), "\(joules) J")
        }
    }

    func testNoFramesOrNoTimeGivesNoFigures() {
        let none = Efficiency.compute(renditions: [], joules: 5, wallSeconds: 0, encodedBytes: 10, quality: nil)
        XCTAssertEqual(none, Efficiency())
    }

    func testCostIsKilowattHoursTimesTheDefaultPrices() throws {
        let cost = try XCTUnwrap(Cost.compute(joules: 3_600_000))  // exactly 1 kWh
        XCTAssertEqual(cost.kilowattHours, 1)
        XCTAssertEqual(cost.usd, 0.12, accuracy: 1e-12)
        XCTAssertEqual(cost.co2Grams, 400, accuracy: 1e-9)
        XCTAssertEqual(cost.usdPerKilowattHour, 0.12)
        XCTAssertEqual(cost.gramsPerKilowattHour, 400)
    }

    func testCostUsesTheConfiguredPrices() throws {
        // 700 J = 0.000 194 4… kWh; × 0.30 USD = 0.000 058 33 USD; × 50 g = 0.009 722 g.
        let cost = try XCTUnwrap(
            Cost.compute(joules: 700, price: EnergyPrice(usdPerKilowattHour: 0.30, gramsPerKilowattHour: 50)))
        XCTAssertEqual(cost.kilowattHours, 700.0 / 3_600_000, accuracy: 1e-15)
        XCTAssertEqual(cost.usd, 0.000_058_333_333, accuracy: 1e-12)
        XCTAssertEqual(cost.co2Grams, 0.009_722_222_222, accuracy: 1e-12)
    }

    func testCostOfImpossibleEnergyIsNil() {
        XCTAssertNil(Cost.compute(joules: .nan))
        XCTAssertNil(Cost.compute(joules: -1))
        XCTAssertNil(Cost.compute(joules: 1, price: EnergyPrice(usdPerKilowattHour: .infinity)))
        XCTAssertEqual(Cost.compute(joules: 0)?.usd, 0)
    }

    func testJSONNeverContainsNaNOrInfinity() throws {
        var result = Examples.result
        result.efficiency = Efficiency.compute(
            renditions: [.init(resolution: .fullHD, frames: 0)], joules: 0, wallSeconds: 0, encodedBytes: 0,
            quality: .init(psnr: .nan, ssim: .nan))
        result.cost = Cost.compute(joules: .nan)
        let text = String(decoding: try MessageCoding.encode(result), as: UTF8.self).lowercased()
        XCTAssertFalse(text.contains("nan"))
        XCTAssertFalse(text.contains("inf"))
        XCTAssertTrue(text.contains(#""efficiency":{}"#))

        result.fps = .nan
        XCTAssertThrowsError(try MessageCoding.encode(result), "a NaN that slips through is an error, never written") {
            error in
            XCTAssertEqual((error as? MessageCodingError)?.field, "fps")
        }
    }
}
