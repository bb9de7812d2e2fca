using System.Text.Json.Serialization;

namespace VaeAnomaly.Evaluation;

/// <summary>Counts of a thresholded decision (flagged when score &gt; threshold) and the rates derived from them.</summary>
/// <param name="TruePositives">Anomalies flagged.</param>
/// <param name="FalsePositives">Normals flagged.</param>
/// <param name="TrueNegatives">Normals not flagged.</param>
/// <param name="FalseNegatives">Anomalies missed.</param>
public sealed record ConfusionCounts(
    [property: JsonPropertyName("tp")] int TruePositives,
    [property: JsonPropertyName("fp")] int FalsePositives,
    [property: JsonPropertyName("tn")] int TrueNegatives,
    [property: JsonPropertyName("fn")] int FalseNegatives)
{
    /// <summary>TP / (TP + FP); 0 when nothing is flagged.</summary>
    [JsonPropertyName("precision")]
    public double Precision => TruePositives + FalsePositives == 0 ? 0 : (double)TruePositives / (TruePositives + FalsePositives);

    /// <summary>TP / (TP + FN); 0 when there are no anomalies.</summary>
    [JsonPropertyName("recall")]
    public double Recall => TruePositives + FalseNegatives == 0 ? 0 : (double)TruePositives / (TruePositives + FalseNegatives);

    /// <summary>Harmonic mean of precision and recall.</summary>
    [JsonPropertyName("f1")]
    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    /// <summary>FP / (FP + TN).</summary>
    [JsonPropertyName("false_alarm_rate")]
    public double FalseAlarmRate => FalsePositives + TrueNegatives == 0 ? 0 : (double)FalsePositives / (FalsePositives + TrueNegatives);

    /// <summary>FN / (FN + TP): the missed-alarm rate.</summary>
    [JsonPropertyName("missed_alarm_rate")]
    public double MissedAlarmRate => FalseNegatives + TruePositives == 0 ? 0 : (double)FalseNegatives / (FalseNegatives + TruePositives);

    /// <summary>(TP + TN) / all.</summary>
    [JsonPropertyName("accuracy")]
    public double Accuracy => TruePositives + FalsePositives + TrueNegatives + FalseNegatives == 0 ? 0
        : (double)(TruePositives + TrueNegatives) / (TruePositives + FalsePositives + TrueNegatives + FalseNegatives);

    /// <summary>The counts of flagging every item: the floor any detector is read against.</summary>
    /// <param name="anomalous">Items labelled anomalous.</param>
    /// <param name="normal">Items labelled normal.</param>
    public static ConfusionCounts AllFlagged(int anomalous, int normal) => new(anomalous, normal, 0, 0);

    /// <summary>Counts flags against labels.</summary>
    /// <param name="labels">True for anomalies.</param>
    /// <param name="flags">True where flagged.</param>
    public static ConfusionCounts Of(IReadOnlyList<bool> labels, IReadOnlyList<bool> flags)
    {
        int tp = 0, fp = 0, tn = 0, fn = 0;
        for (var i = 0; i < labels.Count; i++)
        {
            (tp, fp, tn, fn) = (labels[i], flags[i]) switch
            {
                (true, true) => (tp + 1, fp, tn, fn),
                (false, true) => (tp, fp + 1, tn, fn),
                (false, false) => (tp, fp, tn + 1, fn),
                _ => (tp, fp, tn, fn + 1),
            };
        }

        return new ConfusionCounts(tp, fp, tn, fn);
    }

    /// <summary>Counts the decisions <c>score &gt; threshold</c> against the labels.</summary>
    /// <param name="labels">True for anomalies.</param>
    /// <param name="scores">Scores.</param>
    /// <param name="threshold">Scores above it are flagged.</param>
    public static ConfusionCounts At(IReadOnlyList<bool> labels, IReadOnlyList<double> scores, double threshold) =>
        Of(labels, [.. scores.Select(s => s > threshold)]);
}
