using VaeAnomaly.Data;

namespace VaeAnomaly.Detectors;

/// <summary>Flags from any fitted detector (pyod's <c>predict</c>): its score against the threshold of the rule in use.</summary>
public static class Predictions
{
    /// <summary>True where <see cref="IFittedDetector.Score"/> exceeds the threshold of the rule in use.</summary>
    /// <param name="detector">A fitted detector.</param>
    /// <param name="data">Unscaled sequences with the training channels.</param>
    /// <exception cref="ArgumentException">The rule in use could not be fitted (with the reason).</exception>
    public static bool[] Predict(this IFittedDetector detector, SequenceSet data) => detector.Thresholds.Flag(detector.Score(data));
}
