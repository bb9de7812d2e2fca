namespace VaeAnomaly.Evaluation;

/// <summary>ROC operating points at each distinct score, from (0, 0) to (1, 1).</summary>
public static class RocCurve
{
    /// <summary>False and true positive rates, flagged when score &gt;= threshold, thresholds decreasing.</summary>
    /// <param name="labels">True for anomalies; both classes must occur.</param>
    /// <param name="scores">Higher is more anomalous.</param>
    public static (double[] FalsePositiveRate, double[] TruePositiveRate) Compute(IReadOnlyList<bool> labels, IReadOnlyList<double> scores)
    {
        PrecisionRecallCurve.Check(labels, scores);
        var positives = labels.Count(l => l);
        var negatives = labels.Count - positives;
        if (positives == 0 || negatives == 0)
        {
            throw new ArgumentException("A ROC curve needs both anomalies and normals.", nameof(labels));
        }

        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        var fpr = new List<double> { 0 };
        var tpr = new List<double> { 0 };
        int tp = 0, fp = 0;
        for (var k = 0; k < order.Length; k++)
        {
            if (labels[order[k]])
            {
                tp++;
            }
            else
            {
                fp++;
            }

            if (k == order.Length - 1 || scores[order[k + 1]] != scores[order[k]])
            {
                fpr.Add((double)fp / negatives);
                tpr.Add((double)tp / positives);
            }
        }

        return ([.. fpr], [.. tpr]);
    }
}
