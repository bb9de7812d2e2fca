namespace VaeAnomaly.Thresholds;

/// <summary>Turns scores of normal data into a threshold; it never sees labels.</summary>
public interface IThresholdRule
{
    /// <summary>Short name, e.g. <c>quantile</c>.</summary>
    string Name { get; }

    /// <summary>The threshold: scores above it are anomalous.</summary>
    /// <param name="normalScores">Scores of normal (validation) data only.</param>
    double Fit(IReadOnlyList<float> normalScores);
}
