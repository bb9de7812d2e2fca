using System.Text.Json.Serialization;

namespace VaeAnomaly.Evaluation;

/// <summary>The headline metrics of one score, overall and per anomaly type.</summary>
/// <param name="AucPr">Average precision.</param>
/// <param name="AucRoc">ROC AUC.</param>
/// <param name="RecallAt95Precision">Largest recall with precision at least 0.95 (0 when none).</param>
/// <param name="PrecisionAtK">Precision among the top k, k = number of anomalies.</param>
/// <param name="BestF1">Best F1 over thresholds.</param>
/// <param name="BestF1Threshold">The threshold of <see cref="BestF1"/>.</param>
/// <param name="ByType">Per anomaly type: that type's anomalies against all normals.</param>
public sealed record ScoreMetrics(
    [property: JsonPropertyName("auc_pr")] double AucPr,
    [property: JsonPropertyName("auc_roc")] double AucRoc,
    [property: JsonPropertyName("recall_at_95_precision")] double RecallAt95Precision,
    [property: JsonPropertyName("precision_at_k")] double PrecisionAtK,
    [property: JsonPropertyName("best_f1")] double BestF1,
    [property: JsonPropertyName("best_f1_threshold")] double BestF1Threshold,
    [property: JsonPropertyName("by_type")] IReadOnlyDictionary<string, TypeMetrics> ByType)
{
    /// <summary>Computes every metric.</summary>
    /// <param name="labels">True for anomalies.</param>
    /// <param name="scores">Higher is more anomalous.</param>
    /// <param name="types">Anomaly type per item (normals named <c>normal</c>), or null when unknown.</param>
    public static ScoreMetrics Compute(IReadOnlyList<bool> labels, IReadOnlyList<double> scores, IReadOnlyList<string>? types = null)
    {
        var (f1, threshold) = RankingMetrics.BestF1(labels, scores);
        var byType = new SortedDictionary<string, TypeMetrics>(StringComparer.Ordinal);
        if (types is not null)
        {
            foreach (var type in types.Where((_, i) => labels[i]).Distinct())
            {
                var keep = Enumerable.Range(0, labels.Count).Where(i => !labels[i] || types[i] == type).ToArray();
                var subLabels = keep.Select(i => labels[i]).ToArray();
                var subScores = keep.Select(i => scores[i]).ToArray();
                byType[type] = new TypeMetrics(
                    subLabels.Count(l => l),
                    RankingMetrics.AveragePrecision(subLabels, subScores),
                    RankingMetrics.RocAuc(subLabels, subScores),
                    RankingMetrics.RecallAtPrecision(subLabels, subScores, 0.95));
            }
        }

        return new ScoreMetrics(
            RankingMetrics.AveragePrecision(labels, scores),
            RankingMetrics.RocAuc(labels, scores),
            RankingMetrics.RecallAtPrecision(labels, scores, 0.95),
            RankingMetrics.PrecisionAtK(labels, scores),
            f1,
            threshold,
            byType);
    }
}
