using VaeAnomaly.Data;
using VaeAnomaly.Evaluation;
using VaeAnomaly.Models;
using VaeAnomaly.Performance;
using VaeAnomaly.Persistence;
using VaeAnomaly.Reporting;
using VaeAnomaly.Scoring;
using VaeAnomaly.Thresholds;
using VaeAnomaly.Training;

namespace VaeAnomaly.Detectors;

/// <summary>The GRU-VAE's estimator: scales, trains, fits the score calibrations and every threshold, and returns a <see cref="GruVaeDetector"/>.</summary>
/// <param name="model">Architecture and beta (<see cref="GruVaeOptions.Channels"/> is taken from the data).</param>
/// <param name="training">Optimisation.</param>
/// <param name="scoring">Score combination.</param>
/// <param name="threshold">The rule the fitted model flags with; every rule is fitted.</param>
public sealed class GruVaeEstimator(GruVaeOptions model, TrainerOptions training, ScoringOptions scoring, string threshold = "quantile") : IDetectorEstimator
{
    /// <summary>An estimator of a named configuration.</summary>
    /// <param name="configuration">e.g. <see cref="GruVaeConfiguration.Default"/>.</param>
    public GruVaeEstimator(GruVaeConfiguration configuration)
        : this(configuration.Model, configuration.Training, configuration.Scoring)
    {
    }

    /// <inheritdoc />
    public string Name => GruVaeDetector.ModelName;

    /// <inheritdoc />
    public int Epochs => training.Epochs;

    /// <summary>Where training saves its state after every epoch, and whether the fit resumes from it; null saves nothing.</summary>
    public TrainingCheckpoint? Checkpoint { get; init; }

    /// <summary>
    /// The columns whose errors make the reconstruction (and so the default combined) score and the per-step errors; every
    /// column stays an input. Null for all. The KL, latent and likelihood scores and the per-channel errors keep every column.
    /// </summary>
    public IReadOnlyList<string>? Targets { get; init; }

    private int TrainStride => training.WindowStride > 0 ? training.WindowStride : Math.Max(1, model.Window / 4);

    /// <inheritdoc />
    IFittedDetector IDetectorEstimator.Fit(SequenceSet train, SequenceSet validation, IProgress<EpochReport>? progress, CancellationToken ct) => Fit(train, validation, progress, ct);

    /// <summary>Fits the GRU-VAE; see <see cref="IDetectorEstimator.Fit"/>.</summary>
    /// <param name="train">Unscaled training sequences.</param>
    /// <param name="validation">Unscaled normal validation sequences.</param>
    /// <param name="progress">Receives one report per epoch.</param>
    /// <param name="ct">Stops training between batches.</param>
    public GruVaeDetector Fit(SequenceSet train, SequenceSet validation, IProgress<EpochReport>? progress = null, CancellationToken ct = default)
    {
        var options = Check(train, validation);
        var scaler = Standardizer.Fit(train, options.Scaler);
        return Trained(Seeding.Build(options.Seed, () => new GruVae(options)), scaler, train, validation, progress, ct);
    }

    /// <summary>
    /// Trains <paramref name="network"/> (a copy of a fitted model's, to train further) on data scaled by the model's own
    /// <paramref name="scaler"/>, and fits the score calibrations and every threshold anew; disposes the network when
    /// anything fails.
    /// </summary>
    internal GruVaeDetector Tune(GruVae network, Standardizer scaler, SequenceSet train, SequenceSet validation, CancellationToken ct)
    {
        try
        {
            _ = Check(train, validation);
        }
        catch
        {
            network.Dispose();
            throw;
        }

        return Trained(network, scaler, train, validation, null, ct);
    }

