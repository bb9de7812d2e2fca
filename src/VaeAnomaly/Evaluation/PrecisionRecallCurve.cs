namespace VaeAnomaly.Evaluation;

/// <summary>
/// Operating points at each distinct score, as scikit-learn's <c>precision_recall_curve</c> builds them:
/// flagged means score &gt;= threshold; points are in decreasing threshold order and stop at the first
/// that reaches full recall.
/// </summary>
public sealed class PrecisionRecallCurve
{
    private PrecisionRecallCurve(double[] thresholds, double[] precision, double[] recall, int positives)
    {
        Thresholds = thresholds;
        Precision = precision;
        Recall = recall;
        Positives = positives;
    }

    /// <summary>Distinct scores used as thresholds, decreasing.</summary>
    public IReadOnlyList<double> Thresholds { get; }

    /// <summary>Precision at each threshold.</summary>
    public IReadOnlyList<double> Precision { get; }

    /// <summary>Recall at each threshold.</summary>
    public IReadOnlyList<double> Recall { get; }

    /// <summary>Number of positives.</summary>
    public int Positives { get; }

    /// <summary>Builds the curve.</summary>
    /// <param name="labels">True for anomalies; at least one of each class is not required, but at least one positive is.</param>
    /// <param name="scores">Higher is more anomalous; must be finite.</param>
    public static PrecisionRecallCurve Compute(IReadOnlyList<bool> labels, IReadOnlyList<double> scores)
    {
        Check(labels, scores);
        var positives = labels.Count(l => l);
        if (positives == 0)
        {
            throw new ArgumentException("Precision and recall need at least one anomaly among the labels.", nameof(labels));
        }

        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        var thresholds = new List<double>();
        var precision = new List<double>();
        var recall = new List<double>();
        var tp = 0;
        for (var k = 0; k < order.Length; k++)
        {
            if (labels[order[k]])
            {
                tp++;
            }

            var endOfTies = k == order.Length - 1 || scores[order[k + 1]] != scores[order[k]];
            if (!endOfTies)
            {
                continue;
            }

            thresholds.Add(scores[order[k]]);
            precision.Add((double)tp / (k + 1));
            recall.Add((double)tp / positives);
            if (tp == positives)
            {
                break;
            }
        }

        return new PrecisionRecallCurve([.. thresholds], [.. precision], [.. recall], positives);
    }

    internal static void Check(IReadOnlyList<bool> labels, IReadOnlyList<double> scores)
    {
        if (labels.Count != scores.Count)
        {
            throw new ArgumentException($"Got {labels.Count} labels for {scores.Count} scores.", nameof(scores));
        }

        if (scores.Any(s => !double.IsFinite(s)))
        {
            throw new ArgumentException("Scores must be finite numbers.", nameof(scores));
        }
    }
}
