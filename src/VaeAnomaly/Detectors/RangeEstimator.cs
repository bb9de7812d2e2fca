using VaeAnomaly.Data;
using VaeAnomaly.Persistence;
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
        RangeDetector.Load)
    {
        ScoreWords = "distance outside the training range",
    };

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
        var columns = WatchedColumns.Indices(train.ChannelNames, targets);
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

        return RangeDetector.Fitted(train.ChannelNames, targets, (min, max), DetectorFiles.Describe(train, validation), validation, settings.Threshold);
    }
}

/// <summary>A fitted <c>range</c> check: the watched columns' training minimum and maximum.</summary>
public sealed class RangeDetector : RowDetector, IRefits
{
    /// <inheritdoc />
    public DetectorSettings RefitSettings => new() { TargetColumns = Targets, Threshold = Thresholds.Rule };

    private readonly double[] min;
    private readonly double[] max;

    private RangeDetector(IReadOnlyList<string> channels, IReadOnlyList<string> targets, double[] min, double[] max, TrainingDataInfo trainingData, ThresholdSet thresholds)
        : base(channels, targets, trainingData, thresholds) => (this.min, this.max) = (min, max);

    /// <inheritdoc />
    public override string Name => RangeEstimator.ModelName;

    /// <inheritdoc />
    public override int Lookback => 1;

    /// <summary>Each watched column's training minimum and maximum (for an exporter).</summary>
    internal (double[] Min, double[] Max) Range => (min, max);

    /// <inheritdoc />
    private protected override void WriteManifest(string directory) => DetectorBundle.WriteManifest(
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

    /// <summary>The check with every threshold fitted on <paramref name="validation"/>.</summary>
    internal static RangeDetector Fitted(IReadOnlyList<string> channels, IReadOnlyList<string> targets, (double[] Min, double[] Max) range, TrainingDataInfo data, SequenceSet validation, string rule)
    {
        var draft = new RangeDetector(channels, targets, range.Min, range.Max, data, None(rule));
        return new RangeDetector(channels, targets, range.Min, range.Max, data, FitThresholds(draft, validation, rule));
    }

    /// <summary>Loads a bundle written by <see cref="RowDetector.Save"/>, checking every value.</summary>
    internal static RangeDetector Load(string directory, string? threshold)
    {
        var m = DetectorBundle.ReadAs<RangeManifest>(directory);
        return Restore(directory, () =>
        {
            if (m.Min.Length != m.Targets.Count || m.Max.Length != m.Targets.Count || m.Min.Zip(m.Max).Any(p => !double.IsFinite(p.First) || !double.IsFinite(p.Second) || p.First > p.Second))
            {
                throw new ArgumentException($"min and max must hold one finite pair, min <= max, for each of the {m.Targets.Count} watched columns");
            }

            return new RangeDetector(m.Channels, m.Targets, m.Min, m.Max, m.TrainingData, new ThresholdSet(m.Thresholds, m.ThresholdNotes, threshold ?? m.DefaultThreshold, "score"));
        });
    }

    /// <summary>Each row's distance outside each watched column's range, in units of the range (a constant column: in its own units); 0 inside it.</summary>
    internal override float[] ColumnScores(float[] values)
    {
        var (c, k) = (Channels.Count, Watched.Length);
        var scores = new float[values.Length / c * k];
        for (var t = 0; t < values.Length / c; t++)
        {
            for (var j = 0; j < k; j++)
            {
                var v = values[(t * c) + Watched[j]];
                var span = max[j] - min[j] > 0 ? max[j] - min[j] : 1;
                scores[(t * k) + j] = (float)Math.Max(0, Math.Max(v - max[j], min[j] - v) / span);
            }
        }

        return scores;
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
