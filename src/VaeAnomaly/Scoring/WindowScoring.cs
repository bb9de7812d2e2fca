namespace VaeAnomaly.Scoring;

/// <summary>
/// How single windows of a windowed model are scored when a series is scored point by point from its windows:
/// the combined score standardised on validation windows, and thresholds fitted on validation windows' scores.
/// A series' validation part is one sequence, so the sequence-level combiner and thresholds would rest on one value.
/// </summary>
/// <param name="Combiner">Combined-score standardisation fitted on validation windows.</param>
/// <param name="Thresholds">Score kind name to rule name to threshold, fitted on validation windows.</param>
/// <param name="Windows">Validation windows they were fitted on.</param>
public sealed record WindowScoring(ScoreCombiner Combiner, IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Thresholds, int Windows);

/// <summary>Per-point scores of a series and the threshold that flags them.</summary>
/// <param name="Scores">One score per point.</param>
/// <param name="Threshold">Points scoring above it are flagged.</param>
/// <param name="FirstScored">First point with a real score; earlier points score 0 (see <see cref="WindowPointScores"/>).</param>
/// <param name="Windows">Windows scored.</param>
public sealed record SeriesPointScores(float[] Scores, double Threshold, int FirstScored, int Windows)
{
    /// <summary>Whether each point is flagged.</summary>
    public bool[] Flags() => [.. Scores.Select(s => s > Threshold)];
}
