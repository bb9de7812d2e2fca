using VaeAnomaly.Data;
using VaeAnomaly.Persistence;
using VaeAnomaly.Scoring;
using VaeAnomaly.Thresholds;
using VaeAnomaly.Training;

namespace VaeAnomaly.Detectors;

/// <summary>
/// What the detectors that score each row on its own terms share (<c>range</c>, <c>gaussian</c>): the watched columns,
/// a sequence's score as its largest row score, a series' point scores as its row scores whatever the mode, and the
/// thresholds of both fitted on validation data. A detector says only how it scores a sequence's rows.
/// </summary>
public abstract class RowDetector : IFittedDetector, IScoresPoints, IExplainsPoints, IRecalibrates
{
    /// <summary>The set name of row scores in <see cref="Thresholds"/>.</summary>
    internal const string StepSet = "step";

    private IRowForward? forward;

    private protected RowDetector(IReadOnlyList<string> channels, IReadOnlyList<string> targets, TrainingDataInfo trainingData, ThresholdSet thresholds)
    {
        Channels = channels;
        Targets = targets;
        Watched = WatchedColumns.Indices(channels, targets);
        TrainingData = trainingData;
        Thresholds = thresholds;
    }

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> Channels { get; }

    /// <summary>The watched columns.</summary>
    public IReadOnlyList<string> Targets { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> Watches => Targets;

    /// <inheritdoc />
    public ThresholdSet Thresholds { get; private set; }

    /// <inheritdoc />
    public IReadOnlyList<EpochReport> History => [];

    /// <inheritdoc />
    public TrainingDataInfo TrainingData { get; private set; }

    /// <inheritdoc />
    public abstract int Lookback { get; }

    /// <inheritdoc />
    public int Warmup => 0;

    /// <inheritdoc />
    public int MinimumRows => 1;

    /// <summary>The indices of <see cref="Targets"/> among <see cref="Channels"/>.</summary>
    private protected int[] Watched { get; }

    /// <summary>The indices of the watched columns (for an exporter).</summary>
    internal int[] WatchedIndices => Watched;

    /// <summary>The engine of the row scores: <c>default</c> (this class's C#) unless another was attached.</summary>
    public string Engine => forward?.Engine ?? "default";

    /// <summary>Scores rows through <paramref name="engine"/> from now on; the detector disposes it.</summary>
    /// <param name="engine">An engine computing <see cref="RowScores"/>.</param>
    internal void UseForward(IRowForward engine)
    {
        forward?.Dispose();
        forward = engine;
    }

    /// <inheritdoc />
    public float[] Score(SequenceSet data)
    {
        CheckChannels(data);
        return [.. data.Sequences.Select(s => Rows(s.Values).DefaultIfEmpty(0).Max())];
    }

    /// <summary>One score per row of the series; every mode gives the row scores.</summary>
    /// <param name="series">One unscaled sequence with the training channels.</param>
    /// <param name="request">Mode and rule; the kind stays the default.</param>
    /// <param name="progress">Reports rows scored.</param>
    /// <param name="ct">Observed before the rows are scored (one pass over them).</param>
    public SeriesPointScores ScorePoints(SequenceSet series, PointScoreRequest request, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        if (series.Count != 1)
        {
            throw new ArgumentException($"Point scores are for one series; got {series.Count} sequences.", nameof(series));
        }

        if (request.Kind != ScoreKind.Combined)
        {
            throw new ArgumentException($"A {Name} has one score; the GRU-VAE's score kinds do not apply.", nameof(request));
        }

        CheckChannels(series);
        ct.ThrowIfCancellationRequested();
        var scores = Rows(series.Sequences[0].Values);
        progress?.Report(scores.Length);
        return new SeriesPointScores(scores, PointThreshold(request), 0, scores.Length);
    }

    /// <inheritdoc />
    public double PointThreshold(PointScoreRequest request) => Thresholds.Value(StepSet, request.Rule);

    /// <inheritdoc />
    public void Save(string directory)
    {
        DetectorBundle.EnsureEmptyFolder(directory);
        WriteManifest(directory);
    }

    /// <summary>Writes the detector's <c>model.json</c>, all a row detector's bundle holds, into an empty folder.</summary>
    /// <param name="directory">The bundle folder.</param>
    private protected abstract void WriteManifest(string directory);

    /// <inheritdoc />
    public void Dispose()
    {
        forward?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Each row's score, from it and (for a streaming detector) the rows before it in <paramref name="values"/>: the largest of its watched columns' scores.</summary>
    /// <param name="values">One sequence's values, row-major (row, channel), unscaled.</param>
    internal float[] RowScores(float[] values)
    {
        var columns = ColumnScores(values);
        var k = Watched.Length;
        var scores = new float[columns.Length / k];
        for (var t = 0; t < scores.Length; t++)
        {
            for (var j = 0; j < k; j++)
            {
                scores[t] = Math.Max(scores[t], columns[(t * k) + j]);
            }
        }

        return scores;
    }

    /// <summary>Each row's score of each watched column (0 or more), row-major (row, watched column), from the row and (for a streaming detector) the rows before it.</summary>
    /// <param name="values">One sequence's values, row-major (row, channel), unscaled.</param>
    internal abstract float[] ColumnScores(float[] values);

    /// <inheritdoc />
    public Attribution Explain(SequenceSet rows)
    {
        CheckChannels(rows);
        var window = ExplainedRows.Last(rows, Lookback, 1); // a streaming detector's newest score depends on at most Lookback rows
        var (c, k, length) = (Channels.Count, Watched.Length, window.LengthOf(0));
        var columns = ColumnScores(window.Sequences[0].Values);
        var newest = new float[length * c]; // earlier rows take no share: the score is the newest row's
        for (var j = 0; j < k; j++)
        {
            newest[((length - 1) * c) + Watched[j]] = columns[((length - 1) * k) + j];
        }

        return Attribution.OfWindow(Channels, newest, Watched);
    }

    /// <summary>The row scores from the attached engine, or from <see cref="RowScores"/>.</summary>
    private float[] Rows(float[] values) => forward?.Run(values, values.Length / Channels.Count) ?? RowScores(values);

    /// <summary>
    /// The thresholds of a detector fitted on training data, from its scores of the validation data: the sequences'
    /// largest row scores (<c>score</c>) and every row score (<c>step</c>), every rule in one place.
    /// </summary>
    /// <param name="draft">The detector, with no thresholds yet.</param>
    /// <param name="validation">Normal validation data.</param>
    /// <param name="rule">The rule it flags with.</param>
    private protected static ThresholdSet FitThresholds(RowDetector draft, SequenceSet validation, string rule) => FitThresholds([(draft, validation)], rule);

    /// <summary>
    /// The thresholds of a detector that carries rows (<see cref="Carries"/>) from its scores of each validation part,
    /// each judged by a draft that starts from the training rows that part follows (<see cref="CarriedRows"/>).
    /// </summary>
    /// <param name="parts">Each draft, with the validation sequences that follow its history.</param>
    /// <param name="rule">The rule it flags with.</param>
    private protected static ThresholdSet FitThresholds(IReadOnlyList<(RowDetector Draft, SequenceSet Validation)> parts, string rule)
    {
        var each = parts.Select(p => p.Draft.Scores(p.Validation, 0)).ToArray();
        return parts[0].Draft.Floored(ThresholdSet.Fit([.. each[0].Select((set, i) => new KeyValuePair<string, IReadOnlyList<float>>(set.Key, [.. each.SelectMany(e => e[i].Value)]))], rule, "score"));
    }

    /// <inheritdoc />
    public int LeftOutRows => Carries ? Lookback - 1 : 0;

    /// <summary>
    /// Whether it starts each series from training rows it keeps, judging a row by the rows before it (<c>gaussian</c>,
    /// <c>seasonal</c>): the validation part follows those rows, other normal data does not.
    /// </summary>
    private protected virtual bool Carries => false;

    /// <inheritdoc />
    public IReadOnlyList<KeyValuePair<string, IReadOnlyList<float>>> ThresholdScores(SequenceSet normal, CancellationToken ct = default)
    {
        var scores = Scores(normal, LeftOutRows);
        return scores[1].Value.Count > 0 ? scores : throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"A {Name} judges each row by the {LeftOutRows:N0} rows before it, and would judge the first {LeftOutRows:N0} rows of each series here against its training rows, which did not come before them: they are left out, and no series here has more rows (the longest has {normal.Sequences.Max(s => s.Values.Length / Math.Max(1, Channels.Count)):N0}). Calibrate on longer stretches of normal rows."));
    }

