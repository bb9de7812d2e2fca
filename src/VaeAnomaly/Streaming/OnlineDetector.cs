using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Streaming;

/// <summary>
/// A streaming detector that keeps learning what normal is: rows are scored as a <see cref="StreamingScorer"/> flagging by
/// surprise scores them, and every <see cref="OnlineOptions.Cadence"/> rows the model is trained further from its current
/// weights (<see cref="IFineTunes"/>, for <see cref="OnlineOptions.FineTuneEpochs"/>) or else fitted again by its own
/// estimator and seed, on the newest rows judged normal (none within <see cref="OnlineOptions.Margin"/> rows of a flag,
/// so an anomaly does not become normal while it is flagged), at most <see cref="OnlineOptions.Memory"/> of them. The
/// surprise of the rows that follow is judged against the new model's scores of the same recent rows (with
/// <see cref="OnlineOptions.Guard"/>, of those whose scores entered the old history: a long anomaly stays out). A refit the data
/// does not allow (too few normal rows, a fit that refuses them, a training that diverges) keeps the current model. Deterministic: the same rows
/// and seed give the same scores.
/// </summary>
public sealed class OnlineDetector : IDisposable
{
    private readonly IDetectorEstimator? estimator;
    private readonly OnlineOptions options;
    private readonly int surpriseHistory;
    private readonly List<float[]> rows = [];
    private readonly List<bool> excluded = [];
    private readonly List<bool> guarded = [];
    private IFittedDetector current;
    private bool ownsCurrent;
    private StreamingScorer scorer;
    private long offset;           // the stream index of rows[0]
    private long excludeThrough = -1;
    private int sinceRefit;

    /// <summary>A detector at the start of a stream.</summary>
    /// <param name="estimator">Fits the model again at each refit (its settings and seed stay); null when the model fine-tunes (<see cref="IFineTunes"/>).</param>
    /// <param name="initial">The first model (the caller keeps and disposes it); it scores points from a bounded past.</param>
    /// <param name="options">Cadence, memory and margin.</param>
    /// <param name="surpriseHistory">Earlier scores each row's surprise is judged against (at least 2).</param>
    public OnlineDetector(IDetectorEstimator? estimator, IFittedDetector initial, OnlineOptions options, int surpriseHistory)
    {
        if (estimator is null && initial is not IFineTunes)
        {
            throw new ArgumentException($"A {initial.Name} is not trained further; give its estimator to fit it again.", nameof(estimator));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(options.MinRows);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Cadence, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Memory, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Margin);
        if (options.ValidationFraction is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"the validation fraction must lie in (0, 1); got {options.ValidationFraction}");
        }

