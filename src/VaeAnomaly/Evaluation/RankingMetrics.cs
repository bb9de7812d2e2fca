namespace VaeAnomaly.Evaluation;

/// <summary>Threshold-free ranking metrics of anomaly scores, defined as scikit-learn 1.2 computes them.</summary>
public static class RankingMetrics
{
    /// <summary>Average precision (AUC-PR), step-wise: sum over thresholds of (R_n - R_{n-1}) * P_n.</summary>
    /// <param name="labels">True for anomalies.</param>
    /// <param name="scores">Higher is more anomalous.</param>
    public static double AveragePrecision(IReadOnlyList<bool> labels, IReadOnlyList<double> scores)
    {
        var curve = PrecisionRecallCurve.Compute(labels, scores);
        double ap = 0, previousRecall = 0;
        for (var i = 0; i < curve.Recall.Count; i++)
        {
            ap += (curve.Recall[i] - previousRecall) * curve.Precision[i];
            previousRecall = curve.Recall[i];
        }

        return ap;
    }

    /// <summary>Area under the ROC curve; a tie between an anomaly and a normal counts one half.</summary>
    /// <param name="labels">True for anomalies; both classes must occur.</param>
    /// <param name="scores">Higher is more anomalous.</param>
    public static double RocAuc(IReadOnlyList<bool> labels, IReadOnlyList<double> scores)
    {
        PrecisionRecallCurve.Check(labels, scores);
        var positives = labels.Count(l => l);
        var negatives = labels.Count - positives;
        if (positives == 0 || negatives == 0)
        {
            throw new ArgumentException("ROC AUC needs both anomalies and normals among the labels.", nameof(labels));
        }

        // Mann-Whitney U with mid-ranks for ties.
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double positiveRankSum = 0;
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]])
            {
                end++;
            }

            var midRank = ((start + end) / 2.0) + 1;
            for (var k = start; k <= end; k++)
            {
                if (labels[order[k]])
                {
                    positiveRankSum += midRank;
                }
            }

            start = end + 1;
        }

        return (positiveRankSum - ((double)positives * (positives + 1) / 2.0)) / ((double)positives * negatives);
    }

    /// <summary>The largest recall among operating points whose precision is at least <paramref name="precision"/>; 0 when none is.</summary>
    /// <param name="labels">True for anomalies.</param>
    /// <param name="scores">Higher is more anomalous.</param>
    /// <param name="precision">The precision floor, e.g. 0.95.</param>
    public static double RecallAtPrecision(IReadOnlyList<bool> labels, IReadOnlyList<double> scores, double precision)
    {
        var curve = PrecisionRecallCurve.Compute(labels, scores);
        var best = 0.0;
        for (var i = 0; i < curve.Recall.Count; i++)
        {
            if (curve.Precision[i] >= precision)
            {
                best = Math.Max(best, curve.Recall[i]);
            }
        }

        return best;
    }

    /// <summary>Fraction of anomalies among the <paramref name="k"/> highest scores (ties keep input order).</summary>
    /// <param name="labels">True for anomalies.</param>
    /// <param name="scores">Higher is more anomalous.</param>
    /// <param name="k">How many top scores; null means the number of anomalies.</param>
    public static double PrecisionAtK(IReadOnlyList<bool> labels, IReadOnlyList<double> scores, int? k = null)
    {
        PrecisionRecallCurve.Check(labels, scores);
        var top = k ?? labels.Count(l => l);
        if (top < 1 || top > scores.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(k), $"k must lie in 1..{scores.Count}, got {top}.");
        }

        // OrderByDescending is a stable sort: equal scores keep their input order.
        return Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).Take(top).Count(i => labels[i]) / (double)top;
    }

    /// <summary>The best F1 over the precision-recall curve's thresholds (flagged when score &gt;= threshold), and that threshold.</summary>
    /// <param name="labels">True for anomalies.</param>
    /// <param name="scores">Higher is more anomalous.</param>
    /// <remarks>Among equal F1 values the lowest threshold wins, as <c>argmax</c> over scikit-learn's increasing-threshold arrays picks it.</remarks>
    public static (double F1, double Threshold) BestF1(IReadOnlyList<bool> labels, IReadOnlyList<double> scores)
    {
        var curve = PrecisionRecallCurve.Compute(labels, scores);
        var (bestF1, bestThreshold) = (-1.0, double.NaN);
        for (var i = 0; i < curve.Recall.Count; i++)
        {
            var (p, r) = (curve.Precision[i], curve.Recall[i]);
            var f1 = p + r == 0 ? 0 : 2 * p * r / (p + r);
            if (f1 >= bestF1)
            {
                (bestF1, bestThreshold) = (f1, curve.Thresholds[i]);
            }
        }

        return (bestF1, bestThreshold);
    }
}
