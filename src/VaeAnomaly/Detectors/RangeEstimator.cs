using VaeAnomaly.Data;
using VaeAnomaly.Persistence;
using VaeAnomaly.Scoring;
using VaeAnomaly.Thresholds;
using VaeAnomaly.Training;

namespace VaeAnomaly.Detectors;

/// <summary>
/// <c>range</c>: the plainest check. Each watched column's training minimum and maximum; a row's score is how far it
/// goes outside them, in units of that range, the largest over the watched columns (0 inside). A sequence's score is
/// its largest row score.
/// </summary>
/// <param name="settings">Watched columns and threshold rule.</param>
public sealed class RangeEstimator(DetectorSettings settings) : IDetectorEstimator
{
    /// <summary>The name used on the command line and in bundles.</summary>
    public const string ModelName = "range";

    /// <summary>The registry's entry.</summary>
    public static DetectorEntry Entry { get; } = new(
        ModelName,
        "how far a row leaves each watched column's training range, in units of that range",
        new HashSet<string>(["target-columns"]),
        [],
        s => new RangeEstimator(s),
        RangeDetector.Load);

    /// <inheritdoc />
    public string Name => ModelName;

    /// <inheritdoc />
    public int Epochs => 1;

    /// <inheritdoc />
    public IFittedDetector Fit(SequenceSet train, SequenceSet validation, IProgress<EpochReport>? progress = null, CancellationToken ct = default)
    {
        _ = ThresholdRules.Create(settings.Threshold);
        if (train.TotalSteps == 0 || validation.Count == 0 || validation.TotalSteps == 0)
        {
            throw new ArgumentException("The training and validation data must hold rows; the range is learnt on one and the thresholds fitted on the other.");
        }

        var targets = settings.TargetColumns ?? train.ChannelNames;
        var columns = RangeDetector.Columns(train.ChannelNames, targets);
        var (min, max) = (columns.Select(_ => double.PositiveInfinity).ToArray(), columns.Select(_ => double.NegativeInfinity).ToArray());
        foreach (var s in train.Sequences)
        {
            for (var t = 0; t < s.Values.Length / train.Channels; t++)
            {
                for (var j = 0; j < columns.Length; j++)
                {
                    var v = s.Values[(t * train.Channels) + columns[j]];
                    (min[j], max[j]) = (Math.Min(min[j], v), Math.Max(max[j], v));
                }
            }
        }

        var draft = new RangeDetector(train.ChannelNames, targets, min, max, DetectorFiles.Describe(train, validation), new ThresholdSet(new Dictionary<string, IReadOnlyDictionary<string, double>>(), null, settings.Threshold, "score"));
        var steps = validation.Sequences.SelectMany(s => draft.RowScores(s.Values)).ToArray();
        var thresholds = ThresholdSet.Fit([new("score", draft.Score(validation)), new(RangeDetector.StepSet, steps)], settings.Threshold, "score");
        return new RangeDetector(train.ChannelNames, targets, min, max, draft.TrainingData, thresholds);
    }
}

/// <summary>A fitted <c>range</c> check: the watched columns' training minimum and maximum.</summary>
public sealed class RangeDetector : IFittedDetector, IScoresPoints
{
    /// <summary>The set name of row scores in <see cref="Thresholds"/>.</summary>
    internal const string StepSet = "step";

    private readonly int[] columns;
    private readonly double[] min;
    private readonly double[] max;

    internal RangeDetector(IReadOnlyList<string> channels, IReadOnlyList<string> targets, double[] min, double[] max, TrainingDataInfo trainingData, ThresholdSet thresholds)
    {
        Channels = channels;
        Targets = targets;
        columns = Columns(channels, targets);
        (this.min, this.max) = (min, max);
        TrainingData = trainingData;
        Thresholds = thresholds;
    }

    /// <inheritdoc />
    public string Name => RangeEstimator.ModelName;

    /// <inheritdoc />
    public IReadOnlyList<string> Channels { get; }

    /// <summary>The watched columns.</summary>
    public IReadOnlyList<string> Targets { get; }

    /// <inheritdoc />
    public ThresholdSet Thresholds { get; }

    /// <inheritdoc />
    public IReadOnlyList<EpochReport> History => [];

    /// <inheritdoc />
    public TrainingDataInfo TrainingData { get; }

    /// <inheritdoc />
    public float[] Score(SequenceSet data)
    {
        CheckChannels(data);
        return [.. data.Sequences.Select(s => RowScores(s.Values).DefaultIfEmpty(0).Max())];
    }

