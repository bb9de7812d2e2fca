using VaeAnomaly.Data;
using VaeAnomaly.Persistence;
using VaeAnomaly.Thresholds;
using VaeAnomaly.Training;

namespace VaeAnomaly.Detectors;

/// <summary>
/// <c>seasonal</c>: each row against the same point of earlier periods (a day of 5-minute rows, a week of hours). A
/// watched column's seasonal residual is its value less the median of its values one, two and three periods before (so
/// one unusual earlier period does not move it); a row's score is how many standard deviations that residual lies from
/// the mean of the residuals of the rows before it in a sliding window: the <c>gaussian</c>'s score, on residuals, the
/// largest over the watched columns. What it expects follows the series' level and rhythm, so a daily cycle and a slow
/// drift are not flagged, while a value unlike the same hour of the last days is. The period is <c>--period</c> rows
/// or, without it, the training rows' own (<see cref="DominantPeriod"/>, no labels).
/// </summary>
/// <param name="settings">Period (rows), window (residuals of history, 256 by default) and watched columns.</param>
public sealed class SeasonalEstimator(DetectorSettings settings) : IDetectorEstimator
{
    /// <summary>The name used on the command line and in bundles.</summary>
    public const string ModelName = "seasonal";

    /// <summary>Earlier periods a row is compared with: the median of three is the fewest that one unusual period cannot move.</summary>
    public const int Seasons = 3;

    /// <summary>Longest period: a week of minutes.</summary>
    public const int MaxPeriod = DetectorSettings.MaxPeriod;

    /// <summary>The registry's entry.</summary>
    public static DetectorEntry Entry { get; } = new(
        ModelName,
        "deviations of each row from the same point of the 3 periods before (--period, or the training rows' own), against the recent deviations",
        new HashSet<string>(["period", "window", "target-columns"]),
        [],
        s => new SeasonalEstimator(s),
        SeasonalDetector.Load)
    {
        ScoreWords = "deviation from the same point of earlier periods",
        ScalesByTrainingSpread = false,
        ComparedOnSequences = false,
    };

    /// <inheritdoc />
    public string Name => ModelName;

    /// <inheritdoc />
    public int Epochs => 1;

    /// <inheritdoc />
    public IFittedDetector Fit(SequenceSet train, SequenceSet validation, IProgress<EpochReport>? progress = null, CancellationToken ct = default)
    {
        _ = ThresholdRules.Create(settings.Threshold);
        var window = settings.Window ?? GaussianEstimator.DefaultWindow;
        if (window is < 2 or > GaussianEstimator.MaxWindow)
        {
            throw new ArgumentException($"The seasonal's window is residuals of history, from 2 to {GaussianEstimator.MaxWindow}; got {window}.");
        }

        if (settings.Period is < 2 or > MaxPeriod)
        {
            throw new ArgumentException($"The seasonal's period is rows, from 2 to {MaxPeriod:N0}; got {settings.Period}.");
        }

        if (validation.Count == 0 || validation.TotalSteps == 0)
        {
            throw new ArgumentException("The validation part needs at least 1 row; the thresholds are fitted on it.");
        }

        var targets = settings.TargetColumns ?? train.ChannelNames;
        var columns = WatchedColumns.Indices(train.ChannelNames, targets);
        var longest = train.Sequences.MaxBy(s => s.Values.Length)!;
        var period = settings.Period ?? PeriodOf(longest.Values, train.Channels, columns)
            ?? throw new ArgumentException($"The training rows of [{IO.Messages.List(targets)}] show no period (rid of their trend, their autocorrelation has no peak of at least {MinimumPeak} at lags of {DominantPeriod.MinLag} to a third of {longest.Values.Length / train.Channels:N0} rows, after it first falls to 0); give it in rows with train's --period (288 for a day of 5-minute rows), or pick a model that needs no period.");

        // Each validation part is judged against the training rows before it (of several files, its own file's, which must
        // then hold the 3 periods); what follows the last validation part (a split's test part, the next rows of a stream)
        // against it and the training rows before it.
        var carried = CarriedRows.Of(train, validation, columns, (Seasons * period) + window);
        if (carried.Parts.FirstOrDefault(p => p.Rows <= Seasons * period) is { Follows: not null } few)
        {
            throw new ArgumentException($"The seasonal compares each row with the {Seasons} periods before it: a period of {period:N0} rows needs more than {Seasons * period:N0} training rows{(carried.Parts.Count > 1 ? $" in each file ('{IO.Messages.Cut(few.Follows)}' has {few.Rows:N0}; several files are separate series: join files that continue each other into one)" : $"; got {few.Rows:N0}")}. Give more rows, or a shorter --period.");
        }

        if (carried.Kept.Length > GaussianEstimator.MaxHistoryValues)
        {
            throw new ArgumentException($"The seasonal keeps its last {carried.Kept.Length / columns.Length:N0} rows ({Seasons} periods of {period:N0} and a window of {window:N0}) of the {columns.Length:N0} watched columns in the bundle's model.json: {carried.Kept.Length:N0} values, where at most {GaussianEstimator.MaxHistoryValues:N0} fit; use a shorter --window or watch fewer columns (--target-columns).");
        }

        return SeasonalDetector.Fitted(train.ChannelNames, targets, (period, window, carried.Floor), carried.Kept,
            (DetectorFiles.Describe(train, validation), [.. carried.Parts.Select(p => (p.History, p.Validation))], settings.Threshold));
    }

