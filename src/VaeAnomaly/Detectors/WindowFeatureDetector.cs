using VaeAnomaly.Data;
using VaeAnomaly.Models;
using VaeAnomaly.Persistence;
using VaeAnomaly.Scoring;
using VaeAnomaly.Thresholds;
using VaeAnomaly.Training;

namespace VaeAnomaly.Detectors;

/// <summary>
/// A fitted detector that scores z-scored windows in closed form (<c>pca</c>, <c>knn</c>): a window's score is the mean
/// squared error of its watched columns against what the model expects of it, a sequence's score its worst window, and
/// a series is scored per point from its windows (<see cref="WindowedSeriesScorer"/>). No training loop, no history.
/// </summary>
public sealed class WindowFeatureDetector : IFittedDetector, IScoresPoints, IRefits, IExplainsPoints, IRecalibrates
{
    /// <inheritdoc />
    public DetectorSettings RefitSettings => new()
    {
        Window = shape.Window,
        TrainStride = shape.TrainStride,
        ScoreStride = shape.ScoreStride,
        TargetColumns = shape.Targets,
        Threshold = Thresholds.Rule,
        Seed = model.Seed ?? new DetectorSettings().Seed,
    };

    private readonly WindowFeatureShape shape;
    private readonly Standardizer scaler;
    private readonly IWindowErrors model;
    private readonly TabularEncoder? encoder;
    private IWindowForward? forward;

    internal WindowFeatureDetector(string name, WindowFeatureShape shape, Standardizer scaler, IWindowErrors model, TrainingDataInfo trainingData, ThresholdSet thresholds, TabularEncoder? encoder = null)
    {
        Name = name;
        this.shape = shape;
        this.scaler = scaler;
        this.model = model;
        this.encoder = encoder;
        TrainingData = trainingData;
        Thresholds = thresholds;
    }