    /// <summary>The architecture for this data, once the data are seen to give a model (else an <see cref="ArgumentException"/>).</summary>
    private GruVaeOptions Check(SequenceSet train, SequenceSet validation)
    {
        if (validation.Channels != train.Channels || !validation.ChannelNames.SequenceEqual(train.ChannelNames))
        {
            throw new ArgumentException($"Validation channels [{IO.Messages.List(validation.ChannelNames)}] differ from training channels [{IO.Messages.List(train.ChannelNames)}].", nameof(validation));
        }

        _ = ThresholdRules.Create(threshold);
        _ = Targets is null ? null : WatchedColumns.Indices(train.ChannelNames, Targets);
        CheckEnoughData(train, validation, [.. Enumerable.Range(0, train.Count).Select(train.LengthOf)]);
        return model with { Channels = train.Channels };
    }

    private GruVaeDetector Trained(GruVae network, Standardizer scaler, SequenceSet train, SequenceSet validation, IProgress<EpochReport>? progress, CancellationToken ct)
    {
        var options = model with { Channels = train.Channels };
        var watched = Targets is null ? null : WatchedColumns.Indices(train.ChannelNames, Targets);
        var lengths = Enumerable.Range(0, train.Count).Select(train.LengthOf).ToArray();
        try
        {
            var scaledTrain = scaler.Transform(train);
            var scaledValidation = scaler.Transform(validation);
            var (fitTrain, fitValidation) = options.Window > 0
                ? (SlidingWindows.Cut(scaledTrain, options.Window, TrainStride).Windows, SlidingWindows.Cut(scaledValidation, options.Window, TrainStride).Windows)
                : (scaledTrain, scaledValidation);
            if (options.Window > 0)
            {
                BatchBudget.Check(training.BatchSize, fitTrain.Count, options.Window);
            }

            var session = Checkpoint is null ? null : Checkpoint with { RunKey = RunKey(options, fitTrain, fitValidation) };
            var history = new Trainer(training, session).Fit(network, options.Beta, fitTrain, fitValidation, progress, ct);

            // The Gaussian decoder's variance per channel is the validation mean squared error (its maximum-
            // likelihood value for the fixed decoder mean); the Mahalanobis model is fitted on training posterior means.
            var validationUnits = GruVaeScorer.Score(network, fitValidation, 0, options.Seed, scoring.BatchSize);
            var variance = Enumerable.Range(0, train.Channels).Select(ch => Math.Max(1e-6, validationUnits.ChannelErrors.Average(e => (double)e[ch]))).ToArray();
            var trainingMeans = GruVaeScorer.Score(network, fitTrain, 0, options.Seed, scoring.BatchSize).LatentMeans;
            var latent = new LatentScoring(variance, MahalanobisModel.Fit(trainingMeans), scoring.ImportanceSamples);
            var usage = LatentUsage.Compute(validationUnits.LatentMeans, validationUnits.LatentLogVars);

            // Every score the model gives, on normal validation data: the thresholds of all of them are fitted at once.
            var (validationScores, combiner, windowCombiner, windowCount) = GruVaeDetector.ThresholdScoresOf(network, scaledValidation, (options, scoring, latent, watched), null);
            var thresholds = ThresholdSet.Fit(validationScores, threshold, ScoreKind.Combined.Name());
            var windows = windowCombiner is null
                ? null
                : new WindowScoring(windowCombiner, ScoreKinds.All.ToDictionary(kind => kind.Name(), kind => thresholds.Of(GruVaeDetector.WindowSet(kind))), windowCount);
            return new GruVaeDetector(
                network,
                new GruVaeDetector.Parts(options, training, scoring, scaler, combiner, latent, usage, windows, train.ChannelNames, (lengths.Min(), lengths.Max()),
                    new TrainingDataInfo(train.Count, train.TotalSteps, validation.Count, validation.TotalSteps, DataFingerprint.Of(train, validation)), Targets),
                thresholds,
                history);
        }
        catch
        {
            network.Dispose();
            throw;
        }
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
                : $"The training data hold {train.Count} sequence; at least 2 are needed (a time series is one long sequence: train it with windows, --window W).");
        }

        if (validation.Count == 0 || validation.TotalSteps == 0)
        {
            throw new ArgumentException("The validation data are empty; thresholds are fitted on them. Give more data or a larger validation split.");
        }
    }

    private string RunKey(GruVaeOptions options, SequenceSet fitTrain, SequenceSet fitValidation)
    {
        var settings = System.Text.Json.JsonSerializer.Serialize(new { model = options, training, scoring.WindowStride, Data = DataFingerprint.Of(fitTrain, fitValidation) });
        return "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(settings)));
    }
}