        this.estimator = estimator;
        this.options = options;
        this.surpriseHistory = surpriseHistory;
        current = initial;
        scorer = new StreamingScorer(initial, null, surpriseHistory, options.Guard, options.Rest, options.Average);
    }

    /// <summary>Whether <paramref name="model"/> keeps learning while it streams: it is fitted again (<see cref="IRefits"/>) or trained further (<see cref="IFineTunes"/>).</summary>
    /// <param name="model">A fitted model.</param>
    public static bool CanLearn(IFittedDetector model) => model is IRefits or IFineTunes;

    /// <summary>
    /// What refits <paramref name="model"/> as it streams: its own estimator with the settings it was fitted by
    /// (<see cref="IRefits"/>), or null for a model that is trained further (<see cref="IFineTunes"/>).
    /// </summary>
    /// <param name="model">A bundle's model that keeps learning.</param>
    public static IDetectorEstimator? EstimatorOf(IFittedDetector model) =>
        model is IRefits refits ? DetectorRegistry.Create(model.Name, refits.RefitSettings) : null;

    /// <summary>
    /// Continues a stream from a saved <see cref="State"/>, with the model in use when it was saved: the first model, or the
    /// last refit's (saved as a bundle and loaded again; the detector then disposes it).
    /// </summary>
    /// <param name="estimator">As when the stream started.</param>
    /// <param name="model">The model in use when the state was saved.</param>
    /// <param name="refitted">Whether <paramref name="model"/> is a refit's (<see cref="Refitted"/> when saved), which the detector then owns.</param>
    /// <param name="options">As when the stream started.</param>
    /// <param name="surpriseHistory">As when the stream started.</param>
    /// <param name="state">The saved state.</param>
    /// <exception cref="ArgumentException">The state does not fit the model or the options.</exception>
    public static OnlineDetector Resume(IDetectorEstimator? estimator, IFittedDetector model, bool refitted, OnlineOptions options, int surpriseHistory, OnlineState state)
    {
        if (state.Rows.Count != state.Excluded.Count || (state.Guarded is { } g && g.Count != state.Rows.Count) || state.Offset < 0 || state.Offset + state.Rows.Count != state.Stream.Rows
            || state.Rows.Any(r => r.Length != model.Channels.Count || r.Any(v => !float.IsFinite(v))) || state.SinceRefit > options.Cadence || state.Refits < 0 || state.SkippedRefits < 0)
        {
            throw new ArgumentException($"The online state does not fit this {model.Name}: {state.Rows.Count} rows of {model.Channels.Count} finite values and as many exclusion marks, ending at the stream's row {state.Stream.Rows}, are expected.");
        }

        var detector = new OnlineDetector(estimator, model, options, surpriseHistory)
        {
            ownsCurrent = refitted,
            offset = state.Offset,
            excludeThrough = state.ExcludeThrough,
            sinceRefit = state.SinceRefit,
            Refits = state.Refits,
            SkippedRefits = state.SkippedRefits,
        };
        detector.scorer = StreamingScorer.Resume(model, state.Stream, null, surpriseHistory, options.Guard, options.Rest, options.Average);
        detector.rows.AddRange(state.Rows.Select(r => (float[])r.Clone()));
        detector.excluded.AddRange(state.Excluded);
        detector.guarded.AddRange(state.Guarded ?? new bool[state.Rows.Count]);
        return detector;
    }

    /// <summary>What the stream must carry on from, besides <see cref="Model"/> (a copy).</summary>
    public OnlineState State => new(offset, [.. rows.Select(r => (float[])r.Clone())], [.. excluded], excludeThrough, sinceRefit, Refits, SkippedRefits, scorer.State, [.. guarded]);

    /// <summary>Whether <see cref="Model"/> is a refit's (to be saved with <see cref="State"/>) rather than the first model.</summary>
    public bool Refitted => ownsCurrent;

    /// <summary>Refits done so far.</summary>
    public int Refits { get; private set; }

    /// <summary>Refits the data did not allow (the model was kept).</summary>
    public int SkippedRefits { get; private set; }

    /// <summary>The model scoring now.</summary>
    public IFittedDetector Model => current;

    private int Lookback => ((IScoresPoints)current).Lookback;

    /// <summary>Pushes the rows of a whole series in order, as they would arrive one by one.</summary>
    /// <param name="values">Row-major (time, channels), in the model's channel order, unscaled.</param>
    public StreamPoint[] PushAll(float[] values)
    {
        var c = current.Channels.Count;
        return [.. Enumerable.Range(0, values.Length / c).Select(t => Push(values.AsSpan(t * c, c).ToArray()))];
    }

    /// <summary>Scores one row, then learns from the rows judged normal when a refit is due.</summary>
    /// <param name="row">The row's values, in the model's channel order, unscaled.</param>
    /// <param name="explain">Explain the row when it is flagged (<see cref="StreamPoint.Explanation"/>), by the model that scored it, before any refit.</param>
    public StreamPoint Push(IReadOnlyList<float> row, bool explain = false)
    {
        var point = scorer.Push(row, explain);
        var index = point.Index;
        rows.Add([.. row]);
        excluded.Add(index <= excludeThrough);
        guarded.Add(point.Guarded);
        if (point.Above) // judged anomalous, reported or resting
        {
            for (var i = Math.Max(offset, index - options.Margin); i <= index; i++)
            {
                excluded[(int)(i - offset)] = true;
            }

            excludeThrough = index + options.Margin;
        }

        var keep = options.Memory + options.Margin + surpriseHistory + Lookback + AveragedBefore;
        if (rows.Count > keep + options.Cadence)
        {
            var drop = rows.Count - keep;
            rows.RemoveRange(0, drop);
            excluded.RemoveRange(0, drop);
            guarded.RemoveRange(0, drop);
            offset += drop;
        }

        if (offset + rows.Count > options.MinRows && ++sinceRefit >= options.Cadence)
        {
            sinceRefit = 0;
            Refit();
        }

        return point;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (ownsCurrent)
        {
            current.Dispose();
        }
    }

    private void Refit()
    {
        var last = rows.Count - 1;
        var minLength = Lookback + 1;

        // The newest rows judged normal, as runs of consecutive rows, newest run first.
        var runs = new List<(int Start, int Length)>();
        var taken = 0;
        for (var i = last - options.Margin; i >= 0 && options.Memory - taken >= minLength;)
        {
            if (excluded[i])
            {
                i--;
                continue;
            }

            var end = i;
            while (i >= 0 && !excluded[i] && taken + (end - i) < options.Memory)
            {
                i--;
            }

            var length = end - i;
            if (length >= minLength)
            {
                runs.Add((i + 1, length));
                taken += length;
            }
        }

        var validationRows = (int)Math.Round(taken * options.ValidationFraction);
        var train = new List<Sequence>();
        var validation = new List<Sequence>();
        foreach (var (start, length) in runs)
        {
            // Validation from the newest end, a run cut where needed; a piece shorter than a window is left out.
            var toValidation = Math.Min(length, validationRows);
            validationRows -= toValidation;
            if (length - toValidation >= minLength)
            {
                train.Add(Run(start, length - toValidation));
            }

            if (toValidation >= minLength)
            {
                validation.Add(Run(start + length - toValidation, toValidation));
            }
        }

        if (train.Count == 0 || validation.Count == 0)
        {
            SkippedRefits++;
            return;
        }

        IFittedDetector next;
        try
        {
            train.Reverse();
            validation.Reverse();
            var (trainSet, validationSet) = (new SequenceSet(current.Channels, train), new SequenceSet(current.Channels, validation));
            next = current is IFineTunes tunes
                ? tunes.FineTune(trainSet, validationSet, options.FineTuneEpochs)
                : estimator!.Fit(trainSet, validationSet);
        }
        catch (Exception e) when (e is ArgumentException or Training.TrainingDivergedException)
        {
            // Rows the model cannot be fitted on, or a further training that diverged: the model in use stays.
            SkippedRefits++;
            return;
        }

        var (history, raw) = RecentScores(next);
        var resumed = StreamingScorer.Resume(next, new StreamState(offset + rows.Count, Recent(next), history, scorer.State.FlagRun, scorer.State.Rest, options.Average.IsOff ? null : raw),
            null, surpriseHistory, options.Guard, options.Rest, options.Average);
        if (ownsCurrent)
        {
            current.Dispose();
        }

        (current, ownsCurrent, scorer) = (next, true, resumed);
        Refits++;
    }

    /// <summary>Earlier scores each averaged score takes besides its own (0 without averaging).</summary>
    private int AveragedBefore => Math.Max(0, options.Average.Rows - 1);

    private Sequence Run(int start, int length) =>
        new($"online-{offset + start}", [.. rows.Skip(start).Take(length).SelectMany(r => r)]);

    private float[][] Recent(IFittedDetector model)
    {
        var count = (int)Math.Min(((IScoresPoints)model).Lookback, offset + rows.Count);
        return [.. rows.Skip(rows.Count - count).Select(r => (float[])r.Clone())];
    }

    /// <summary>
    /// The new model's scores of the last rows the surprise is judged against, oldest first: those whose scores entered the
    /// old history (the newest <c>surpriseHistory</c> rows the guard did not keep out, among the rows kept); when scores are
    /// averaged, each is the mean of the new model's scores that the average takes (those the kept rows allow), and
    /// <c>Raw</c> holds the new model's last raw scores the next mean takes.
    /// </summary>
    private (float[] History, float[] Raw) RecentScores(IFittedDetector model)
    {
        var points = (IScoresPoints)model;
        var total = offset + rows.Count;
        var first = offset + points.Warmup;                                     // the first row whose window's rows are kept
        var chosen = new List<long>();                                          // stream indices, newest first
        for (var i = total - 1; i >= first && chosen.Count < surpriseHistory; i--)
        {
            if (!guarded[(int)(i - offset)])
            {
                chosen.Add(i);
            }
        }

        var before = AveragedBefore;
        var start = Math.Max(first, Math.Min(chosen.Count > 0 ? chosen[^1] : total, total) - before);
        if (start >= total)
        {
            return ([], []);
        }

        var from = (int)(start - points.Warmup - offset);                      // the rows the oldest score's window reads
        var series = new SequenceSet(model.Channels, [new Sequence("recent", [.. rows.Skip(from).SelectMany(r => r)])]);
        var scores = points.ScorePoints(series, new PointScoreRequest(PointScoreMode.Last, Stride: 1)).Scores;
        float Score(long i) => scores[(int)(i - (offset + from))];
        float[] Earlier(long i) => [.. Enumerable.Range(0, (int)(i - Math.Max(start, i - before))).Select(k => Score(Math.Max(start, i - before) + k))];
        float[] history = [.. chosen.AsEnumerable().Reverse().Select(i => options.Average.IsOff ? Score(i) : options.Average.Next(Earlier(i), Score(i)))];
        return (history, Earlier(total));
    }
}
