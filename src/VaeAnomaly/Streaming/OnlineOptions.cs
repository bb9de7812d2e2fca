namespace VaeAnomaly.Streaming;

/// <summary>How an <see cref="OnlineDetector"/> keeps learning.</summary>
/// <param name="Cadence">Rows between refits.</param>
/// <param name="Memory">Most rows a refit learns from: the newest rows judged normal.</param>
/// <param name="Margin">Rows on each side of a flagged row kept out of every refit; a row is judged normal only once this many rows after it arrived unflagged.</param>
/// <param name="MinRows">No refit before the stream holds this many rows: the first model is not replaced by one fitted on fewer rows than it learnt from.</param>
/// <param name="ValidationFraction">The newest part of a refit's rows that validates it (early stopping, thresholds).</param>
/// <param name="FineTuneEpochs">Epochs a model that can be trained further (<see cref="Detectors.IFineTunes"/>) trains at each refit, from its current weights, instead of being fitted anew.</param>
/// <param name="Guard">
/// Keep flagged rows' scores out of the surprise history (and so out of a refit's new history) until a run of flags grows
/// longer than that history, so a long anomaly does not become the normal it is judged by (<see cref="StreamingScorer"/>).
/// </param>
/// <param name="Rest">Rows not flagged after each alarm (<see cref="AlarmRest"/>); rows judged anomalous stay out of refits all the same.</param>
/// <param name="Average">Scores averaged before their surprise is judged (<see cref="Scoring.ScoreAverage"/>); off by default.</param>
public sealed record OnlineOptions(int Cadence, int Memory, int Margin, int MinRows = 0, double ValidationFraction = 0.25, int FineTuneEpochs = 2, bool Guard = false, int Rest = 0,
    Scoring.ScoreAverage Average = default)
{
    /// <summary>
    /// The defaults, fixed before any benchmark ran: a refit every quarter of the initial training length (at least one
    /// lookback), on at most four training lengths of normal rows, keeping one lookback on each side of a flag out, the first
    /// once the stream holds a training length of rows; a model that can be trained further trains 2 more epochs at each.
    /// </summary>
    /// <param name="trainingRows">Rows the first model was fitted on (training and validation).</param>
    /// <param name="lookback">Rows the model reads to score one row.</param>
    public static OnlineOptions For(int trainingRows, int lookback) =>
        new(Math.Max(lookback, trainingRows / 4), Math.Max(4 * trainingRows, 4 * lookback), lookback, trainingRows);
}
