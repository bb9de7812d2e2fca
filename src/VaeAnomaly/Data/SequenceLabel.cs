namespace VaeAnomaly.Data;

/// <summary>Ground truth for one sequence, used only by evaluation, never by fitting.</summary>
/// <param name="IsAnomaly">True for an anomalous sequence (label 1).</param>
/// <param name="AnomalyType">Kind of anomaly (<c>normal</c> for normal sequences); free text for foreign data.</param>
public sealed record SequenceLabel(bool IsAnomaly, string AnomalyType)
{
    /// <summary>The type name used for normal sequences.</summary>
    public const string Normal = "normal";
}
