using VaeAnomaly.Data;
using VaeAnomaly.Evaluation;
using VaeAnomaly.Models;
using VaeAnomaly.Persistence;
using VaeAnomaly.Reporting;
using VaeAnomaly.Scoring;
using VaeAnomaly.Thresholds;
using VaeAnomaly.Training;

namespace VaeAnomaly.Detectors;

/// <summary>The GRU-VAE as a detector: scales, trains, scores, thresholds, saves and loads.</summary>
public sealed class GruVaeDetector : DetectorBase, IScoresPoints, IReconstructsSeries, IReconstructs
{
    /// <summary>The name used on the command line and in bundles.</summary>
    public const string ModelName = "gru-vae";

    /// <inheritdoc />
    public override string Name => ModelName;

    /// <inheritdoc />
    protected override string SequenceScoreSet => ScoreKind.Combined.Name();

    private GruVae? network;
    private GruVaeOptions model;
    private readonly TrainerOptions training;
    private readonly ScoringOptions scoring;

    /// <summary>Creates an untrained detector.</summary>
    /// <param name="model">Architecture and beta (<see cref="GruVaeOptions.Channels"/> is taken from the data).</param>
    /// <param name="training">Optimisation.</param>
    /// <param name="scoring">Score combination.</param>
    /// <param name="rule">Threshold rule of <see cref="DetectorBase.Predict"/>; the 0.99 quantile of validation scores by default.</param>
    public GruVaeDetector(GruVaeOptions model, TrainerOptions training, ScoringOptions scoring, IThresholdRule? rule = null)
        : base(rule ?? new QuantileThreshold())
    {
        this.model = model;
        this.training = training;
        this.scoring = scoring;
    }

    /// <summary>The scaler fitted on the training split.</summary>
    public Standardizer? Scaler { get; private set; }

    /// <summary>Decoder variance and the distribution of training posterior means, for the latent and likelihood scores.</summary>
    public LatentScoring? Latent { get; private set; }

    /// <summary>KL per latent dimension and active units on the validation data (posterior collapse at a glance).</summary>
    public LatentUsage? ValidationLatentUsage { get; private set; }

    /// <summary>The combiner fitted on validation scores.</summary>
    public ScoreCombiner? Combiner { get; private set; }

    /// <summary>Per-epoch history of the last fit.</summary>
    public override IReadOnlyList<EpochReport> History => history;

    private IReadOnlyList<EpochReport> history = [];

    /// <summary>Score kind to rule name to threshold, all fitted on normal validation scores only.</summary>
    public IReadOnlyDictionary<ScoreKind, IReadOnlyDictionary<string, double>> Thresholds { get; private set; } =
        new Dictionary<ScoreKind, IReadOnlyDictionary<string, double>>();

    /// <summary>Rule name to threshold of per-time-step errors, fitted on the validation data's step errors.</summary>
    public IReadOnlyDictionary<string, double> PointThresholds { get; private set; } = new Dictionary<string, double>();

    /// <summary>Combiner and thresholds of single windows (windowed models), for point scores made from window scores.</summary>
    public WindowScoring? WindowScoring { get; private set; }

    /// <summary>Channel names the model was trained on, in order.</summary>
    public IReadOnlyList<string> Channels { get; private set; } = [];

    /// <summary>What the model was trained on (null before fitting).</summary>
    public TrainingDataInfo? TrainingData { get; private set; }

    /// <summary>Shortest and longest training sequence.</summary>
    public (int Min, int Max) LengthRange { get; private set; }

    /// <summary>
    /// Sequence lengths the model scores. A windowed model reads any sequence at least as long as the shorter of
    /// its window and the shortest training sequence (shorter ones would be summarised after fewer steps than it
    /// ever saw); a whole-sequence model reads lengths within a factor of 2 of its training range, since its
    /// decoder was never asked to unroll further.
    /// </summary>
    public (int Min, int? Max) AcceptedLengths => model.Window > 0
        ? (Math.Min(model.Window, LengthRange.Min), null)
        : ((LengthRange.Min + 1) / 2, LengthRange.Max * 2);