    /// <summary>
    /// The period of the watched columns (<see cref="DominantPeriod"/>'s rule) once each is rid of its least-squares
    /// line, since a trend shifts the autocorrelation's peak to shorter lags; a peak counts only when the mean
    /// autocorrelation there is at least <see cref="MinimumPeak"/>, so a series that merely wanders has none; then the
    /// lag near the peak that the seasonal's own residuals fit best.
    /// </summary>
    /// <param name="values">A training sequence, row-major.</param>
    /// <param name="channels">Values per row.</param>
    /// <param name="columns">The watched columns.</param>
    internal static int? PeriodOf(float[] values, int channels, int[] columns)
    {
        var rows = Math.Min(values.Length / channels, (Seasons + 1) * MaxPeriod);
        var k = columns.Length;
        var level = new float[rows * k];
        var middle = (rows - 1) / 2.0;
        var spread = Enumerable.Range(0, rows).Sum(t => (t - middle) * (t - middle));
        for (var j = 0; j < k; j++)
        {
            var mean = Enumerable.Range(0, rows).Average(t => (double)values[(t * channels) + columns[j]]);
            var slope = spread == 0 ? 0 : Enumerable.Range(0, rows).Sum(t => (t - middle) * (values[(t * channels) + columns[j]] - mean)) / spread;
            for (var t = 0; t < rows; t++)
            {
                level[(t * k) + j] = (float)(values[(t * channels) + columns[j]] - mean - (slope * (t - middle)));
            }
        }

        return DominantPeriod.Of(level, k, [.. Enumerable.Range(0, k)], MaxPeriod, rows, MinimumPeak) is { } peak ? Refined(values, channels, columns, peak) : null;
    }