/// <summary>
/// A fitted GRU-VAE (<see cref="GruVaeEstimator"/>, or a loaded bundle): scores every kind, scores points of a series,
/// reconstructs, and saves. Every part is there from construction; only <see cref="Recalibrate"/> replaces its thresholds.
/// </summary>
public sealed class GruVaeDetector : IFittedDetector, IScoresPoints, IScoresKinds, IReconstructsSeries, IReconstructs, IFineTunes, IExplainsPoints, IRecalibrates
{
    /// <summary>The name used on the command line and in bundles.</summary>
    public const string ModelName = "gru-vae";

    /// <summary>The registry's entry: settings are applied over a named configuration (<see cref="DetectorSettings.Variant"/>, <c>default</c> when not given).</summary>
    public static DetectorEntry Entry { get; } = new(
        ModelName,
        "GRU encoder-decoder VAE on 32-step windows (the default configuration)",
        new HashSet<string>(DetectorSettings.Names.Except(["records", "period"])),
        [],
        Create,
        Load);

    // A loaded bundle reads its weights into arrays and scores them with the fused kernels without starting libtorch;
    // the libtorch model is built from them only for what needs it (sampled scores, reconstructions, saving).
    private readonly Lazy<GruVae> network;
    private readonly Lazy<GruVaeWeights> weights;
    private Parts fitted;
    private IGruVaeForward? forward;

    /// <summary>What a fit produces besides the network and thresholds.</summary>
    internal sealed record Parts(
        GruVaeOptions Model, TrainerOptions Training, ScoringOptions Scoring, Standardizer Scaler, ScoreCombiner Combiner, LatentScoring Latent,
        LatentUsage Usage, WindowScoring? Windows, IReadOnlyList<string> Channels, (int Min, int Max) Lengths, TrainingDataInfo TrainingData, IReadOnlyList<string>? Targets)
    {
        /// <summary>The indices of the watched columns, or null for all.</summary>
        public int[]? Watched { get; } = Targets is null ? null : WatchedColumns.Indices(Channels, Targets);
    }

    internal GruVaeDetector(GruVae network, Parts parts, ThresholdSet thresholds, IReadOnlyList<EpochReport> history)
        : this(new Lazy<GruVae>(network), parts, thresholds, history)
    {
    }

    private GruVaeDetector(GruVaeWeights weights, Parts parts, ThresholdSet thresholds, IReadOnlyList<EpochReport> history)
        : this(new Lazy<GruVae>(() => Restore(parts.Model, weights)), parts, thresholds, history, weights)
    {
    }

    private GruVaeDetector(Lazy<GruVae> network, Parts parts, ThresholdSet thresholds, IReadOnlyList<EpochReport> history, GruVaeWeights? weights = null)
    {
        this.network = network;
        this.weights = weights is null ? new Lazy<GruVaeWeights>(() => GruVaeWeights.Of(network.Value)) : new Lazy<GruVaeWeights>(weights);
        fitted = parts;
        Thresholds = thresholds;
        History = history;
    }

    /// <inheritdoc />
    public string Name => ModelName;

    /// <summary>Copies of the trained weights (for an exporter: see the VaeAnomaly.Onnx library).</summary>
    internal GruVaeWeights Weights => weights.Value;

    /// <summary>The indices of the watched columns, or null for all.</summary>
    internal int[]? Watched => fitted.Watched;

    /// <summary>How scores are made (sampling, combination, strides).</summary>
    internal ScoringOptions ScoringOptions => fitted.Scoring;

    /// <summary>The engine of the posterior-mean pass every score is made from: <c>fused</c> (the C# kernels) unless another was attached.</summary>
    public string Engine => forward?.Engine ?? "fused";