    /// <summary>One score per row of the series: how far it leaves the training range. Every mode gives the row scores (a row is its own window).</summary>
    /// <param name="series">One unscaled sequence with the training channels.</param>
    /// <param name="request">Mode and rule; the kind stays the default.</param>
    /// <param name="progress">Reports rows scored.</param>
    public SeriesPointScores ScorePoints(SequenceSet series, PointScoreRequest request, IProgress<int>? progress = null)
    {
        if (series.Count != 1)
        {
            throw new ArgumentException($"Point scores are for one series; got {series.Count} sequences.", nameof(series));
        }

        if (request.Kind != ScoreKind.Combined)
        {
            throw new ArgumentException("A range has one score; the GRU-VAE's score kinds do not apply.", nameof(request));
        }

        CheckChannels(series);
        var scores = RowScores(series.Sequences[0].Values);
        progress?.Report(scores.Length);
        return new SeriesPointScores(scores, Thresholds.Value(StepSet, request.Rule), 0, scores.Length);
    }

    /// <inheritdoc />
    public double PointThreshold(PointScoreRequest request) => Thresholds.Value(StepSet, request.Rule);

    /// <inheritdoc />
    public int Lookback => 1;

    /// <inheritdoc />
    public int Warmup => 0;

    /// <inheritdoc />
    public void Save(string directory) => DetectorBundle.WriteManifest(
        new RangeManifest
        {
            FormatVersion = BundleManifest.CurrentFormatVersion,
            ToolVersion = DetectorBundle.ToolVersion,
            Model = Name,
            Channels = Channels,
            Targets = Targets,
            Min = min,
            Max = max,
            Thresholds = Thresholds.ByScore,
            ThresholdNotes = Thresholds.NotesOrNull,
            DefaultThreshold = Thresholds.Rule,
            TrainingData = TrainingData,
        },
        directory);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    /// <summary>Loads a bundle written by <see cref="Save"/>, checking every value.</summary>
    internal static RangeDetector Load(string directory, string? threshold)
    {
        var m = DetectorBundle.ReadAs<RangeManifest>(directory);
        try
        {
            if (m.Min.Length != m.Targets.Count || m.Max.Length != m.Targets.Count || m.Min.Zip(m.Max).Any(p => !double.IsFinite(p.First) || !double.IsFinite(p.Second) || p.First > p.Second))
            {
                throw new ArgumentException($"min and max must hold one finite pair, min <= max, for each of the {m.Targets.Count} watched columns");
            }

            return new RangeDetector(m.Channels, m.Targets, m.Min, m.Max, m.TrainingData, new ThresholdSet(m.Thresholds, m.ThresholdNotes, threshold ?? m.DefaultThreshold, "score"));
        }
        catch (ArgumentException e)
        {
            throw new BundleException(directory, $"model.json is inconsistent: {IO.Messages.Of(e)}");
        }
    }

    /// <summary>The indices of <paramref name="targets"/> among <paramref name="channels"/>, refusing names that are not there.</summary>
    internal static int[] Columns(IReadOnlyList<string> channels, IReadOnlyList<string> targets)
    {
        if (targets.Count == 0 || targets.Distinct().Count() != targets.Count)
        {
            throw new ArgumentException("The watched columns must be at least one, each named once.");
        }

        return [.. targets.Select(t => channels.ToList().IndexOf(t) is var i and >= 0 ? i
            : throw new ArgumentException($"The watched column '{IO.Messages.Cut(t)}' is not among the data's columns [{IO.Messages.List(channels)}]."))];
    }

    /// <summary>Each row's distance outside the range, in units of the range (a constant column: in its own units), the largest over the watched columns.</summary>
    internal float[] RowScores(float[] values)
    {
        var c = Channels.Count;
        var scores = new float[values.Length / c];
        for (var t = 0; t < scores.Length; t++)
        {
            double worst = 0;
            for (var j = 0; j < columns.Length; j++)
            {
                var v = values[(t * c) + columns[j]];
                var span = max[j] - min[j] > 0 ? max[j] - min[j] : 1;
                worst = Math.Max(worst, Math.Max(v - max[j], min[j] - v) / span);
            }

            scores[t] = (float)worst;
        }

        return scores;
    }

    private void CheckChannels(SequenceSet data)
    {
        if (!data.ChannelNames.SequenceEqual(Channels))
        {
            var problem = $"The data's channels [{IO.Messages.List(data.ChannelNames)}] differ from the model's [{IO.Messages.List(Channels)}]; expected the same names in the same order.";
            throw data.Source is null ? new ArgumentException(problem) : new DataFormatException(data.Source, 1, null, problem);
        }
    }

    /// <summary><c>model.json</c> of a range check.</summary>
    internal sealed record RangeManifest
    {
        public required int FormatVersion { get; init; }

        public required string ToolVersion { get; init; }

        public required string Model { get; init; }

        public required IReadOnlyList<string> Channels { get; init; }

        public required IReadOnlyList<string> Targets { get; init; }

        public required double[] Min { get; init; }

        public required double[] Max { get; init; }

        public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Thresholds { get; init; }

        public IReadOnlyDictionary<string, string>? ThresholdNotes { get; init; }

        public required string DefaultThreshold { get; init; }

        public required TrainingDataInfo TrainingData { get; init; }
    }
}