    /// <summary>The sequences' largest row scores (<c>score</c>) and their row scores (<c>step</c>), each sequence's first <paramref name="leftOut"/> rows left out (and a sequence with no more).</summary>
    private KeyValuePair<string, IReadOnlyList<float>>[] Scores(SequenceSet normal, int leftOut)
    {
        CheckChannels(normal);
        var rows = normal.Sequences.Select(s => RowScores(s.Values).Skip(leftOut).ToArray()).Where(r => r.Length > 0).ToArray();
        return [new("score", rows.Select(r => r.Max()).ToArray()), new(StepSet, rows.SelectMany(r => r).ToArray())];
    }

    /// <inheritdoc />
    public void Recalibrate(ThresholdSet thresholds, CalibrationInfo calibration) =>
        (Thresholds, TrainingData) = (Floored(thresholds), TrainingData with { Calibration = calibration });

    /// <summary>The thresholds as this detector uses them: as fitted, or raised to a floor its scores' units give (the gaussian's).</summary>
    /// <param name="thresholds">Thresholds fitted on its scores.</param>
    private protected virtual ThresholdSet Floored(ThresholdSet thresholds) => thresholds;

    /// <summary>No thresholds yet: the set a draft detector is built with before its validation scores are known.</summary>
    /// <param name="rule">The rule it will flag with.</param>
    private protected static ThresholdSet None(string rule) => new(new Dictionary<string, IReadOnlyDictionary<string, double>>(), null, rule, "score");

    /// <summary>Builds a detector from a manifest's values, or refuses the bundle naming what does not fit.</summary>
    /// <param name="directory">The bundle folder.</param>
    /// <param name="build">Checks the values and builds the detector; throws <see cref="ArgumentException"/> when they do not fit.</param>
    private protected static T Restore<T>(string directory, Func<T> build)
    {
        try
        {
            return build();
        }
        catch (ArgumentException e)
        {
            throw new BundleException(directory, $"model.json is inconsistent: {IO.Messages.Of(e)}");
        }
    }

    private void CheckChannels(SequenceSet data)
    {
        if (!data.ChannelNames.SequenceEqual(Channels))
        {
            var problem = $"The data's channels [{IO.Messages.List(data.ChannelNames)}] differ from the model's [{IO.Messages.List(Channels)}]; expected the same names in the same order.";
            throw data.Source is null ? new ArgumentException(problem) : new DataFormatException(data.Source, 1, null, problem);
        }
    }
}