    /// <summary>
    /// Scores through <paramref name="engine"/> from now on (ONNX Runtime: see the VaeAnomaly.Onnx library); the detector
    /// disposes it. Scores that sample the decoder (ELBO, importance-sampled likelihood, Monte Carlo reconstruction) are then refused.
    /// </summary>
    /// <param name="engine">A pass computing this model's posterior mean, log-variance and reconstruction.</param>
    internal void UseForward(IGruVaeForward engine)
    {
        forward?.Dispose();
        forward = engine;
    }

    /// <summary>Architecture, beta and seed (channels filled in).</summary>
    public GruVaeOptions Options => fitted.Model;

    /// <summary>The scaler fitted on the training split.</summary>
    public Standardizer Scaler => fitted.Scaler;

    /// <summary>Decoder variance and the distribution of training posterior means, for the latent and likelihood scores.</summary>
    public LatentScoring Latent => fitted.Latent;

    /// <inheritdoc />
    public LatentUsage ValidationLatentUsage => fitted.Usage;

    /// <summary>The combiner fitted on validation scores.</summary>
    public ScoreCombiner Combiner => fitted.Combiner;

    /// <inheritdoc />
    public IReadOnlyList<EpochReport> History { get; }

    /// <inheritdoc />
    public ThresholdSet Thresholds { get; private set; }

    /// <inheritdoc />
    public IReadOnlyList<KeyValuePair<string, IReadOnlyList<float>>> ThresholdScores(SequenceSet normal, CancellationToken ct = default)
    {
        CheckChannels(normal);
        ct.ThrowIfCancellationRequested();
        return ThresholdScoresOf(network.Value, fitted.Scaler.Transform(normal), (fitted.Model, fitted.Scoring, fitted.Latent, fitted.Watched), (fitted.Combiner, fitted.Windows?.Combiner)).Scores;
    }

    /// <inheritdoc />
    public void Recalibrate(ThresholdSet thresholds, CalibrationInfo calibration)
    {
        Thresholds = thresholds;
        fitted = fitted with
        {
            Windows = fitted.Windows is { } windows ? windows with { Thresholds = ScoreKinds.All.ToDictionary(kind => kind.Name(), kind => thresholds.Of(WindowSet(kind))) } : null,
            TrainingData = fitted.TrainingData with { Calibration = calibration },
        };
    }

    /// <summary>
    /// Every score the thresholds are fitted on, of <paramref name="scaled"/> data: each score kind of the sequences, the
    /// step errors and, for a windowed model, each kind of the windows, combined by <paramref name="combiners"/> (those
    /// fitted in training) or, when null, by combiners fitted on these scores, which are returned with them.
    /// </summary>
    internal static (List<KeyValuePair<string, IReadOnlyList<float>>> Scores, ScoreCombiner Combiner, ScoreCombiner? WindowCombiner, int Windows) ThresholdScoresOf(
        GruVae network, SequenceSet scaled, (GruVaeOptions Options, ScoringOptions Scoring, LatentScoring Latent, int[]? Watched) model, (ScoreCombiner Sequence, ScoreCombiner? Window)? combiners)
    {
        var (options, scoring, latent, watched) = model;
        var scores = new List<KeyValuePair<string, IReadOnlyList<float>>>();
        SequenceScores parts;
        ScoreCombiner? windowCombiner = null;
        var windowCount = 0;
        if (options.Window > 0)
        {
            var cut = SlidingWindows.Cut(scaled, options.Window, ScoreStrideOf(options, scoring));
            var windowParts = GruVaeScorer.Score(network, cut.Windows, scoring.McSamples, options.Seed, scoring.BatchSize, latent, watched);
            parts = GruVaeScorer.Aggregate(scaled, cut, windowParts, scoring.Aggregate);
            windowCombiner = combiners is { } given ? given.Window : ScoreCombiner.Fit(windowParts, scoring.Lambda, scoring.Combine);
            windowCount = cut.Windows.Count;
            if (windowCombiner is not null)
            {
                var windowCombined = windowCombiner.Combine(windowParts);
                scores.AddRange(ScoreKinds.All.Select(kind =>
                    new KeyValuePair<string, IReadOnlyList<float>>(WindowSet(kind), kind == ScoreKind.Combined ? windowCombined : windowParts.Of(kind))));
            }
        }
        else
        {
            parts = ScoreScaled(network, scaled, options, scoring, latent, watched);
        }

        var combiner = combiners?.Sequence ?? ScoreCombiner.Fit(parts, scoring.Lambda, scoring.Combine);
        var combined = combiner.Combine(parts);
        scores.Add(new(StepSet, parts.StepErrors.SelectMany(e => e).ToArray()));
        scores.AddRange(ScoreKinds.All.Select(kind => new KeyValuePair<string, IReadOnlyList<float>>(kind.Name(), kind == ScoreKind.Combined ? combined : parts.Of(kind))));
        return (scores, combiner, windowCombiner, windowCount);
    }

