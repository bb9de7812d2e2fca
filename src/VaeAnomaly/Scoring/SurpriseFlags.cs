namespace VaeAnomaly.Scoring;

/// <summary>
/// Flags that follow the series instead of a threshold fitted on validation data: each point's surprise next to the
/// scores of the points before it (<see cref="ScoreSurprise"/>), flagged above <see cref="Flag"/>. A threshold fitted on
/// the end of a short training part flags far more of later normal data than it promises when normal operation drifts
/// (SMAP: 5-23% instead of 1%); the surprise judges each score against the series' own recent scores (0.4-0.6% there).
/// </summary>
public static class SurpriseFlags
{
    /// <summary>The flag: a surprise above 0.5, an upper tail of 1e-5 (as NAB's and SKAB's protocols flag).</summary>
    public const double Flag = 0.5;

    /// <summary>The surprise of every point of <paramref name="points"/> as point scores with the threshold <see cref="Flag"/>.</summary>
    /// <param name="points">A model's point scores of a series.</param>
    /// <param name="history">How many earlier scores a point is compared with: the training part's rows, by the rule of the benchmarks.</param>
    /// <param name="average">Judge the mean of each point's score and those just before it (<see cref="ScoreAverage"/>); off by default.</param>
    /// <returns>Surprises in [0, 1); the first scored point and those before it score 0 (no history yet).</returns>
    public static SeriesPointScores Of(SeriesPointScores points, int history, ScoreAverage average = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(history, 2);
        var first = Math.Min(points.FirstScored + 1, points.Scores.Length);
        var judged = average.IsOff ? points.Scores : average.Of(points.Scores, points.FirstScored);
        var surprise = ScoreSurprise.Compute(judged, first, points.FirstScored, history);
        return new SeriesPointScores([.. surprise.Select(v => (float)v)], Flag, first, points.Windows);
    }
}