    /// <summary>
    /// Of the lags within 2% of <paramref name="peak"/> (at least one row either side), the one whose residuals (each
    /// row less the median of the rows 1, 2 and 3 lags before) vary least over the training rows, as scores judge them
    /// (against their mean, so a trend's constant offset does not count): noise makes an autocorrelation peak broad, and
    /// a period a row or two off leaves a phase error in every residual.
    /// </summary>
    private static int Refined(float[] values, int channels, int[] columns, int peak)
    {
        var rows = values.Length / channels;
        var reach = Math.Max(1, peak / 50);
        var (best, least) = (peak, double.PositiveInfinity);
        for (var lag = Math.Max(2, peak - reach); lag <= Math.Min(MaxPeriod, peak + reach) && Seasons * lag < rows; lag++)
        {
            double spread = 0;
            var count = rows - (Seasons * lag);
            foreach (var j in columns)
            {
                var (sum, squares) = (0.0, 0.0);
                for (var t = Seasons * lag; t < rows; t++)
                {
                    double X(int row) => values[(row * channels) + j];
                    var (a, b, c) = (X(t - lag), X(t - (2 * lag)), X(t - (3 * lag)));
                    var residual = X(t) - Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
                    (sum, squares) = (sum + residual, squares + (residual * residual));
                }

                spread += (squares / count) - ((sum / count) * (sum / count));
            }

            if (spread < least)
            {
                (best, least) = (lag, spread);
            }
        }

        return best;
    }

    /// <summary>The smallest mean autocorrelation at a period found without <c>--period</c>: a rhythm that explains little of a series is not one to compare rows by.</summary>
    public const double MinimumPeak = 0.3;
}

/// <summary>A fitted <c>seasonal</c>: the period, the window of residuals, the last training rows it starts from, and each watched column's smallest deviation.</summary>
public sealed class SeasonalDetector : RowDetector, IComparesPeriods
{
    private readonly int period;
    private readonly int window;
    private readonly float[] history;
    private readonly double[] floor;

    private SeasonalDetector(IReadOnlyList<string> channels, IReadOnlyList<string> targets, (int Period, int Window, float[] History, double[] Floor) state, TrainingDataInfo trainingData, ThresholdSet thresholds)
        : base(channels, targets, trainingData, thresholds) => (period, window, history, floor) = state;

    /// <inheritdoc />
    public override string Name => SeasonalEstimator.ModelName;

    /// <inheritdoc />
    public int Period => period;

    /// <inheritdoc />
    public int Periods => SeasonalEstimator.Seasons;

    /// <inheritdoc />
    public override int Lookback => (SeasonalEstimator.Seasons * period) + window + 1;

    /// <summary>Period, window, the last training rows it starts from (watched columns, row-major), and each watched column's smallest deviation (for an exporter).</summary>
    internal (int Period, int Window, float[] History, double[] Floor) State => (period, window, history, floor);

    /// <inheritdoc />
    private protected override void WriteManifest(string directory) => DetectorBundle.WriteManifest(
        new SeasonalManifest
        {
            FormatVersion = BundleManifest.CurrentFormatVersion,
            ToolVersion = DetectorBundle.ToolVersion,
            Model = Name,
            Channels = Channels,
            Targets = Targets,
            Period = period,
            Window = window,
            History = history,
            Floor = floor,
            Thresholds = Thresholds.ByScore,
            ThresholdNotes = Thresholds.NotesOrNull,
            DefaultThreshold = Thresholds.Rule,
            TrainingData = TrainingData,
        },
        directory);

    /// <summary>
    /// The detector with every threshold fitted on the validation rows, each judged against the training rows before it
    /// (<paramref name="state"/>'s history), that then starts from <paramref name="history"/>, the last rows it was fitted on.
    /// </summary>
    internal static SeasonalDetector Fitted(IReadOnlyList<string> channels, IReadOnlyList<string> targets, (int Period, int Window, double[] Floor) state, float[] history,
        (TrainingDataInfo Data, IReadOnlyList<(float[] History, SequenceSet Validation)> Parts, string Rule) fit)
    {
        var drafts = fit.Parts.Select(p => ((RowDetector)new SeasonalDetector(channels, targets, (state.Period, state.Window, p.History, state.Floor), fit.Data, None(fit.Rule)), p.Validation));
        return new SeasonalDetector(channels, targets, (state.Period, state.Window, history, state.Floor), fit.Data, FitThresholds([.. drafts], fit.Rule));
    }

