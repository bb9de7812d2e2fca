using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Streaming;

/// <summary>
/// Scores a stream row by row with any fitted model that scores points: each row's score is known as soon as the row
/// arrives, from it and the rows before it only, and equals the batch <see cref="PointScoreMode.Last"/> score with
/// stride 1 (<c>score --point-score last --score-stride 1</c>) of the same row in the whole stream, however the rows
/// were cut into pushes. Flagging by surprise, a stream may judge the mean of each row's score and the few before it
/// (<see cref="ScoreAverage"/>) instead of the score alone. After an alarm the stream may rest (<see cref="AlarmRest"/>): its rows are scored but not flagged. Only the last <see cref="IScoresPoints.Lookback"/> rows are kept, and they, with the row
/// count, are the whole state: <see cref="State"/> saves it and <see cref="Resume"/> continues exactly.
/// </summary>
public sealed class StreamingScorer
{
    private readonly IFittedDetector detector;
    private readonly IScoresPoints scorer;
    private readonly PointScoreRequest request;
    private readonly Queue<float[]> recent;
    private readonly int? surpriseHistory;
    private readonly Queue<float>? scores;
    private readonly bool guard;
    private readonly int rest;
    private readonly ScoreAverage average;
    private readonly List<float> raw;
    private int flagRun;
    private int restLeft;

    /// <summary>A scorer at the start of a stream.</summary>
    /// <param name="detector">A fitted model that scores points (<see cref="IScoresPoints"/>) from a bounded past.</param>
    /// <param name="rule">The threshold rule; the model's own when null.</param>
    /// <param name="surpriseHistory">
    /// Null to flag above the threshold; else flag by surprise (<see cref="SurpriseFlags"/>): each row's score is its
    /// surprise next to this many earlier scores, flagged above 0.5, as the batch <see cref="SurpriseFlags.Of"/> gives it.
    /// </param>
    /// <param name="guard">
    /// With <paramref name="surpriseHistory"/>: keep a flagged row's score out of the history, so a long anomaly does not
    /// become the normal it is judged by, until a run of consecutive flags grows longer than the history; from then on
    /// flagged scores enter it, and a lasting change of normal is taken up.
    /// </param>
    /// <param name="rest">Rows not flagged after each alarm (<see cref="AlarmRest"/>); 0 reports every flagged row.</param>
    /// <param name="average">
    /// With <paramref name="surpriseHistory"/>: judge the mean of each row's score and the <see cref="ScoreAverage.Rows"/> - 1
    /// before it, against the same means of earlier rows (the history holds means), as the batch
    /// <see cref="SurpriseFlags.Of"/> with the same average gives it; off by default.
    /// </param>
    /// <exception cref="ArgumentException">The model does not score points, reads whole sequences, or the rule could not be fitted.</exception>
    public StreamingScorer(IFittedDetector detector, string? rule = null, int? surpriseHistory = null, bool guard = false, int rest = 0, ScoreAverage average = default)
        : this(detector, rule, new StreamState(0, [], surpriseHistory is null ? null : []), surpriseHistory, guard, rest, average)
    {
    }

