using System.Text.Json.Serialization;

namespace VaeAnomaly.Evaluation;

/// <summary>Metrics of one anomaly type's anomalies against all normals.</summary>
/// <param name="Count">Anomalies of this type.</param>
/// <param name="AucPr">Average precision.</param>
/// <param name="AucRoc">ROC AUC.</param>
/// <param name="RecallAt95Precision">Largest recall with precision at least 0.95.</param>
public sealed record TypeMetrics(
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("auc_pr")] double AucPr,
    [property: JsonPropertyName("auc_roc")] double AucRoc,
    [property: JsonPropertyName("recall_at_95_precision")] double RecallAt95Precision);