    /// <inheritdoc />
    private protected override ThresholdSet Floored(ThresholdSet thresholds) => thresholds.AtLeast(GaussianDetector.SmallestThreshold);

    /// <inheritdoc />
    private protected override bool Carries => true;

    /// <summary>Loads a bundle written by <see cref="RowDetector.Save"/>, checking every value.</summary>
    internal static SeasonalDetector Load(string directory, string? threshold)
    {
        var m = DetectorBundle.ReadAs<SeasonalManifest>(directory);
        return Restore(directory, () =>
        {
            var k = Math.Max(1, m.Targets.Count);
            if (m.Period is < 2 or > SeasonalEstimator.MaxPeriod || m.Window is < 2 or > GaussianEstimator.MaxWindow || m.Floor.Length != m.Targets.Count
                || m.Floor.Any(f => !(f > 0 && double.IsFinite(f))) || m.History.Length % k != 0 || m.History.Length / k > (SeasonalEstimator.Seasons * m.Period) + m.Window
                || m.History.Any(v => !float.IsFinite(v)))
            {
                throw new ArgumentException($"a seasonal needs a period of 2 to {SeasonalEstimator.MaxPeriod} rows, a window of 2 to {GaussianEstimator.MaxWindow}, at most {SeasonalEstimator.Seasons} periods and a window of finite history rows of the {m.Targets.Count} watched columns, and a positive floor for each");
            }

            return new SeasonalDetector(m.Channels, m.Targets, (m.Period, m.Window, m.History, m.Floor), m.TrainingData,
                new ThresholdSet(m.Thresholds, m.ThresholdNotes, threshold ?? m.DefaultThreshold, "score").AtLeast(GaussianDetector.SmallestThreshold));
        });
    }

    /// <summary>
    /// Each row's deviation in each watched column: its residual (the value less the median of the values 1, 2 and 3
    /// periods before) from the mean of the residuals of the <c>window</c> rows before it, in their standard deviations.
    /// The training rows come first; a row with fewer than 3 periods before it, or no residual before its own, scores 0.
    /// </summary>
    internal override float[] ColumnScores(float[] values)
    {
        var (c, k) = (Channels.Count, Watched.Length);
        var (rows, before) = (values.Length / c, history.Length / k);
        var scores = new float[rows * k];
        var x = new double[before + rows];
        var first = SeasonalEstimator.Seasons * period; // the first row with 3 periods before it
        for (var j = 0; j < k; j++)
        {
            for (var t = 0; t < x.Length; t++)
            {
                x[t] = t < before ? history[(t * k) + j] : values[((t - before) * c) + Watched[j]];
            }

            var past = new RecentSpread(window);
            for (var t = first; t < x.Length; t++)
            {
                var residual = x[t] - Median(x[t - period], x[t - (2 * period)], x[t - (3 * period)]);
                if (t >= before && !past.IsEmpty)
                {
                    scores[((t - before) * k) + j] = (float)Math.Min(past.Deviation(residual, floor[j]), float.MaxValue);
                }

                past.Push(residual);
            }
        }

        return scores;
    }

    private static double Median(double a, double b, double c) => Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));

    /// <summary><c>model.json</c> of a seasonal.</summary>
    internal sealed record SeasonalManifest
    {
        public required int FormatVersion { get; init; }

        public required string ToolVersion { get; init; }

        public required string Model { get; init; }

        public required IReadOnlyList<string> Channels { get; init; }

        public required IReadOnlyList<string> Targets { get; init; }

        public required int Period { get; init; }

        public required int Window { get; init; }

        /// <summary>The last training rows of the watched columns, row-major, that the residuals start from.</summary>
        public required float[] History { get; init; }

        public required double[] Floor { get; init; }

        public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Thresholds { get; init; }

        public IReadOnlyDictionary<string, string>? ThresholdNotes { get; init; }

        public required string DefaultThreshold { get; init; }

        public required TrainingDataInfo TrainingData { get; init; }
    }
}