    /// <summary>Combiner of single windows (windowed models), for point scores made from window scores; null for a whole-sequence model or an old bundle.</summary>
    public WindowScoring? WindowScoring => fitted.Windows;

    /// <inheritdoc />
    public IReadOnlyList<string> Channels => fitted.Channels;

    /// <inheritdoc />
    public IReadOnlyList<string> Watches => fitted.Watched is { } w ? [.. w.Select(i => fitted.Channels[i])] : fitted.Channels;

    /// <inheritdoc />
    public TrainingDataInfo TrainingData => fitted.TrainingData;

    /// <summary>Shortest and longest training sequence.</summary>
    public (int Min, int Max) LengthRange => fitted.Lengths;

    /// <summary>
    /// Sequence lengths the model scores. A windowed model reads any sequence at least as long as the shorter of
    /// its window and the shortest training sequence (shorter ones would be summarised after fewer steps than it
    /// ever saw); a whole-sequence model reads lengths within a factor of 2 of its training range, since its
    /// decoder was never asked to unroll further.
    /// </summary>
    public (int Min, int? Max) AcceptedLengths => fitted.Model.Window > 0
        ? (Math.Min(fitted.Model.Window, LengthRange.Min), null)
        : ((LengthRange.Min + 1) / 2, LengthRange.Max * 2);

    /// <inheritdoc />
    public Attribution Explain(SequenceSet rows)
    {
        // The reconstruction errors alone, as the point scores are computed (the fused kernels when they serve): the latent
        // scores ScoreAll adds would bring libtorch into a service's scoring path, at several times the cost.
        var window = ExplainedRows.Last(rows, Lookback, MinimumRows);
        CheckChannels(window);
        var pass = PassFor(latent: false);
        return Attribution.Of(rows.ChannelNames, ScoreScaled(pass is null ? network.Value : null, fitted.Scaler.Transform(window), fitted.Model, fitted.Scoring, null, fitted.Watched, pass), 0);
    }

    /// <inheritdoc />
    public DetectorScores ScoreAll(SequenceSet data)
    {
        CheckChannels(data);
        CheckLengths(data);
        var pass = PassFor(latent: true);
        var parts = ScoreScaled(pass is null ? network.Value : null, fitted.Scaler.Transform(data), fitted.Model, fitted.Scoring, fitted.Latent, fitted.Watched, pass);
        return new DetectorScores(parts, fitted.Combiner.Combine(parts));
    }

    /// <inheritdoc />
    public float[] Score(SequenceSet data) => ScoreAll(data).Combined;

