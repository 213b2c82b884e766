import Model

extension EnergyReport {
    /// Fills J/frame (total and dynamic) and frames/J once the caller knows how many frames the
    /// job produced; leaves them nil for no frames or no energy.
    public mutating func fillFrameFigures(frames: Int) {
        guard frames > 0 else {
            joulesPerFrame = nil
            dynamicJoulesPerFrame = nil
            framesPerJoule = nil
            return
        }
        joulesPerFrame = totalJoules / Double(frames)
        dynamicJoulesPerFrame = dynamicJoules / Double(frames)
        framesPerJoule = totalJoules > 0 ? Double(frames) / totalJoules : nil
    }

    /// The same report with the frame figures filled.
    public func withFrameFigures(frames: Int) -> EnergyReport {
        var copy = self
        copy.fillFrameFigures(frames: frames)
        return copy
    }
}