    /// <summary>How raw CSV records became the inputs, when the model was fitted on records (<see cref="RecordFeatureDetector"/>); otherwise null.</summary>
    internal TabularEncoder? Encoder => encoder;

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The engine of the window errors: <c>default</c> (the model's own) unless another was attached.</summary>
    public string Engine => forward?.Engine ?? "default";

    /// <summary>The window shape, watched columns and strides (for an exporter).</summary>
    internal WindowFeatureShape Shape => shape;

    /// <summary>The scaler fitted on the training split (for an exporter).</summary>
    internal Standardizer Scaler => scaler;

    /// <summary>The model's math (for an exporter).</summary>
    internal IWindowErrors Model => model;

    /// <summary>Computes the window errors through <paramref name="engine"/> from now on; the detector disposes it.</summary>
    /// <param name="engine">An engine computing <see cref="IWindowErrors.Errors"/>.</param>
    internal void UseForward(IWindowForward engine)
    {
        forward?.Dispose();
        forward = engine;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Channels => shape.Channels;

    /// <summary>The watched columns the scores measure (all columns unless chosen).</summary>
    public IReadOnlyList<string> Targets => shape.Targets;

    /// <inheritdoc />
    public IReadOnlyList<string> Watches => Targets;

    /// <summary>Steps per window.</summary>
    public int Window => shape.Window;

    /// <inheritdoc />
    public ThresholdSet Thresholds { get; private set; }

    /// <inheritdoc />
    public IReadOnlyList<EpochReport> History => [];

    /// <inheritdoc />
    public TrainingDataInfo TrainingData { get; private set; }

    /// <inheritdoc />
    public IReadOnlyList<KeyValuePair<string, IReadOnlyList<float>>> ThresholdScores(SequenceSet normal, CancellationToken ct = default)
    {
        shape.CheckChannels(normal);
        var cut = shape.Cut(scaler.Transform(normal), shape.ScoreStride, Name);
        var (windowScores, steps) = Errors(cut.Windows);
        ct.ThrowIfCancellationRequested();
        return [new("score", Score(normal)), new(WindowFeatureShape.WindowSet, windowScores), new(WindowFeatureShape.StepSet, WindowPointScores.StepScores(cut, normal, steps, shape.Window))];
    }

    /// <inheritdoc />
    public void Recalibrate(ThresholdSet thresholds, CalibrationInfo calibration) =>
        (Thresholds, TrainingData) = (thresholds, TrainingData with { Calibration = calibration });

    /// <inheritdoc />
    public float[] Score(SequenceSet data)
    {
        shape.CheckChannels(data);
        var cut = shape.Cut(scaler.Transform(data), shape.ScoreStride, Name);
        return cut.MaxPerSequence(Errors(cut.Windows).Scores, data.Count);
    }

    /// <summary>
    /// Scores every point of one long sequence from its windows, a chunk at a time: <see cref="PointScoreMode.Step"/>
    /// averages each step's error (mean over the watched columns) over the windows covering it; the other modes fold the
    /// window scores.
    /// </summary>
    /// <param name="series">One unscaled sequence with the training channels, at least one window long.</param>
    /// <param name="request">Mode, rule, stride and chunk; the model has one score, so the kind stays the default.</param>
    /// <param name="progress">Reports windows scored so far.</param>
    /// <param name="ct">Observed before each chunk of windows.</param>
    public SeriesPointScores ScorePoints(SequenceSet series, PointScoreRequest request, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        if (request.Kind != ScoreKind.Combined)
        {
            throw new ArgumentException($"A {Name} has one score; the GRU-VAE's score kinds do not apply.", nameof(request));
        }

        if (series.Count != 1)
        {
            throw new ArgumentException($"Point scores are for one series; got {series.Count} sequences.", nameof(series));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(request.Stride);
        shape.CheckChannels(series);
        if (series.LengthOf(0) < shape.Window)
        {
            throw new ArgumentException($"The series has {series.LengthOf(0)} steps; the {Name} reads windows of {shape.Window}.");
        }

        var threshold = Thresholds.Value(request.Mode == PointScoreMode.Step ? WindowFeatureShape.StepSet : WindowFeatureShape.WindowSet, request.Rule);
        var (scores, firstScored, count) = WindowedSeriesScorer.Score(
            scaler.Transform(series), shape.Window, request.StrideFor(shape.ScoreStride), request.Mode, request.Chunk,
            (_, windows) =>
            {
                var (windowScores, steps) = Errors(windows);
                return new WindowedSeriesScorer.ChunkScores(windowScores, steps);
            },
            progress,
            ct);
        return new SeriesPointScores(scores, threshold, firstScored, count);
    }

    /// <inheritdoc />
    public double PointThreshold(PointScoreRequest request) => Thresholds.Value(request.Mode == PointScoreMode.Step ? WindowFeatureShape.StepSet : WindowFeatureShape.WindowSet, request.Rule);

    /// <inheritdoc />
    public int Lookback => shape.Window;

    /// <inheritdoc />
    public int Warmup => shape.Window - 1;

    /// <inheritdoc />
    public int MinimumRows => shape.Window;

    /// <inheritdoc />
    public void Save(string directory)
    {
        DetectorBundle.EnsureEmptyFolder(directory);
        var (weights, parameters) = model.Save(directory);
        DetectorBundle.WriteManifest(
            new WindowFeatureManifest
            {
                FormatVersion = BundleManifest.CurrentFormatVersion,
                ToolVersion = DetectorBundle.ToolVersion,
                Model = Name,
                Channels = shape.Channels,
                Targets = shape.Targets,
                Window = shape.Window,
                TrainStride = shape.TrainStride,
                ScoreStride = shape.ScoreStride,
                Scaler = scaler,
                Parameters = parameters,
                Thresholds = Thresholds.ByScore,
                ThresholdNotes = Thresholds.NotesOrNull,
                DefaultThreshold = Thresholds.Rule,
                TrainingData = TrainingData,
                Weights = weights,
                Encoder = encoder,
            },
            directory);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        forward?.Dispose();
        model.Dispose();
    }

    private (float[] Scores, float[] Steps) Errors(SequenceSet windows) => forward?.Errors(windows) ?? model.Errors(windows);

    /// <inheritdoc />
    public Attribution Explain(SequenceSet rows)
    {
        shape.CheckChannels(rows);
        return Attribution.OfWindow(shape.Channels, model.SquaredErrors(scaler.Transform(ExplainedRows.Last(rows, shape.Window, shape.Window))), shape.TargetIndices);
    }

    /// <summary>
    /// Fits the scaler, hands the training windows to <paramref name="fit"/>, and fits every threshold on the validation
    /// data's sequence, window and step scores: what every window-feature estimator does around its own math.
    /// </summary>
    /// <param name="name">The model's name.</param>
    /// <param name="settings">Window, strides, watched columns, threshold rule.</param>
    /// <param name="train">The training part.</param>
    /// <param name="validation">The validation part: every threshold is fitted on its scores.</param>
    /// <param name="fit">Fits the model's math on the training windows.</param>
    /// <param name="ct">Observed between the steps (cutting, the model's fit, the validation scores).</param>
    /// <param name="records">How raw records became <paramref name="train"/> (numbers z-scored, text one-hot), when they did:
    /// the inputs are then used as encoded, as the dense models of records use them, and the encoder is kept.</param>
    internal static WindowFeatureDetector Fit(string name, DetectorSettings settings, SequenceSet train, SequenceSet validation, Func<WindowFeatureShape, SequenceSet, int, IWindowErrors> fit,
        CancellationToken ct = default, TabularEncoder? records = null)
    {
        _ = ThresholdRules.Create(settings.Threshold);
        if (validation.Count == 0 || validation.TotalSteps == 0)
        {
            throw new ArgumentException("The validation data are empty; thresholds are fitted on them. Give more data or a larger validation split.");
        }

        var shape = WindowFeatureShape.Of(train, settings);
        shape.CheckChannels(validation);
        var scaler = records is null ? Standardizer.Fit(train, ScalerKind.ZScore) : new Standardizer(new double[train.Channels], [.. Enumerable.Repeat(1.0, train.Channels)]);
        var windows = shape.Cut(scaler.Transform(train), shape.TrainStride, name).Windows;
        ct.ThrowIfCancellationRequested();
        var model = fit(shape, windows, settings.Seed);
        try
        {
            ct.ThrowIfCancellationRequested();
            var draft = new WindowFeatureDetector(name, shape, scaler, model, DetectorFiles.Describe(train, validation), new ThresholdSet(new Dictionary<string, IReadOnlyDictionary<string, double>>(), null, settings.Threshold, "score"), records);
            var thresholds = ThresholdSet.Fit(draft.ThresholdScores(validation, ct), settings.Threshold, "score");
            return new WindowFeatureDetector(name, shape, scaler, model, draft.TrainingData, thresholds, records);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Loads a window-feature bundle, checking the manifest before <paramref name="restore"/> reads its arrays.</summary>
    internal static WindowFeatureDetector Load(string directory, string? threshold, Func<WindowFeatureManifest, WindowFeatureShape, string, IWindowErrors> restore)
    {
        var m = DetectorBundle.ReadAs<WindowFeatureManifest>(directory);
        if (m.Encoder is { } encoder)
        {
            ManifestValidation.Check(encoder, m.Channels.Count, directory);
        }

        WindowFeatureShape shape;
        ThresholdSet thresholds;
        try
        {
            shape = new WindowFeatureShape(m.Channels, m.Targets, m.Window, m.TrainStride, m.ScoreStride);
            shape.Validate();
            if (m.Scaler.Mean.Length != m.Channels.Count || m.Scaler.Std.Length != m.Channels.Count
                || m.Scaler.Mean.Any(v => !double.IsFinite(v)) || m.Scaler.Std.Any(v => !(v > 0 && double.IsFinite(v))))
            {
                throw new ArgumentException($"the scaler must hold a finite mean and a positive spread for each of the {m.Channels.Count} channels");
            }

            thresholds = new ThresholdSet(m.Thresholds, m.ThresholdNotes, threshold ?? m.DefaultThreshold, "score");
            if (m.Encoder is { } e)
            {
                RecordFeatureDetector.Check(e, shape);
            }
        }
        catch (ArgumentException e)
        {
            throw new BundleException(directory, $"model.json is inconsistent: {IO.Messages.Of(e)}");
        }

        return new WindowFeatureDetector(m.Model, shape, m.Scaler, restore(m, shape, directory), m.TrainingData, thresholds, m.Encoder);
    }
}

/// <summary>The estimator of a window-feature model: the shared fit around the model's own math.</summary>
/// <param name="name">The model's name.</param>
/// <param name="settings">Window, strides, watched columns, threshold rule.</param>
/// <param name="fit">Fits the model's math on the training windows.</param>
internal sealed class WindowFeatureEstimator(string name, DetectorSettings settings, Func<WindowFeatureShape, SequenceSet, int, IWindowErrors> fit) : IDetectorEstimator
{
    /// <summary>The settings every window-feature model takes.</summary>
    public static IReadOnlySet<string> Settings { get; } = new HashSet<string>(["window", "train-stride", "score-stride", "target-columns", "records"]);

    /// <inheritdoc />
    public string Name => name;

    /// <inheritdoc />
    public int Epochs => 1;

    /// <inheritdoc />
    public IFittedDetector Fit(SequenceSet train, SequenceSet validation, IProgress<EpochReport>? progress = null, CancellationToken ct = default) => settings.Records is { } records
        ? new RecordFeatureDetector(WindowFeatureDetector.Fit(name, settings with { Window = 1 }, train, validation, fit, ct, records))
        : WindowFeatureDetector.Fit(name, settings, train, validation, fit, ct);

    /// <summary>The registry entry of a window-feature model: its name, description, fit and restore.</summary>
    public static DetectorEntry Entry(string name, string description, Func<WindowFeatureShape, SequenceSet, int, IWindowErrors> fit,
        Func<WindowFeatureManifest, WindowFeatureShape, string, IWindowErrors> restore) => new(
        name, description, Settings, [], s => Create(name, s, fit), (directory, threshold) => RecordFeatureDetector.Wrap(WindowFeatureDetector.Load(directory, threshold, restore)));

    private static WindowFeatureEstimator Create(string name, DetectorSettings s, Func<WindowFeatureShape, SequenceSet, int, IWindowErrors> fit) =>
        s.Records is not null && (s.Window is not null || s.TrainStride is not null || s.ScoreStride is not null || s.TargetColumns is not null)
            ? throw new ArgumentException(s.TargetColumns is not null
                ? "target-columns applies to series; a model of records measures every input."
                : "window, train-stride and score-stride cut sequences into windows; records have none.")
            : new WindowFeatureEstimator(name, s, fit);
}

/// <summary>What a window-feature model computes: per window its score and per window and step its error, of scaled windows.</summary>
internal interface IWindowErrors : IDisposable
{
    /// <summary>Per window the mean squared error over its steps and watched columns, and per window and step that error over the watched columns, row-major (window, step).</summary>
    (float[] Scores, float[] Steps) Errors(SequenceSet windows);

    /// <summary>Per window, step and column the squared error against what the model expects of it, row-major (window, step, column).</summary>
    float[] SquaredErrors(SequenceSet windows);

    /// <summary>Writes the model's arrays into the bundle and returns their description and the model's whole-number settings.</summary>
    (WeightsInfo Weights, IReadOnlyDictionary<string, int> Parameters) Save(string directory);

    /// <summary>The seed it drew from, which a refit draws from again; null for a model that draws nothing.</summary>
    int? Seed => null;
}

/// <summary>The channels, watched columns, window and strides of a window-feature model.</summary>
internal sealed record WindowFeatureShape(IReadOnlyList<string> Channels, IReadOnlyList<string> Targets, int Window, int TrainStride, int ScoreStride)
{
    /// <summary>The set name of window scores in a <see cref="ThresholdSet"/>.</summary>
    public const string WindowSet = "window";

    /// <summary>The set name of step errors in a <see cref="ThresholdSet"/>.</summary>
    public const string StepSet = "step";

    /// <summary>Window length when none is given.</summary>
    public const int DefaultWindow = 32;

    /// <summary>Indices of <see cref="Targets"/> among <see cref="Channels"/>.</summary>
    public int[] TargetIndices => WatchedColumns.Indices(Channels, Targets);

    /// <summary>Values per window.</summary>
    public int Width => Window * Channels.Count;

    /// <summary>The shape <paramref name="s"/> asks for on data with <paramref name="train"/>'s channels: windows of 32, stride 1 by default.</summary>
    public static WindowFeatureShape Of(SequenceSet train, DetectorSettings s)
    {
        var shape = new WindowFeatureShape(
            train.ChannelNames, s.TargetColumns ?? train.ChannelNames, s.Window ?? DefaultWindow, s.TrainStride is > 0 ? s.TrainStride.Value : 1, s.ScoreStride is > 0 ? s.ScoreStride.Value : 1);
        shape.Validate();
        return shape;
    }

    /// <summary>Refuses a window below 1, strides below 1, a width beyond the weight budget, or watched columns that are not channels.</summary>
    public void Validate()
    {
        if (Window < 1 || TrainStride < 1 || ScoreStride < 1)
        {
            throw new ArgumentException($"A window model needs a window and strides of at least 1; got window {Window}, strides {TrainStride} and {ScoreStride}.");
        }

        if ((long)Window * Channels.Count > GruVaeOptions.MaxSize)
        {
            var most = GruVaeOptions.MaxSize / Channels.Count;
            throw new ArgumentException($"Windows of {Window} steps x {Channels.Count:N0} channels are {(long)Window * Channels.Count:N0} values; at most {GruVaeOptions.MaxSize:N0} are accepted: {(most >= 1 ? $"a window of at most {most} steps (--window {most}), or " : "")}fewer columns (--columns).");
        }

        _ = WatchedColumns.Indices(Channels, Targets);
    }

    /// <summary>Refuses data whose channels are not the model's.</summary>
    public void CheckChannels(SequenceSet data)
    {
        if (!data.ChannelNames.SequenceEqual(Channels))
        {
            var problem = $"The data's channels [{IO.Messages.List(data.ChannelNames)}] differ from the model's [{IO.Messages.List(Channels)}]; expected the same names in the same order.";
            throw data.Source is null ? new ArgumentException(problem) : new DataFormatException(data.Source, 1, null, problem);
        }
    }

    /// <summary>The windows of scaled sequences, each at least one window long.</summary>
    public SlidingWindows Cut(SequenceSet scaled, int stride, string name) => SlidingWindows.CutWhole(scaled, Window, stride, name);

    /// <summary>
    /// Per window the mean over steps and watched columns of squared differences, and per step the mean over watched
    /// columns, from row-major (window, step, channel) differences.
    /// </summary>
    public (float[] Scores, float[] Steps) Reduce(float[] squared, int windows)
    {
        var (c, targets) = (Channels.Count, TargetIndices);
        var scores = new float[windows];
        var steps = new float[windows * Window];
        for (var k = 0; k < windows; k++)
        {
            double total = 0;
            for (var t = 0; t < Window; t++)
            {
                double step = 0;
                foreach (var j in targets)
                {
                    step += squared[(((k * Window) + t) * c) + j];
                }

                steps[(k * Window) + t] = (float)(step / targets.Length);
                total += step;
            }

            scores[k] = (float)(total / (Window * targets.Length));
        }

        return (scores, steps);
    }
}

/// <summary><c>model.json</c> of a window-feature model (<c>pca</c>, <c>knn</c>).</summary>
internal sealed record WindowFeatureManifest
{
    public required int FormatVersion { get; init; }

    public required string ToolVersion { get; init; }

    public required string Model { get; init; }

    public required IReadOnlyList<string> Channels { get; init; }

    public required IReadOnlyList<string> Targets { get; init; }

    public required int Window { get; init; }

    public required int TrainStride { get; init; }

    public required int ScoreStride { get; init; }

    public required Standardizer Scaler { get; init; }

    /// <summary>The model's whole-number settings: <c>components</c> of a PCA, <c>neighbours</c> and <c>bank</c> of a k-NN.</summary>
    public required IReadOnlyDictionary<string, int> Parameters { get; init; }

    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Thresholds { get; init; }

    public IReadOnlyDictionary<string, string>? ThresholdNotes { get; init; }

    public required string DefaultThreshold { get; init; }

    public required TrainingDataInfo TrainingData { get; init; }

    public required WeightsInfo Weights { get; init; }

    /// <summary>How raw CSV records became the inputs, for a model fitted on records; absent otherwise.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public TabularEncoder? Encoder { get; init; }
}