    /// <summary>
    /// Scores every point of one long sequence (a series) from its windows, streaming a chunk of windows at a time
    /// (<see cref="WindowedSeriesScorer"/>). <see cref="PointScoreMode.Step"/> averages each step's reconstruction error
    /// over the windows covering it; the other modes fold the window score of <see cref="PointScoreRequest.Kind"/>.
    /// A whole-sequence model (no window) scores its steps in one pass, in step mode only.
    /// </summary>
    /// <param name="series">One unscaled sequence with the training channels.</param>
    /// <param name="request">Mode, rule, window score, stride and chunk.</param>
    /// <param name="progress">Reports windows scored so far.</param>
    /// <param name="ct">Observed before each chunk of windows.</param>
    public SeriesPointScores ScorePoints(SequenceSet series, PointScoreRequest request, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        if (series.Count != 1)
        {
            throw new ArgumentException($"Point scores are for one series; got {series.Count} sequences.", nameof(series));
        }

        CheckChannels(series);
        CheckLengths(series);
        ArgumentOutOfRangeException.ThrowIfNegative(request.Stride);
        var (mode, kind, rule) = (request.Mode, request.Kind, request.Rule);
        var model = fitted.Model;
        if (forward is not null && mode != PointScoreMode.Step && kind is ScoreKind.Elbo or ScoreKind.NllIs)
        {
            throw new ArgumentException($"The {forward.Engine} engine gives the posterior-mean scores (combined, reconstruction, kl, mahalanobis); {kind.Name()} samples the decoder. Use the default engine for it.");
        }

        if (model.Window == 0)
        {
            if (mode != PointScoreMode.Step)
            {
                throw new ArgumentException($"Point scores from window scores ({mode.Name()}) need a model trained on windows (--window); this one reads whole sequences.");
            }

            var steps = ScoreAll(series).Parts.StepErrors[0];
            return new SeriesPointScores(steps, Thresholds.Value(StepSet, rule), 0, 1);
        }

        var windows = mode == PointScoreMode.Step
            ? null
            : WindowScoring ?? throw new InvalidOperationException("This bundle has no window thresholds (written before point scores from windows existed); train it again to use last, mean or max.");
        var threshold = Thresholds.Value(windows is null ? StepSet : WindowSet(kind), rule);
        var scaled = fitted.Scaler.Transform(series);
        var needsLatent = windows is not null && kind is ScoreKind.Mahalanobis or ScoreKind.Elbo or ScoreKind.NllIs;
        var scoring = fitted.Scoring;
        var (scores, firstScored, count) = WindowedSeriesScorer.Score(
            scaled, Math.Min(model.Window, scaled.LengthOf(0)), request.StrideFor(ScoreStrideOf(model, scoring)), mode, request.Chunk,
            (first, set) =>
            {
                var pass = PassFor(needsLatent);
                var parts = GruVaeScorer.Score(pass is null ? network.Value : null, set, scoring.McSamples, model.Seed + first, scoring.BatchSize, needsLatent ? fitted.Latent : null, fitted.Watched, pass);
                return windows is null
                    ? new WindowedSeriesScorer.ChunkScores(null, [.. parts.StepErrors.SelectMany(e => e)])
                    : new WindowedSeriesScorer.ChunkScores(kind == ScoreKind.Combined ? windows.Combiner.Combine(parts) : parts.Of(kind), null);
            },
            progress,
            ct);
        return new SeriesPointScores(scores, threshold, firstScored, count);
    }

    /// <inheritdoc />
    public double PointThreshold(PointScoreRequest request) =>
        Thresholds.Value(request.Mode == PointScoreMode.Step || fitted.Model.Window == 0 ? StepSet : WindowSet(request.Kind), request.Rule);

    /// <inheritdoc />
    public int Lookback => fitted.Model.Window;

    /// <inheritdoc />
    public int Warmup => Math.Max(0, fitted.Model.Window - 1);

    /// <inheritdoc />
    public int MinimumRows => AcceptedLengths.Min;

