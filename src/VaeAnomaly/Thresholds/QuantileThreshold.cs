namespace VaeAnomaly.Thresholds;

/// <summary>The q-quantile of normal scores (linear interpolation between order statistics, as NumPy's default).</summary>
/// <param name="quantile">In (0, 1); 0.99 flags about 1% of normal data.</param>
public sealed class QuantileThreshold(double quantile = 0.99) : IThresholdRule
{
    /// <inheritdoc />
    public string Name => "quantile";

    /// <summary>The quantile.</summary>
    public double Quantile { get; } = quantile is > 0 and < 1
        ? quantile
        : throw new ArgumentOutOfRangeException(nameof(quantile), $"quantile must lie in (0, 1), got {quantile}");

    /// <inheritdoc />
    public double Fit(IReadOnlyList<float> normalScores)
    {
        if (normalScores.Count == 0)
        {
            throw new ArgumentException("A threshold needs at least one normal score.", nameof(normalScores));
        }

        var sorted = normalScores.Select(s => (double)s).Order().ToArray();
        var position = Quantile * (sorted.Length - 1);
        var low = (int)Math.Floor(position);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((position - low) * (sorted[high] - sorted[low]));
    }
}