    /// <summary>Every score kind of <paramref name="data"/>.</summary>
    /// <param name="data">Unscaled sequences with the training channels.</param>
    public DetectorScores ScoreAll(SequenceSet data)
    {
        var (net, scaler, combiner) = Fitted();
        CheckChannels(data);
        CheckLengths(data);
        var parts = ScoreScaled(net, scaler.Transform(data));
        return new DetectorScores(parts, combiner.Combine(parts));
    }

    /// <inheritdoc />
    public override float[] Score(SequenceSet data) => ScoreAll(data).Combined;

    /// <summary>
    /// Scores every point of one long sequence (a series) from its windows, streaming a chunk of windows at a time
    /// (<see cref="WindowedSeriesScorer"/>). <see cref="PointScoreMode.Step"/> averages each step's reconstruction error
    /// over the windows covering it; the other modes fold the window score of <see cref="PointScoreRequest.Kind"/>.
    /// A whole-sequence model (no window) scores its steps in one pass, in step mode only.
    /// </summary>
    /// <param name="series">One unscaled sequence with the training channels.</param>
    /// <param name="request">Mode, rule, window score, stride and chunk.</param>
    /// <param name="progress">Reports windows scored so far.</param>
    public SeriesPointScores ScorePoints(SequenceSet series, PointScoreRequest request, IProgress<int>? progress = null)
    {
        var (net, scaler, _) = Fitted();
        if (series.Count != 1)
        {
            throw new ArgumentException($"Point scores are for one series; got {series.Count} sequences.", nameof(series));
        }

        CheckChannels(series);
        CheckLengths(series);
        ArgumentOutOfRangeException.ThrowIfNegative(request.Stride);
        var (mode, kind, ruleName) = (request.Mode, request.Kind, request.Rule ?? Rule.Name);
        if (model.Window == 0)
        {
            if (mode != PointScoreMode.Step)
            {
                throw new ArgumentException($"Point scores from window scores ({mode.Name()}) need a model trained on windows (--window); this one reads whole sequences.");
            }

            var steps = ScoreAll(series).Parts.StepErrors[0];
            return new SeriesPointScores(steps, ThresholdRules.Lookup(PointThresholds, ruleName, StepSet, ThresholdNotes), 0, 1);
        }

        var windows = mode == PointScoreMode.Step
            ? null
            : WindowScoring ?? throw new InvalidOperationException("This bundle has no window thresholds (written before point scores from windows existed); train it again to use last, mean or max.");
        var threshold = windows is null
            ? ThresholdRules.Lookup(PointThresholds, ruleName, StepSet, ThresholdNotes)
            : ThresholdRules.Lookup(windows.Thresholds[kind.Name()], ruleName, WindowSet(kind), ThresholdNotes);
        var scaled = scaler.Transform(series);
        var needsLatent = windows is not null && kind is ScoreKind.Mahalanobis or ScoreKind.Elbo or ScoreKind.NllIs;
        var (scores, firstScored, count) = WindowedSeriesScorer.Score(
            scaled, Math.Min(model.Window, scaled.LengthOf(0)), request.Stride > 0 ? request.Stride : ScoreStride, mode, request.Chunk,
            (first, set) =>
            {
                var parts = GruVaeScorer.Score(net, set, scoring.McSamples, model.Seed + first, scoring.BatchSize, needsLatent ? Latent : null);
                return windows is null
                    ? new WindowedSeriesScorer.ChunkScores(null, [.. parts.StepErrors.SelectMany(e => e)])
                    : new WindowedSeriesScorer.ChunkScores(kind == ScoreKind.Combined ? windows.Combiner.Combine(parts) : parts.Of(kind), null);
            },
            progress);
        return new SeriesPointScores(scores, threshold, firstScored, count);
    }

    /// <inheritdoc />
    public float[] ReconstructSeries(SequenceSet series) => Reconstruct(series, [0])[0];

    /// <inheritdoc />
    public float[][] Reconstruct(SequenceSet data) => Reconstruct(data, [.. Enumerable.Range(0, data.Count)]);

    /// <summary>Posterior-mean reconstructions of some sequences, in the data's own units.</summary>
    /// <param name="data">Unscaled sequences with the training channels.</param>
    /// <param name="indices">Which sequences.</param>
    /// <returns>One row-major (time, channels) array per index.</returns>
    public float[][] Reconstruct(SequenceSet data, IReadOnlyList<int> indices)
    {
        var (net, scaler, _) = Fitted();
        CheckChannels(data);
        CheckLengths(data);
        var scaled = GruVaeScorer.Reconstruct(net, scaler.Transform(data), indices, model.Window, ScoreStride);
        var c = data.Channels;
        return scaled.Select(r => r.Select((v, i) => (float)((v * scaler.Std[i % c]) + scaler.Mean[i % c])).ToArray()).ToArray();
    }

