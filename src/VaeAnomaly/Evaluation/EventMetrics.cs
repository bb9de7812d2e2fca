namespace VaeAnomaly.Evaluation;

/// <summary>
/// Events instead of points: a labelled segment counts as found when one of its points is flagged (event recall), and a
/// run of consecutive flags that touches no labelled segment is one false event (event precision = found segments over
/// found segments plus false events), so one long false alarm costs one event, not its length.
/// </summary>
/// <param name="Segments">Labelled segments.</param>
/// <param name="Found">Segments with at least one flagged point.</param>
/// <param name="FalseEvents">Runs of flags outside every segment.</param>
public sealed record EventMetrics(int Segments, int Found, int FalseEvents)
{
    /// <summary>Found over labelled segments (0 when there are none).</summary>
    public double Recall => Segments == 0 ? 0 : (double)Found / Segments;

    /// <summary>Found over found plus false events (0 when nothing was flagged).</summary>
    public double Precision => Found + FalseEvents == 0 ? 0 : (double)Found / (Found + FalseEvents);

    /// <summary>Counts the events of <paramref name="flags"/> against <paramref name="labels"/>.</summary>
    /// <param name="labels">Per point, true when labelled anomalous.</param>
    /// <param name="flags">Per point, true when flagged.</param>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public static EventMetrics Of(IReadOnlyList<bool> labels, IReadOnlyList<bool> flags)
    {
        if (labels.Count != flags.Count)
        {
            throw new ArgumentException($"Expected one flag per label; got {labels.Count} labels and {flags.Count} flags.", nameof(flags));
        }

        var segments = PointEvaluation.Segments(labels);
        var found = segments.Count(s => Enumerable.Range(s.First, s.Last - s.First + 1).Any(t => flags[t]));
        var falseEvents = PointEvaluation.Segments(flags).Count(run => !Enumerable.Range(run.First, run.Last - run.First + 1).Any(t => labels[t]));
        return new EventMetrics(segments.Count, found, falseEvents);
    }
}
