using System.Text.Json.Serialization;

namespace VaeAnomaly.Evaluation;

/// <summary>
/// Point-level measures of a series' per-step scores against per-step labels: the confusion at the threshold
/// with precision, recall, F1, accuracy, false- and missed-alarm rates, the threshold-free AUC-PR and AUC-ROC, and
/// the reconstruction's MAE and RMSE. <see cref="PointAdjusted"/> is filled only when asked for, and is always
/// reported under its own name: it credits a whole labelled segment once any of its points is flagged, which
/// inflates F1 and is not comparable with unadjusted figures.
/// </summary>
/// <param name="Points">Scored points.</param>
/// <param name="Anomalous">Points labelled anomalous.</param>
/// <param name="Threshold">Scores above it are flagged.</param>
/// <param name="Confusion">Plain point-level counts and rates.</param>
/// <param name="AucPr">Average precision of the point scores.</param>
/// <param name="AucRoc">ROC AUC of the point scores.</param>
/// <param name="Mae">Mean absolute reconstruction error over points and channels, in the data's units.</param>
/// <param name="Rmse">Root mean squared reconstruction error over points and channels, in the data's units.</param>
/// <param name="PointAdjusted">Counts after point adjustment, or null when not asked for.</param>
public sealed record PointEvaluation(
    int Points,
    int Anomalous,
    double Threshold,
    ConfusionCounts Confusion,
    [property: JsonPropertyName("auc_pr")] double AucPr,
    [property: JsonPropertyName("auc_roc")] double AucRoc,
    double? Mae,
    double? Rmse,
    [property: JsonPropertyName("point_adjusted")] ConfusionCounts? PointAdjusted)
{
    /// <summary>What a random score gets on the same labels (AUC-PR the anomalous share; best F1 that of flagging every point): the row to read the rest against.</summary>
    [JsonPropertyName("random")]
    public RandomBaseline Random => RandomBaseline.Of(Anomalous, Points);

    /// <summary>The flags counted as events: labelled segments found, runs of flags outside every segment.</summary>
    [JsonPropertyName("events")]
    public required EventMetrics Events { get; init; }

    /// <summary>Measures <paramref name="scores"/> against <paramref name="labels"/>.</summary>
    /// <param name="labels">Per point, true when labelled anomalous.</param>
    /// <param name="scores">Per point score.</param>
    /// <param name="threshold">Scores above it are flagged.</param>
    /// <param name="errors">Reconstruction error per point and channel (reconstruction minus value), for MAE and RMSE; empty for a model that does not reconstruct.</param>
    /// <param name="pointAdjust">Also compute the point-adjusted counts.</param>
    /// <exception cref="ArgumentException">Lengths differ, or the labels hold only one class.</exception>
    public static PointEvaluation Compute(IReadOnlyList<bool> labels, IReadOnlyList<float> scores, double threshold, IReadOnlyList<float> errors, bool pointAdjust)
    {
        if (labels.Count != scores.Count || labels.Count == 0 || errors.Count % labels.Count != 0)
        {
            throw new ArgumentException($"Expected one label and one score per point and a whole number of errors per point; got {labels.Count} labels, {scores.Count} scores, {errors.Count} errors.");
        }

        if (!labels.Contains(true) || labels.All(l => l))
        {
            throw new ArgumentException("Point-level evaluation needs both normal and anomalous points among the labels.");
        }

        var asDouble = scores.Select(s => (double)s).ToArray();
        var flags = asDouble.Select(s => s > threshold).ToArray();
        return new PointEvaluation(
            labels.Count,
            labels.Count(l => l),
            threshold,
            ConfusionCounts.Of(labels, flags),
            RankingMetrics.AveragePrecision(labels, asDouble),
            RankingMetrics.RocAuc(labels, asDouble),
            errors.Count == 0 ? null : errors.Average(e => Math.Abs((double)e)),
            errors.Count == 0 ? null : Math.Sqrt(errors.Average(e => (double)e * e)),
            pointAdjust ? ConfusionCounts.Of(labels, PointAdjust(labels, flags)) : null)
        {
            Events = EventMetrics.Of(labels, flags),
        };
    }

    /// <summary>
    /// Measures the scores of several series (files scored each on its own) as one: the confusion, AUC-PR and AUC-ROC
    /// over all their points, and the events and point adjustment of each series on its own, summed, so a labelled
    /// segment or a run of flags never spans the end of one series and the start of the next.
    /// </summary>
    /// <param name="parts">Each series' labels, scores and reconstruction errors (empty for a model that does not reconstruct).</param>
    /// <param name="threshold">Scores above it are flagged.</param>
    /// <param name="pointAdjust">Also compute the point-adjusted counts.</param>
    /// <exception cref="ArgumentException">A part's lengths differ, or the labels of all parts hold only one class.</exception>
    public static PointEvaluation Pool(IReadOnlyList<(IReadOnlyList<bool> Labels, IReadOnlyList<float> Scores, IReadOnlyList<float> Errors)> parts, double threshold, bool pointAdjust)
    {
        if (parts.Any(p => p.Labels.Count != p.Scores.Count || p.Labels.Count == 0 || p.Errors.Count % p.Labels.Count != 0) || parts.Select(p => p.Errors.Count == 0).Distinct().Count() > 1)
        {
            throw new ArgumentException("Expected one label and one score per point of each series, and a whole number of errors per point of every series or of none.", nameof(parts));
        }

        var labels = parts.SelectMany(p => p.Labels).ToArray();
        var pooled = Compute(labels, [.. parts.SelectMany(p => p.Scores)], threshold, [.. parts.SelectMany(p => p.Errors)], pointAdjust: false);
        var flags = parts.Select(p => p.Scores.Select(s => s > threshold).ToArray()).ToArray();
        var events = parts.Select((p, k) => EventMetrics.Of(p.Labels, flags[k])).ToArray();
        return pooled with
        {
            PointAdjusted = pointAdjust ? ConfusionCounts.Of(labels, [.. parts.SelectMany((p, k) => PointAdjust(p.Labels, flags[k]))]) : null,
            Events = new EventMetrics(events.Sum(e => e.Segments), events.Sum(e => e.Found), events.Sum(e => e.FalseEvents)),
        };
    }

    /// <summary>
    /// Point adjustment (Xu et al., 2018): every point of a contiguous labelled segment counts as flagged when any
    /// of its points is flagged; flags outside labelled segments are unchanged.
    /// </summary>
    /// <param name="labels">Per point, true when labelled anomalous.</param>
    /// <param name="flags">Per point, true when flagged.</param>
    public static bool[] PointAdjust(IReadOnlyList<bool> labels, IReadOnlyList<bool> flags)
    {
        var adjusted = flags.ToArray();
        foreach (var (first, last) in Segments(labels))
        {
            if (Enumerable.Range(first, last - first + 1).Any(i => flags[i]))
            {
                Array.Fill(adjusted, true, first, last - first + 1);
            }
        }

        return adjusted;
    }

    /// <summary>The contiguous runs of labelled points, as first and last index, in order.</summary>
    /// <param name="labels">Per point, true when labelled anomalous.</param>
    public static IReadOnlyList<(int First, int Last)> Segments(IReadOnlyList<bool> labels)
    {
        var segments = new List<(int, int)>();
        for (var start = 0; start < labels.Count;)
        {
            if (!labels[start])
            {
                start++;
                continue;
            }

            var end = start;
            while (end + 1 < labels.Count && labels[end + 1])
            {
                end++;
            }

            segments.Add((start, end));
            start = end + 1;
        }

        return segments;
    }
}
