namespace VaeAnomaly.Thresholds;

/// <summary>
/// Peaks over threshold (POT): a generalized Pareto tail fitted to the normal scores above an initial
/// quantile, extrapolated to the score exceeded with probability <c>risk</c>.
/// </summary>
/// <remarks>
/// Siffer et al., "Anomaly Detection in Streams with Extreme Value Theory", KDD 2017, as OmniAnomaly
/// (Su et al., KDD 2019) uses it: z_q = t + (sigma / gamma) * ((q * n / N_t)^(-gamma) - 1), or
/// t - sigma * log(q * n / N_t) when gamma = 0, with t the initial threshold, n the number of scores
/// and N_t the number of peaks above t.
/// </remarks>
/// <param name="risk">q, the probability that a normal score exceeds the threshold; 1e-3 by default.</param>
/// <param name="initialLevel">Quantile of the normal scores used as the initial threshold t; 0.98 by default.</param>
public sealed class PeaksOverThreshold(double risk = 1e-3, double initialLevel = 0.98) : IThresholdRule
{
    /// <inheritdoc />
    public string Name => "pot";

    /// <summary>q.</summary>
    public double Risk { get; } = risk is > 0 and < 1 ? risk : throw new ArgumentOutOfRangeException(nameof(risk), $"risk must lie in (0, 1), got {risk}");

    /// <summary>Quantile of the initial threshold.</summary>
    public double InitialLevel { get; } = initialLevel is > 0 and < 1 ? initialLevel : throw new ArgumentOutOfRangeException(nameof(initialLevel), $"initial level must lie in (0, 1), got {initialLevel}");

    /// <inheritdoc />
    public double Fit(IReadOnlyList<float> normalScores)
    {
        var t = new QuantileThreshold(InitialLevel).Fit(normalScores);
        var peaks = normalScores.Where(s => s > t).Select(s => s - t).ToArray();
        if (peaks.Length < 2 || peaks.Max() <= 0)
        {
            throw new ArgumentException($"POT needs at least two normal scores above the {InitialLevel} quantile; got {peaks.Length} of {normalScores.Count}. Use more validation data or another threshold rule.", nameof(normalScores));
        }

        var tail = GeneralizedPareto.Fit(peaks);
        var r = Risk * normalScores.Count / peaks.Length;
        return Math.Abs(tail.Shape) < 1e-12
            ? t - (tail.Scale * Math.Log(r))
            : t + (tail.Scale / tail.Shape * (Math.Pow(r, -tail.Shape) - 1));
    }
}
