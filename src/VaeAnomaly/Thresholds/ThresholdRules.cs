namespace VaeAnomaly.Thresholds;

/// <summary>The threshold rules by name, with their default settings.</summary>
public static class ThresholdRules
{
    /// <summary>Rule names: <c>quantile</c> (0.99), <c>mean-std</c> (k = 3), <c>pot</c> (q = 1e-3).</summary>
    public static IReadOnlyList<string> Names { get; } = ["quantile", "mean-std", "pot"];

    /// <summary>The rule named <paramref name="name"/>.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    public static IThresholdRule Create(string name) => name switch
    {
        "quantile" => new QuantileThreshold(),
        "mean-std" => new MeanStdThreshold(),
        "pot" => new PeaksOverThreshold(),
        _ => throw new ArgumentException($"Unknown threshold rule '{name}'; expected one of {string.Join(", ", Names)}."),
    };

    /// <summary>Fits every rule to the same normal scores; a rule that cannot be fitted gets NaN.</summary>
    /// <param name="normalScores">Scores of normal validation data only.</param>
    public static IReadOnlyDictionary<string, double> FitAll(IReadOnlyList<float> normalScores)
    {
        var result = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var name in Names)
        {
            try
            {
                result[name] = Create(name).Fit(normalScores);
            }
            catch (ArgumentException)
            {
                result[name] = double.NaN;
            }
        }

        return result;
    }
}
