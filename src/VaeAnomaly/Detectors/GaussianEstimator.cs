using VaeAnomaly.Data;
using VaeAnomaly.Persistence;
using VaeAnomaly.Thresholds;
using VaeAnomaly.Training;

namespace VaeAnomaly.Detectors;

/// <summary>
/// <c>gaussian</c>: a streaming windowed Gaussian, NAB's simple baseline. Each watched column's mean and standard
/// deviation over the previous rows of a sliding window; a row's score is how many deviations its value lies from that
/// mean (the largest over the watched columns), a monotone form of the value's two-sided tail probability, so it flags
/// as the tail probability would. The window follows the series, so it absorbs drift; it starts from the last rows of
/// the training and validation parts, so a test series that follows them is scored from its first row.
/// </summary>
/// <param name="settings">Window (rows of history, 256 by default) and watched columns.</param>
public sealed class GaussianEstimator(DetectorSettings settings) : IDetectorEstimator
{
    /// <summary>The name used on the command line and in bundles.</summary>
    public const string ModelName = "gaussian";

    /// <summary>Rows of history when none is given: chosen before any run (about a day of 5-minute data), not tuned.</summary>
    public const int DefaultWindow = 256;

    /// <summary>Most rows of history, so the history kept in the manifest stays small.</summary>
    public const int MaxWindow = 4096;

    /// <summary>Most history values (rows x watched columns) kept in the manifest: about 2.6 MB of JSON, under the 4 MiB a manifest is read back.</summary>
    public const int MaxHistoryValues = 131_072;

    /// <summary>The registry's entry.</summary>
    public static DetectorEntry Entry { get; } = new(
        ModelName,
        "deviations of each row from the mean of the previous 256 rows (a streaming windowed Gaussian)",
        new HashSet<string>(["window", "target-columns"]),
        [],
        s => new GaussianEstimator(s),
        GaussianDetector.Load)
    {
        ScoreWords = "deviation from the recent mean",
        ScalesByTrainingSpread = false,
    };

    /// <inheritdoc />
    public string Name => ModelName;

    /// <inheritdoc />
    public int Epochs => 1;

    /// <inheritdoc />
    public IFittedDetector Fit(SequenceSet train, SequenceSet validation, IProgress<EpochReport>? progress = null, CancellationToken ct = default)
    {
        _ = ThresholdRules.Create(settings.Threshold);
        var window = settings.Window ?? DefaultWindow;
        if (window is < 2 or > MaxWindow)
        {
            throw new ArgumentException($"The gaussian's window is rows of history, from 2 to {MaxWindow}; got {window}.");
        }

        if (train.TotalSteps < 2 || validation.Count == 0 || validation.TotalSteps == 0)
        {
            throw new ArgumentException("The training part needs at least 2 rows and the validation part at least 1; the history starts from one and the thresholds are fitted on the other.");
        }

        var targets = settings.TargetColumns ?? train.ChannelNames;
        var columns = WatchedColumns.Indices(train.ChannelNames, targets);
        // Each validation part is judged from the training rows it follows (of several files, its own file's); what comes
        // next (a split's test part, the next rows of a stream) follows the last validation part, and starts from it and
        // the training rows before it.
        var carried = CarriedRows.Of(train, validation, columns, window);
        if (carried.Kept.Length > MaxHistoryValues)
        {
            throw new ArgumentException($"The gaussian keeps its last {carried.Kept.Length / columns.Length:N0} training and validation rows of the {columns.Length:N0} watched columns in the bundle's model.json: {carried.Kept.Length:N0} values, where at most {MaxHistoryValues:N0} fit; use a shorter --window or watch fewer columns (--target-columns).");
        }

        return GaussianDetector.Fitted(train.ChannelNames, targets, (window, carried.Kept, carried.Floor), DetectorFiles.Describe(train, validation), [.. carried.Parts.Select(p => (p.History, p.Validation))], settings.Threshold);
    }
}

/// <summary>A fitted <c>gaussian</c>: the window, the last training and validation rows it starts from, and each watched column's smallest deviation.</summary>
public sealed class GaussianDetector : RowDetector, IRefits
{
    /// <inheritdoc />
    public DetectorSettings RefitSettings => new() { Window = State.Window, TargetColumns = Targets, Threshold = Thresholds.Rule };

    private readonly int window;
    private readonly float[] history;
    private readonly double[] floor;

    private GaussianDetector(IReadOnlyList<string> channels, IReadOnlyList<string> targets, (int Window, float[] History, double[] Floor) state, TrainingDataInfo trainingData, ThresholdSet thresholds)
        : base(channels, targets, trainingData, thresholds) => (window, history, floor) = state;

    /// <inheritdoc />
    public override string Name => GaussianEstimator.ModelName;

    /// <inheritdoc />
    public override int Lookback => window + 1;

    /// <summary>Rows of history, the last training and validation rows it starts from (watched columns, row-major), and each watched column's smallest deviation (for an exporter).</summary>
    internal (int Window, float[] History, double[] Floor) State => (window, history, floor);