    /// <summary>
    /// Trains a copy of the network <paramref name="epochs"/> more epochs with the model's optimiser settings, less its
    /// warm-ups (the KL weight and learning rate start at their full values: the model has been through them), on data
    /// scaled by the model's own scaler; the decoder variance, latent model, score combiner and every threshold are fitted
    /// again on the new data, as a fit fits them.
    /// </summary>
    /// <inheritdoc />
    public IFittedDetector FineTune(SequenceSet train, SequenceSet validation, int epochs, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        CheckChannels(train);
        var further = fitted.Training with { Epochs = epochs, KlWarmupEpochs = 0, LearningRateWarmupEpochs = 0 };
        var estimator = new GruVaeEstimator(fitted.Model, further, fitted.Scoring, Thresholds.Rule) { Targets = fitted.Targets };
        return estimator.Tune(Restore(fitted.Model, weights.Value), fitted.Scaler, train, validation, ct);
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
        CheckChannels(data);
        CheckLengths(data);
        var scaler = fitted.Scaler;
        var scaled = GruVaeScorer.Reconstruct(network.Value, scaler.Transform(data), indices, fitted.Model.Window, ScoreStrideOf(fitted.Model, fitted.Scoring));
        var c = data.Channels;
        return scaled.Select(r => r.Select((v, i) => (float)((v * scaler.Std[i % c]) + scaler.Mean[i % c])).ToArray()).ToArray();
    }

    /// <inheritdoc />
    public void Save(string directory)
    {
        DetectorBundle.EnsureEmptyFolder(directory);
        var weights = WeightsFile.Save(network.Value, directory);
        DetectorBundle.WriteManifest(new BundleManifest
        {
            FormatVersion = BundleManifest.CurrentFormatVersion,
            ToolVersion = DetectorBundle.ToolVersion,
            Model = ModelName,
            Seed = fitted.Model.Seed,
            Channels = Channels,
            MinLength = LengthRange.Min,
            MaxLength = LengthRange.Max,
            ModelOptions = fitted.Model,
            TrainerOptions = fitted.Training,
            Scoring = fitted.Scoring,
            Scaler = fitted.Scaler,
            Combiner = fitted.Combiner,
            Latent = fitted.Latent,
            ValidationLatentUsage = fitted.Usage,
            Thresholds = ScoreKinds.All.Where(k => Thresholds.Has(k.Name())).ToDictionary(k => k.Name(), k => Thresholds.Of(k.Name())),
            PointThresholds = Thresholds.Of(StepSet),
            Windows = WindowScoring,
            ThresholdNotes = Thresholds.NotesOrNull,
            DefaultThreshold = Thresholds.Rule,
            TrainingData = TrainingData,
            Targets = fitted.Targets,
            Weights = weights,
        }, directory);
        HistoryCsv.Write(History, Path.Combine(directory, DetectorBundle.HistoryFile));
    }

    /// <summary>Loads a bundle written by <see cref="Save"/>, checking it before any weights are read.</summary>
    /// <param name="directory">The bundle folder.</param>
    /// <param name="threshold">The threshold rule to flag with; the bundle's default when null.</param>
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

        if (manifest.Latent.DecoderVariance.Length != options.Channels || manifest.Latent.Mahalanobis.Mean.Length != options.Latent
            || manifest.Latent.Mahalanobis.Precision.Length != options.Latent * options.Latent)
        {
            throw new BundleException(directory, "model.json is inconsistent: the latent scoring parameters do not match the channels and latent size");
        }

        var sets = manifest.Thresholds.ToDictionary(kv => kv.Key, kv => kv.Value);
        sets[StepSet] = manifest.PointThresholds;
        foreach (var (kind, byRule) in manifest.Windows?.Thresholds ?? new Dictionary<string, IReadOnlyDictionary<string, double>>())
        {
            sets[$"window/{kind}"] = byRule;
        }

        var thresholds = new ThresholdSet(sets, manifest.ThresholdNotes, threshold ?? manifest.DefaultThreshold, ScoreKind.Combined.Name());
        if (manifest.Targets is { } targets)
        {
            try
            {
                _ = WatchedColumns.Indices(manifest.Channels, targets);
            }
            catch (ArgumentException e)
            {
                throw new BundleException(directory, $"model.json is inconsistent: {IO.Messages.Of(e)}");
            }
        }

