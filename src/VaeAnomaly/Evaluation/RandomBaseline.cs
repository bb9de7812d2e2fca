using System.Text.Json.Serialization;

namespace VaeAnomaly.Evaluation;

/// <summary>What an uninformative (random) score is expected to get on the same labels: the floor to compare with.</summary>
/// <param name="AucPr">Expected average precision: the anomaly ratio.</param>
/// <param name="AucRoc">0.5.</param>
/// <param name="RecallAt95Precision">0 (a random ranking reaches 95% precision only by luck).</param>
/// <param name="PrecisionAtK">The anomaly ratio.</param>
/// <param name="BestF1">2r / (1 + r): flagging everything, which any score can do.</param>
public sealed record RandomBaseline(
    [property: JsonPropertyName("auc_pr")] double AucPr,
    [property: JsonPropertyName("auc_roc")] double AucRoc,
    [property: JsonPropertyName("recall_at_95_precision")] double RecallAt95Precision,
    [property: JsonPropertyName("precision_at_k")] double PrecisionAtK,
    [property: JsonPropertyName("best_f1")] double BestF1)
{
    /// <summary>The row's name in every table that prints it.</summary>
    public const string Name = "random score";

    /// <summary>The baseline for labels with anomaly ratio <c>r</c>.</summary>
    /// <param name="labels">True for anomalies.</param>
    public static RandomBaseline For(IReadOnlyList<bool> labels) => Of(labels.Count(l => l), labels.Count);

    /// <summary>The baseline for <paramref name="anomalous"/> anomalies among <paramref name="total"/> items.</summary>
    /// <param name="anomalous">Items labelled anomalous.</param>
    /// <param name="total">All items, at least one.</param>
    public static RandomBaseline Of(int anomalous, int total)
    {
        var r = anomalous / (double)total;
        return new RandomBaseline(r, 0.5, 0, r, 2 * r / (1 + r));
    }
}