    /// <inheritdoc />
    private protected override void WriteManifest(string directory) => DetectorBundle.WriteManifest(
        new GaussianManifest
        {
            FormatVersion = BundleManifest.CurrentFormatVersion,
            ToolVersion = DetectorBundle.ToolVersion,
            Model = Name,
            Channels = Channels,
            Targets = Targets,
            Window = window,
            History = history,
            Floor = floor,
            Thresholds = Thresholds.ByScore,
            ThresholdNotes = Thresholds.NotesOrNull,
            DefaultThreshold = Thresholds.Rule,
            TrainingData = TrainingData,
        },
        directory);

    /// <summary>The detector with every threshold fitted on the validation parts, each judged from the training rows it follows.</summary>
    internal static GaussianDetector Fitted(IReadOnlyList<string> channels, IReadOnlyList<string> targets, (int Window, float[] History, double[] Floor) state, TrainingDataInfo data,
        IReadOnlyList<(float[] History, SequenceSet Validation)> parts, string rule) =>
        new(channels, targets, state, data, FitThresholds([.. parts.Select(p => ((RowDetector)new GaussianDetector(channels, targets, state with { History = p.History }, data, None(rule)), p.Validation))], rule));

    /// <inheritdoc />
    private protected override ThresholdSet Floored(ThresholdSet thresholds) => thresholds.AtLeast(SmallestThreshold);

    /// <inheritdoc />
    private protected override bool Carries => true;

    /// <summary>Loads a bundle written by <see cref="RowDetector.Save"/>, checking every value.</summary>
    internal static GaussianDetector Load(string directory, string? threshold)
    {
        var m = DetectorBundle.ReadAs<GaussianManifest>(directory);
        return Restore(directory, () =>
        {
            if (m.Window is < 2 or > GaussianEstimator.MaxWindow || m.Floor.Length != m.Targets.Count || m.Floor.Any(f => !(f > 0 && double.IsFinite(f)))
                || m.History.Length % Math.Max(1, m.Targets.Count) != 0 || m.History.Length / Math.Max(1, m.Targets.Count) > m.Window || m.History.Any(v => !float.IsFinite(v)))
            {
                throw new ArgumentException($"a gaussian needs a window of 2 to {GaussianEstimator.MaxWindow} rows, at most that many finite history rows of the {m.Targets.Count} watched columns, and a positive floor for each");
            }

            return new GaussianDetector(m.Channels, m.Targets, (m.Window, m.History, m.Floor), m.TrainingData, new ThresholdSet(m.Thresholds, m.ThresholdNotes, threshold ?? m.DefaultThreshold, "score").AtLeast(SmallestThreshold));
        });
    }

    /// <summary>
    /// The smallest threshold a rule fits, in deviations: the two-sided 1% point of a normal, the share of normal rows the
    /// default quantile rule (0.99) leaves above its threshold. Normal validation scores that do not vary (a constant
    /// part) would fit 0, and after one spike every row of the window it moved would then be flagged. Bundles saved before
    /// are read with it too.
    /// </summary>
    internal const double SmallestThreshold = 2.5758293035489004;

    /// <summary>The smallest deviation of a column: a thousandth of its training spread, and never below 1e-9, so a constant history does not divide by zero.</summary>
    internal static double Floor(IEnumerable<double> values)
    {
        var list = values.ToArray();
        var mean = list.Average();
        var spread = Math.Sqrt(list.Sum(v => (v - mean) * (v - mean)) / list.Length);
        return Math.Max(1e-9, 1e-3 * spread);
    }

    /// <summary>
    /// Each row's deviation in each watched column from the mean of the <c>window</c> rows before it (the kept rows
    /// first, then the series' own), in standard deviations of those rows.
    /// </summary>
    internal override float[] ColumnScores(float[] values)
    {
        var (c, k) = (Channels.Count, Watched.Length);
        var rows = values.Length / c;
        var past = Enumerable.Range(0, k).Select(_ => new RecentSpread(window)).ToArray();
        for (var r = 0; r < history.Length / k; r++)
        {
            for (var j = 0; j < k; j++)
            {
                past[j].Push(history[(r * k) + j]);
            }
        }

        var scores = new float[rows * k];
        for (var t = 0; t < rows; t++)
        {
            for (var j = 0; j < k; j++)
            {
                var value = values[(t * c) + Watched[j]];
                if (!past[j].IsEmpty)
                {
                    scores[(t * k) + j] = (float)Math.Min(past[j].Deviation(value, floor[j]), float.MaxValue);
                }

                past[j].Push(value);
            }
        }

        return scores;
    }

    /// <summary><c>model.json</c> of a gaussian.</summary>
    internal sealed record GaussianManifest
    {
        public required int FormatVersion { get; init; }

        public required string ToolVersion { get; init; }

        public required string Model { get; init; }

        public required IReadOnlyList<string> Channels { get; init; }

        public required IReadOnlyList<string> Targets { get; init; }

        public required int Window { get; init; }

        /// <summary>The last training and validation rows of the watched columns, row-major, that the window starts from.</summary>
        public required float[] History { get; init; }

        public required double[] Floor { get; init; }

        public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Thresholds { get; init; }

        public IReadOnlyDictionary<string, string>? ThresholdNotes { get; init; }

        public required string DefaultThreshold { get; init; }

        public required TrainingDataInfo TrainingData { get; init; }
    }
}