    /// <inheritdoc />
    public override void Save(string directory)
    {
        var (net, scaler, combiner) = Fitted();
        var weights = WeightsFile.Save(net, directory);
        DetectorBundle.WriteManifest(new BundleManifest
        {
            FormatVersion = BundleManifest.CurrentFormatVersion,
            ToolVersion = DetectorBundle.ToolVersion,
            Model = ModelName,
            Seed = model.Seed,
            Channels = Channels,
            MinLength = LengthRange.Min,
            MaxLength = LengthRange.Max,
            ModelOptions = model,
            TrainerOptions = training,
            Scoring = scoring,
            Scaler = scaler,
            Combiner = combiner,
            Latent = Latent!,
            ValidationLatentUsage = ValidationLatentUsage!,
            Thresholds = Thresholds.ToDictionary(kv => kv.Key.Name(), kv => kv.Value),
            PointThresholds = PointThresholds,
            Windows = WindowScoring,
            ThresholdNotes = NotesForManifest,
            DefaultThreshold = Rule.Name,
            TrainingData = TrainingData!,
            Weights = weights,
        }, directory);
        HistoryCsv.Write(History, Path.Combine(directory, DetectorBundle.HistoryFile));
    }

    /// <summary>Where training saves its state after every epoch, and whether <see cref="DetectorBase.Fit"/> resumes from it; null saves nothing.</summary>
    public TrainingCheckpoint? Checkpoint { get; set; }

    /// <summary>Loads a bundle written by <see cref="Save"/>, checking it before any weights are read.</summary>
    /// <param name="directory">The bundle folder.</param>
    /// <param name="threshold">Threshold rule of <see cref="DetectorBase.Predict"/>; the bundle's default when null.</param>
    /// <exception cref="BundleException">The bundle is missing, corrupted, or not a GRU-VAE bundle.</exception>
    public static GruVaeDetector Load(string directory, string? threshold = null)
    {
        var manifest = DetectorBundle.ReadManifest(directory);
        if (manifest.Model != ModelName)
        {
            throw new BundleException(directory, $"holds a '{manifest.Model}' model; expected '{ModelName}'");
        }

        var options = manifest.ModelOptions;
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new BundleException(directory, $"model options are invalid: {e.Message}");
        }

        if (options.Channels != manifest.Channels.Count || manifest.Scaler.Mean.Length != options.Channels || manifest.Scaler.Std.Length != options.Channels)
        {
            throw new BundleException(directory, $"model.json is inconsistent: {options.Channels} model channels, {manifest.Channels.Count} channel names, {manifest.Scaler.Mean.Length} scaler entries");
        }

        var rule = ThresholdRules.Create(threshold ?? manifest.DefaultThreshold);
        var detector = new GruVaeDetector(options, manifest.TrainerOptions, manifest.Scoring, rule);
        var net = Seeding.Build(options.Seed, () => new GruVae(options));
        WeightsFile.Load(net, directory, manifest.Weights);