    private StreamingScorer(IFittedDetector detector, string? rule, StreamState state, int? surpriseHistory, bool guard, int rest, ScoreAverage average)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rest);
        if (!average.IsOff && surpriseHistory is null)
        {
            throw new ArgumentException("An average of scores is judged by its surprise; give a surprise history.", nameof(average));
        }

        if (state.Raw is { } earlier && (earlier.Count > Math.Max(0, average.Rows - 1) || earlier.Any(s => !float.IsFinite(s))))
        {
            throw new ArgumentException($"The stream state holds {earlier.Count} raw scores; averaging {average} scores needs at most {Math.Max(0, average.Rows - 1)} finite ones.");
        }

        if (guard && surpriseHistory is null)
        {
            throw new ArgumentException("The surprise guard keeps flagged scores out of the surprise history; give a history.", nameof(guard));
        }

        if (surpriseHistory is < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(surpriseHistory), $"a surprise needs a history of at least 2 scores; got {surpriseHistory}");
        }

        if ((state.Scores is null) != (surpriseHistory is null) || state.Scores?.Count > surpriseHistory || state.Scores?.Any(s => !float.IsFinite(s)) == true || state.FlagRun < 0)
        {
            throw new ArgumentException($"The stream state {(state.Scores is null ? "holds no scores" : $"holds {state.Scores.Count} scores")}; flagging by surprise over {surpriseHistory?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no"} earlier scores needs {(surpriseHistory is null ? "none" : "at most that many finite ones")}.");
        }

        if (state.Rest < 0 || state.Rest > rest)
        {
            throw new ArgumentException($"The stream state rests {state.Rest} more rows after an alarm; a rest of {rest} rows allows 0 to {rest}.");
        }

        this.surpriseHistory = surpriseHistory;
        this.guard = guard;
        flagRun = state.FlagRun;
        this.rest = rest;
        restLeft = state.Rest;
        this.average = average;
        raw = [.. state.Raw ?? []];
        scores = state.Scores is null ? null : new Queue<float>(state.Scores);
        this.detector = detector;
        scorer = detector as IScoresPoints ?? throw new ArgumentException($"A {detector.Name} does not score the points of a series, so it cannot score a stream.");
        if (scorer.Lookback < 1)
        {
            throw new ArgumentException($"This {detector.Name} reads whole sequences (no window), so it cannot score a stream row by row; train it with --window.");
        }

        request = new PointScoreRequest(PointScoreMode.Last, rule, Stride: 1);
        Threshold = surpriseHistory is null ? scorer.PointThreshold(request) : SurpriseFlags.Flag;
        if (state.Rows < 0 || state.Recent.Count > scorer.Lookback || state.Recent.Count > state.Rows || state.Recent.Any(r => r.Length != detector.Channels.Count || r.Any(v => !float.IsFinite(v))))
        {
            throw new ArgumentException($"The stream state does not fit this {detector.Name}: it holds {state.Recent.Count} rows of the last {scorer.Lookback}, each of {detector.Channels.Count} finite values, after {state.Rows} rows.");
        }

        Rows = state.Rows;
        recent = new Queue<float[]>(state.Recent.Select(r => (float[])r.Clone()));
    }

    /// <summary>Rows scored so far; the next row's index.</summary>
    public long Rows { get; private set; }

    /// <summary>The threshold every row's score is compared with.</summary>
    public double Threshold { get; }

    /// <summary>What the stream must carry on from: the row count and the last rows (a copy).</summary>
    public StreamState State => new(Rows, [.. recent.Select(r => (float[])r.Clone())], scores?.ToArray(), flagRun, restLeft, average.IsOff ? null : [.. raw]);

    /// <summary>Continues a stream from a saved <see cref="State"/>.</summary>
    /// <param name="detector">The same model the state was made with.</param>
    /// <param name="state">The saved state.</param>
    /// <param name="rule">The threshold rule; the model's own when null.</param>
    /// <param name="surpriseHistory">As when the stream started.</param>
    /// <param name="guard">As when the stream started.</param>
    /// <param name="rest">As when the stream started.</param>
    /// <param name="average">As when the stream started.</param>
    /// <exception cref="ArgumentException">The state does not fit the model or the way it flags.</exception>
    public static StreamingScorer Resume(IFittedDetector detector, StreamState state, string? rule = null, int? surpriseHistory = null, bool guard = false, int rest = 0, ScoreAverage average = default) =>
        new(detector, rule, state, surpriseHistory, guard, rest, average);

    /// <summary>Scores one row.</summary>
    /// <param name="row">The row's values, in the model's channel order, unscaled.</param>
    /// <exception cref="ArgumentException">Another number of values, or a value that is not finite.</exception>
    public StreamPoint Push(IReadOnlyList<float> row) => PushRows([row])[0];

    /// <summary>Scores one row, as <see cref="Push(IReadOnlyList{float})"/>; when it is flagged and <paramref name="explain"/>, with its <see cref="StreamPoint.Explanation"/>.</summary>
    /// <param name="row">The row's values, in the model's channel order, unscaled.</param>
    /// <param name="explain">Explain a flagged row.</param>
    public StreamPoint Push(IReadOnlyList<float> row, bool explain) => PushRows([row], explain)[0];

    /// <summary>
    /// Scores rows in arrival order, all windows in one call to the model: the same points as pushing them one by one.
    /// A rejected chunk leaves the stream as it was.
    /// </summary>
    /// <param name="rows">The rows' values, each in the model's channel order, unscaled.</param>
    /// <param name="explain">
    /// Give each flagged row its <see cref="StreamPoint.Explanation"/>, from the rows its score read (what <c>score --top</c>
    /// says of the same row of the whole series); off by default, when the model explains nothing, and before its minimum rows.
    /// </param>
    /// <exception cref="ArgumentException">A row with another number of values, or a value that is not finite or lies beyond ±1e18, as a <see cref="SequenceSet"/> refuses (no row is scored).</exception>
    public StreamPoint[] PushRows(IReadOnlyList<IReadOnlyList<float>> rows, bool explain = false)
    {
        for (var k = 0; k < rows.Count; k++)
        {
            var row = rows[k];
            if (row.Count != detector.Channels.Count)
            {
                throw new ArgumentException($"Row {Rows + k} holds {row.Count} values; a row of this model holds {detector.Channels.Count} ({IO.Messages.List(detector.Channels)}).");
            }

            if (row.FirstOrDefault(v => !GapFilling.InRange(v), 0f) is var bad && !GapFilling.InRange(bad))
            {
                throw new ArgumentException($"Row {Rows + k} holds {bad.ToString(System.Globalization.CultureInfo.InvariantCulture)}; the values of a stream must be finite numbers within ±1e18.");
            }
        }

        // The rows kept from before give the first new rows their full windows; each window ends at a new row.
        var context = recent.Count;
        var values = recent.Concat(rows.Select(r => r.ToArray())).SelectMany(r => r).ToArray();
        var first = Rows;
        var scored = rows.Count == 0 || first + rows.Count <= scorer.Warmup ? []
            : scorer.ScorePoints(new SequenceSet(detector.Channels, [new Sequence("stream", values)]), request).Scores;
        var points = new StreamPoint[rows.Count];
        for (var k = 0; k < rows.Count; k++)
        {
            var index = first + k;
            var score = index >= scorer.Warmup ? scored[context + k] : 0f;
            var guarded = false;
            if (scores is not null && index >= scorer.Warmup)
            {
                // Judged against the earlier scores only, then kept for the rows that follow, unless the guard keeps it out.
                if (!average.IsOff)
                {
                    var mean = average.Next(raw, score);
                    raw.Add(score);
                    if (raw.Count >= average.Rows)
                    {
                        raw.RemoveAt(0);
                    }

                    score = mean;
                }

                var surprise = scores.Count >= 2 ? (float)ScoreSurprise.Next(scores, score) : 0f;
                flagRun = surprise > Threshold ? flagRun + 1 : 0;
                guarded = guard && flagRun > 0 && flagRun <= surpriseHistory;
                if (!guarded)
                {
                    scores.Enqueue(score);
                    if (scores.Count > surpriseHistory)
                    {
                        scores.Dequeue();
                    }
                }

                score = surprise;
            }

            var rested = index >= scorer.Warmup && AlarmRest.Rests(ref restLeft, score > Threshold, rest);
            points[k] = new StreamPoint(index, score, Threshold, score > Threshold && !rested, guarded, rested);
            if (explain && points[k].Flag && detector is IExplainsPoints explains && context + k + 1 >= scorer.MinimumRows)
            {
                // The rows the score read: up to this one, the last Lookback of those held.
                var from = Math.Max(0, context + k + 1 - scorer.Lookback);
                var c = detector.Channels.Count;
                points[k] = points[k] with { Explanation = explains.Explain(new SequenceSet(detector.Channels, [new Sequence($"row {index}", values[(from * c)..((context + k + 1) * c)])])) };
            }
        }

        foreach (var row in rows)
        {
            recent.Enqueue([.. row]);
            if (recent.Count > scorer.Lookback)
            {
                recent.Dequeue();
            }
        }

        Rows += rows.Count;
        return points;
    }
}
