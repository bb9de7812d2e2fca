namespace VaeAnomaly.Thresholds;

/// <summary>Mean plus k population standard deviations of normal scores.</summary>
/// <param name="k">Number of standard deviations; 3 by default.</param>
public sealed class MeanStdThreshold(double k = 3.0) : IThresholdRule
{
    /// <inheritdoc />
    public string Name => "mean-std";

    /// <summary>Number of standard deviations.</summary>
    public double K { get; } = double.IsFinite(k) && k >= 0 ? k : throw new ArgumentOutOfRangeException(nameof(k), $"k must be a finite number >= 0, got {k}");

    /// <inheritdoc />
    public double Fit(IReadOnlyList<float> normalScores)
    {
        if (normalScores.Count == 0)
        {
            throw new ArgumentException("A threshold needs at least one normal score.", nameof(normalScores));
        }

        var mean = normalScores.Average(s => (double)s);
        var variance = normalScores.Sum(s => (s - mean) * (s - mean)) / normalScores.Count;
        return mean + (K * Math.Sqrt(variance));
    }
}