        detector.network = net;
        detector.Scaler = manifest.Scaler;
        detector.Combiner = manifest.Combiner;
        detector.Latent = manifest.Latent;
        detector.ValidationLatentUsage = manifest.ValidationLatentUsage;
        detector.PointThresholds = manifest.PointThresholds;
        detector.WindowScoring = manifest.Windows;
        if (manifest.Latent.DecoderVariance.Length != options.Channels || manifest.Latent.Mahalanobis.Mean.Length != options.Latent
            || manifest.Latent.Mahalanobis.Precision.Length != options.Latent * options.Latent)
        {
            net.Dispose();
            throw new BundleException(directory, "model.json is inconsistent: the latent scoring parameters do not match the channels and latent size");
        }
        detector.Channels = manifest.Channels;
        detector.LengthRange = (manifest.MinLength, manifest.MaxLength);
        detector.TrainingData = manifest.TrainingData;
        detector.Thresholds = manifest.Thresholds.ToDictionary(kv => ScoreKinds.Parse(kv.Key), kv => kv.Value);
        detector.history = DetectorFiles.History(directory);
        detector.RestoreThresholds(detector.Thresholds[ScoreKind.Combined], manifest.ThresholdNotes);
        return detector;
    }

    /// <inheritdoc />
    protected override float[] FitCore(SequenceSet train, SequenceSet validation, IProgress<EpochReport>? progress, CancellationToken ct)
    {
        if (validation.Channels != train.Channels || !validation.ChannelNames.SequenceEqual(train.ChannelNames))
        {
            throw new ArgumentException($"Validation channels [{IO.Messages.List(validation.ChannelNames)}] differ from training channels [{IO.Messages.List(train.ChannelNames)}].", nameof(validation));
        }

        model = model with { Channels = train.Channels };
        Channels = train.ChannelNames;
        var lengths = Enumerable.Range(0, train.Count).Select(train.LengthOf).ToArray();
        CheckEnoughData(train, validation, lengths);
        LengthRange = (lengths.Min(), lengths.Max());
        TrainingData = new TrainingDataInfo(train.Count, train.TotalSteps, validation.Count, validation.TotalSteps, DataFingerprint.Of(train, validation));
        Scaler = Standardizer.Fit(train, model.Scaler);
        var scaledTrain = Scaler.Transform(train);
        var scaledValidation = Scaler.Transform(validation);

        network?.Dispose();
        network = Seeding.Build(model.Seed, () => new GruVae(model));
        var (fitTrain, fitValidation) = model.Window > 0
            ? (SlidingWindows.Cut(scaledTrain, model.Window, TrainStride).Windows, SlidingWindows.Cut(scaledValidation, model.Window, TrainStride).Windows)
            : (scaledTrain, scaledValidation);
        var session = Checkpoint is null ? null : Checkpoint with { RunKey = RunKey(fitTrain, fitValidation) };
        history = new Trainer(training, session).Fit(network, model.Beta, fitTrain, fitValidation, progress, ct);

        // The Gaussian decoder's variance per channel is the validation mean squared error (its maximum-
        // likelihood value for the fixed decoder mean); the Mahalanobis model is fitted on training posterior means.
        var validationUnits = GruVaeScorer.Score(network, fitValidation, 0, model.Seed, scoring.BatchSize);
        var variance = Enumerable.Range(0, train.Channels).Select(ch => Math.Max(1e-6, validationUnits.ChannelErrors.Average(e => (double)e[ch]))).ToArray();
        var trainingMeans = GruVaeScorer.Score(network, fitTrain, 0, model.Seed, scoring.BatchSize).LatentMeans;
        Latent = new LatentScoring(variance, MahalanobisModel.Fit(trainingMeans), scoring.ImportanceSamples);
        ValidationLatentUsage = LatentUsage.Compute(validationUnits.LatentMeans, validationUnits.LatentLogVars);

        SequenceScores validationParts;
        if (model.Window > 0)
        {
            var cut = SlidingWindows.Cut(scaledValidation, model.Window, ScoreStride);
            var windowParts = GruVaeScorer.Score(network, cut.Windows, scoring.McSamples, model.Seed, scoring.BatchSize, Latent);
            validationParts = GruVaeScorer.Aggregate(scaledValidation, cut, windowParts, scoring.Aggregate);
            var windowCombiner = ScoreCombiner.Fit(windowParts, scoring.Lambda, scoring.Combine);
            var windowCombined = windowCombiner.Combine(windowParts);
            WindowScoring = new WindowScoring(
                windowCombiner,
                ScoreKinds.All.ToDictionary(kind => kind.Name(), kind => ThresholdRules.FitAll(kind == ScoreKind.Combined ? windowCombined : windowParts.Of(kind), WindowSet(kind), Notes)),
                cut.Windows.Count);
        }
        else
        {
            validationParts = ScoreScaled(network, scaledValidation);
            WindowScoring = null;
        }

        Combiner = ScoreCombiner.Fit(validationParts, scoring.Lambda, scoring.Combine);
        var validationCombined = Combiner.Combine(validationParts);
        PointThresholds = ThresholdRules.FitAll(validationParts.StepErrors.SelectMany(e => e).ToArray(), StepSet, Notes);
        Thresholds = ScoreKinds.All.ToDictionary(
            kind => kind,
            kind => ThresholdRules.FitAll(kind == ScoreKind.Combined ? validationCombined : validationParts.Of(kind), kind.Name(), Notes));
        return validationCombined;
    }

    /// <summary>
    /// Refuses, before any training, data that cannot give a model: the latent Mahalanobis model needs two training
    /// windows (or sequences), the thresholds need a validation one, and a series must be longer than the window.
    /// </summary>
    private void CheckEnoughData(SequenceSet train, SequenceSet validation, int[] lengths)
    {
        if (model.Window > 0 && train.Count == 1 && lengths[0] < model.Window)
        {
            throw new ArgumentException($"The training part has {lengths[0]} rows, fewer than the window of {model.Window}; use a smaller --window or more data.");
        }

        var windows = model.Window > 0 ? lengths.Sum(n => SlidingWindows.Starts(n, model.Window, TrainStride).LongCount()) : train.Count;
        if (windows < 2)
        {
            throw new ArgumentException(model.Window > 0
                ? $"The training data give {windows} window of {model.Window} steps; at least 2 are needed. Use a smaller --window or more data."
                : $"The training data hold {train.Count} sequence; at least 2 are needed.");
        }

        if (validation.Count == 0 || validation.TotalSteps == 0)
        {
            throw new ArgumentException("The validation data are empty; thresholds are fitted on them. Give more data or a larger validation split.");
        }
    }

    /// <summary>The set name of per-step errors in <see cref="DetectorBase.ThresholdNotes"/>.</summary>
    internal const string StepSet = "step";

    /// <summary>The set name of single windows' <paramref name="kind"/> scores in <see cref="DetectorBase.ThresholdNotes"/>.</summary>
    internal static string WindowSet(ScoreKind kind) => $"window/{kind.Name()}";

    private string RunKey(SequenceSet fitTrain, SequenceSet fitValidation)
    {
        var settings = System.Text.Json.JsonSerializer.Serialize(new { model, training, scoring.WindowStride, Data = DataFingerprint.Of(fitTrain, fitValidation) });
        return "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(settings)));
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            network?.Dispose();
            network = null;
        }
    }

    private int TrainStride => training.WindowStride > 0 ? training.WindowStride : Math.Max(1, model.Window / 4);

    private int ScoreStride => scoring.WindowStride > 0 ? scoring.WindowStride : Math.Max(1, model.Window / 4);

    private SequenceScores ScoreScaled(GruVae net, SequenceSet scaled) => model.Window > 0
        ? GruVaeScorer.ScoreWindows(net, scaled, model.Window, ScoreStride, scoring.Aggregate, scoring.McSamples, model.Seed, scoring.BatchSize, Latent)
        : GruVaeScorer.Score(net, scaled, scoring.McSamples, model.Seed, scoring.BatchSize, Latent);

    private void CheckChannels(SequenceSet data)
    {
        if (!data.ChannelNames.SequenceEqual(Channels))
        {
            var problem = $"The data's channels [{IO.Messages.List(data.ChannelNames)}] differ from the model's [{IO.Messages.List(Channels)}]; expected the same names in the same order.";
            throw data.Source is null ? new ArgumentException(problem) : new DataFormatException(data.Source, 1, null, problem);
        }
    }

    private void CheckLengths(SequenceSet data)
    {
        var (min, max) = AcceptedLengths;
        foreach (var s in data.Sequences)
        {
            var length = s.LengthFor(data.Channels);
            if (length >= min && (max is null || length <= max))
            {
                continue;
            }

            var accepted = max is null ? $"at least {min} steps" : $"{min} to {max} steps";
            var why = model.Window > 0
                ? $"it reads windows of {model.Window} steps"
                : $"it was trained on {LengthRange.Min} to {LengthRange.Max} steps; train a windowed model (--window) for other lengths";
            var problem = $"sequence '{s.Id}' has {length} steps; this model accepts {accepted} ({why})";
            throw data.Source is null ? new ArgumentException(problem) : new DataFormatException(data.Source, s.Line, SequenceCsvReader.TimeColumn, problem);
        }
    }

    private (GruVae Network, Standardizer Scaler, ScoreCombiner Combiner) Fitted() =>
        network is not null && Scaler is not null && Combiner is not null
            ? (network, Scaler, Combiner)
            : throw new InvalidOperationException("Fit or load the detector first.");
}