        var history = DetectorFiles.History(directory);
        var state = WeightsFile.Read(directory, manifest.Weights, GruVaeWeights.Shapes(options));

        return new GruVaeDetector(
            GruVaeWeights.From(state, options.TimeFeatures),
            new Parts(options, manifest.TrainerOptions, manifest.Scoring, manifest.Scaler, manifest.Combiner, manifest.Latent, manifest.ValidationLatentUsage,
                manifest.Windows, manifest.Channels, (manifest.MinLength, manifest.MaxLength), manifest.TrainingData, manifest.Targets),
            thresholds,
            history);
    }

    /// <summary>The set name of per-step errors in <see cref="Thresholds"/>.</summary>
    internal const string StepSet = "step";

    /// <summary>The set name of single windows' <paramref name="kind"/> scores in <see cref="Thresholds"/>.</summary>
    internal static string WindowSet(ScoreKind kind) => $"window/{kind.Name()}";

    /// <inheritdoc />
    public void Dispose()
    {
        forward?.Dispose();
        if (network.IsValueCreated)
        {
            network.Value.Dispose();
        }
    }

    /// <summary>
    /// The posterior-mean pass of one scoring call: the attached engine's; else, when nothing is sampled (no Monte Carlo
    /// draws, no ELBO or likelihood) and the libtorch model was never built, the fused kernels on the weights (no libtorch);
    /// null for the libtorch model's path.
    /// </summary>
    /// <param name="latent">The call computes the latent scores (the ELBO and likelihood sample the decoder).</param>
    private IGruVaeForward? PassFor(bool latent)
    {
        if (forward is not null)
        {
            return forward;
        }

        var sampled = fitted.Scoring.McSamples > 0 || latent;
        return sampled || network.IsValueCreated ? null : FusedGruVae.From(weights.Value, Environment.ProcessorCount);
    }

    /// <summary>The libtorch model of <paramref name="weights"/>, for what needs it.</summary>
    private static GruVae Restore(GruVaeOptions options, GruVaeWeights weights)
    {
        var net = Seeding.Build(options.Seed, () => new GruVae(options));
        var state = weights.State();
        using var noGrad = TorchSharp.torch.no_grad();
        foreach (var (name, parameter) in net.named_parameters())
        {
            var stored = state[name];
            using var source = TorchSharp.torch.tensor(stored.Values, stored.Shape);
            parameter.copy_(source);
        }

        return net;
    }

    internal static int ScoreStrideOf(GruVaeOptions model, ScoringOptions scoring) => scoring.WindowStride > 0 ? scoring.WindowStride : Math.Max(1, model.Window / 4);

    internal static SequenceScores ScoreScaled(GruVae? net, SequenceSet scaled, GruVaeOptions model, ScoringOptions scoring, LatentScoring? latent, int[]? watched, IGruVaeForward? forward = null) => model.Window > 0
        ? GruVaeScorer.ScoreWindows(net, scaled, model.Window, ScoreStrideOf(model, scoring), scoring.Aggregate, scoring.McSamples, model.Seed, scoring.BatchSize, latent, watched, forward)
        : GruVaeScorer.Score(net, scaled, scoring.McSamples, model.Seed, scoring.BatchSize, latent, watched, forward);

    private static GruVaeEstimator Create(DetectorSettings s)
    {
        var c = GruVaeConfiguration.Resolve(s);
        return new GruVaeEstimator(c.Model, c.Training, c.Scoring, s.Threshold) { Checkpoint = s.Checkpoint, Targets = s.TargetColumns };
    }

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
            var why = fitted.Model.Window > 0
                ? $"it reads windows of {fitted.Model.Window} steps"
                : $"it was trained on {LengthRange.Min} to {LengthRange.Max} steps; train a windowed model (--window) for other lengths";
            var problem = $"sequence '{s.Id}' has {length} steps; this model accepts {accepted} ({why})";
            throw data.Source is null ? new ArgumentException(problem) : new DataFormatException(data.Source, s.Line, SequenceCsvReader.TimeColumn, problem);
        }
    }
}
