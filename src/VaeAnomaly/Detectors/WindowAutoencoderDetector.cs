using VaeAnomaly.Data;
using VaeAnomaly.Models;
using VaeAnomaly.Persistence;
using VaeAnomaly.Scoring;
using VaeAnomaly.Thresholds;
using VaeAnomaly.Training;
using static TorchSharp.torch;

namespace VaeAnomaly.Detectors;

/// <summary>
/// A baseline autoencoder (dense, LSTM or convolutional; the dense one optionally a VAE) trained on fixed-length
/// windows cut from z-scored sequences, the protocol of the default GRU-VAE: a sequence's score is the mean
/// squared reconstruction error of its worst window. Sequences shorter than a window are refused.
/// </summary>
/// <param name="family"><see cref="Dense"/>, <see cref="Lstm"/> or <see cref="Conv"/>.</param>
/// <param name="options">Widths (<see cref="DenseOptions.Hidden"/>: dense units, LSTM units, or the two conv filter counts) and training settings.</param>
/// <param name="window">Window length (a multiple of 4 for the convolutional model).</param>
/// <param name="trainStride">Steps between training windows.</param>
/// <param name="scoreStride">Steps between scored windows.</param>
/// <param name="rule">Threshold rule; the 0.99 quantile of validation scores by default.</param>
public sealed class WindowAutoencoderDetector(string family, DenseOptions options, int window = 32, int trainStride = 16, int scoreStride = 8, IThresholdRule? rule = null)
    : DetectorBase(rule ?? new QuantileThreshold()), IScoresPoints, IReconstructsSeries, IReconstructs
{
    /// <summary>Flattened windows through <see cref="DenseNetwork"/>.</summary>
    public const string Dense = WindowNetworks.Dense;

    /// <summary><see cref="LstmAutoencoder"/>.</summary>
    public const string Lstm = WindowNetworks.Lstm;

    /// <summary><see cref="ConvAutoencoder"/>.</summary>
    public const string Conv = WindowNetworks.Conv;

    private nn.Module<Tensor, VaeOutput>? network;
    private Standardizer? scaler;
    private IReadOnlyList<string> channels = [];

    /// <inheritdoc />
    public override string Name => options.Variational ? "dense-vae" : $"{family}-ae";

    /// <summary>Sizes and training settings.</summary>
    public DenseOptions Options => options;

    /// <inheritdoc />
    public override IReadOnlyList<EpochReport> History => history;

    private IReadOnlyList<EpochReport> history = [];

    /// <summary>Channel names in model order.</summary>
    public IReadOnlyList<string> Channels => channels;

    /// <summary>Steps per window.</summary>
    public int Window => window;

    /// <summary>What the model was trained on; null before fitting.</summary>
    public TrainingDataInfo? TrainingData { get; private set; }

    /// <summary>
    /// Rule name to threshold of a window's score (mean squared error over its steps and channels), fitted on the
    /// validation windows at the score stride; null for a bundle written before baselines scored series.
    /// </summary>
    public IReadOnlyDictionary<string, double>? WindowThresholds { get; private set; }

    /// <summary>Rule name to threshold of one step's squared error (mean over channels), fitted on the validation windows' steps; null as above.</summary>
    public IReadOnlyDictionary<string, double>? StepThresholds { get; private set; }

    /// <inheritdoc />
    public override void Save(string directory)
    {
        var net = network ?? throw new InvalidOperationException("Fit the detector first.");
        DetectorFiles.Save(directory, this, net, (BaselineInput.Windows, family, window, trainStride, scoreStride), options, channels, scaler, null, TrainingData, (WindowThresholds, StepThresholds));
    }

    /// <summary>The set name of window scores in <see cref="DetectorBase.ThresholdNotes"/>.</summary>
    internal const string WindowSet = "window";

    /// <summary>Rebuilds a saved detector (see <see cref="DetectorFiles.Load"/>).</summary>
    internal static WindowAutoencoderDetector Restore(BaselineManifest manifest, string directory, IThresholdRule rule)
    {
        if (manifest.Scaler is null || manifest.Length < 1 || manifest.ScoreStride < 1 || manifest.Family is not (Dense or Lstm or Conv))
        {
            throw new BundleException(directory, "model.json is inconsistent: a window model needs a scaler, a window, a score stride and a family of dense, lstm or conv");
        }

        var detector = new WindowAutoencoderDetector(manifest.Family, manifest.Options, manifest.Length, manifest.TrainStride, manifest.ScoreStride, rule)
        {
            scaler = manifest.Scaler,
            channels = manifest.Channels,
            TrainingData = manifest.TrainingData,
            WindowThresholds = manifest.WindowThresholds,
            StepThresholds = manifest.StepThresholds,
            history = DetectorFiles.History(directory),
        };
        var net = Seeding.Build(manifest.Options.Seed, detector.Build);
        WeightsFile.Load(net, directory, manifest.Weights);
        detector.network = net;
        return detector;
    }


    /// <inheritdoc />
    public override float[] Score(SequenceSet data)
    {
        if (network is null || scaler is null)
        {
            throw new InvalidOperationException("Fit the detector first.");
        }

        if (!data.ChannelNames.SequenceEqual(channels))
        {
            throw new ArgumentException($"The data's channels [{IO.Messages.List(data.ChannelNames)}] differ from the model's [{IO.Messages.List(channels)}].");
        }

        var cut = Windows(scaler.Transform(data), scoreStride);
        using var x = Tensor(cut.Windows);
        var errors = AutoencoderTrainer.SquaredErrors(network, x);
        var scores = Enumerable.Repeat(float.NegativeInfinity, data.Count).ToArray();
        for (var w = 0; w < errors.Length; w++)
        {
            scores[cut.Owner[w]] = Math.Max(scores[cut.Owner[w]], errors[w] / (window * channels.Count));
        }

        return scores;
    }

    /// <inheritdoc />
    protected override float[] FitCore(SequenceSet train, SequenceSet validation, IProgress<EpochReport>? progress, CancellationToken ct)
    {
        channels = train.ChannelNames;
        scaler = Standardizer.Fit(train, options.Scaler);
        TrainingData = DetectorFiles.Describe(train, validation);
        using var trainX = Tensor(Windows(scaler.Transform(train), trainStride).Windows);
        using var validationX = Tensor(Windows(scaler.Transform(validation), trainStride).Windows);
        network?.Dispose();
        network = Seeding.Build(options.Seed, Build);
        Seeding.Apply(options.Seed);
        history = new AutoencoderTrainer(options).Fit(network, trainX, validationX, progress, ct);
        var validationWindows = Windows(scaler.Transform(validation), scoreStride).Windows;
        var (windowScores, stepErrors) = WindowErrors(validationWindows);
        WindowThresholds = ThresholdRules.FitAll(windowScores, WindowSet, Notes);
        StepThresholds = ThresholdRules.FitAll(stepErrors, GruVaeDetector.StepSet, Notes);
        return Score(validation);
    }

    /// <summary>
    /// Scores every point of one long sequence (a series) from its windows, streaming a chunk of windows at a time
    /// (<see cref="WindowedSeriesScorer"/>): <see cref="PointScoreMode.Step"/> averages each step's squared error (mean
    /// over channels) over the windows covering it; the other modes fold the window scores (mean squared error).
    /// </summary>
    /// <param name="series">One unscaled sequence with the training channels, at least one window long.</param>
    /// <param name="request">Mode, rule, stride and chunk; a window model has one score, so the kind stays the default.</param>
    /// <param name="progress">Reports windows scored so far.</param>
    public SeriesPointScores ScorePoints(SequenceSet series, PointScoreRequest request, IProgress<int>? progress = null)
    {
        if (request.Kind != ScoreKind.Combined)
        {
            throw new ArgumentException($"A {Name} has one score, its reconstruction error; the GRU-VAE's score kinds do not apply.", nameof(request));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(request.Stride);
        var scaled = SeriesWindows(series, request.Chunk);
        var mode = request.Mode;
        var thresholds = (mode == PointScoreMode.Step ? StepThresholds : WindowThresholds)
            ?? throw new InvalidOperationException($"This {Name} bundle has no point thresholds (written before baselines scored series); train it again.");
        var threshold = ThresholdRules.Lookup(thresholds, request.Rule ?? Rule.Name, mode == PointScoreMode.Step ? GruVaeDetector.StepSet : WindowSet, ThresholdNotes);
        var (scores, firstScored, count) = WindowedSeriesScorer.Score(
            scaled, window, request.Stride > 0 ? request.Stride : scoreStride, mode, request.Chunk,
            (_, windows) =>
            {
                var (windowScores, steps) = WindowErrors(windows);
                return new WindowedSeriesScorer.ChunkScores(windowScores, steps);
            },
            progress);
        return new SeriesPointScores(scores, threshold, firstScored, count);
    }

    /// <inheritdoc />
    float[] IReconstructsSeries.ReconstructSeries(SequenceSet series) => ReconstructSeries(series);

    /// <summary>
    /// One reconstruction per sequence in the data's units: a sequence of exactly one window is reconstructed whole (in
    /// batches of 4,096), a longer one as <see cref="ReconstructSeries"/> does, each step the mean over its windows.
    /// </summary>
    /// <param name="data">Unscaled sequences with the training channels, each at least one window long.</param>
    public float[][] Reconstruct(SequenceSet data)
    {
        var fitted = scaler ?? throw new InvalidOperationException("Fit the detector first.");
        if (!data.ChannelNames.SequenceEqual(channels))
        {
            throw new ArgumentException($"The data's channels [{IO.Messages.List(data.ChannelNames)}] differ from the model's [{IO.Messages.List(channels)}].");
        }

        var result = new float[data.Count][];
        var whole = Enumerable.Range(0, data.Count).Where(i => data.LengthOf(i) == window).ToArray();
        var c = channels.Count;
        foreach (var part in whole.Chunk(4096))
        {
            var reconstruction = ReconstructScaled(fitted.Transform(data.Subset(part)));
            for (var k = 0; k < part.Length; k++)
            {
                result[part[k]] = [.. reconstruction.AsSpan(k * window * c, window * c).ToArray().Select((v, i) => (float)((v * fitted.Std[i % c]) + fitted.Mean[i % c]))];
            }
        }

        foreach (var i in Enumerable.Range(0, data.Count).Except(whole))
        {
            result[i] = ReconstructSeries(data.Subset([i]));
        }

        return result;
    }

    /// <summary>The series as the model reconstructs it, in the data's units: each step the mean over the windows (score stride) covering it.</summary>
    /// <param name="series">One unscaled sequence with the training channels, at least one window long.</param>
    /// <param name="chunk">Windows reconstructed at a time.</param>
    /// <returns>Row-major (time, channels).</returns>
    public float[] ReconstructSeries(SequenceSet series, int chunk = 4096)
    {
        var scaled = SeriesWindows(series, chunk);
        var c = channels.Count;
        var length = scaled.LengthOf(0);
        var sums = new double[length * c];
        var counts = new int[length];
        foreach (var (_, part, windows) in WindowedSeriesScorer.Chunks(scaled, WindowedSeriesScorer.Starts(scaled, window, scoreStride), window, chunk))
        {
            var reconstruction = ReconstructScaled(windows);
            for (var k = 0; k < part.Length; k++)
            {
                for (var t = 0; t < window; t++)
                {
                    counts[part[k] + t]++;
                    for (var j = 0; j < c; j++)
                    {
                        sums[((part[k] + t) * c) + j] += reconstruction[(((k * window) + t) * c) + j];
                    }
                }
            }
        }

        var result = new float[length * c];
        for (var t = 0; t < length; t++)
        {
            for (var j = 0; j < c; j++)
            {
                // Back from the scaler's units: x = z * std + mean.
                result[(t * c) + j] = (float)((sums[(t * c) + j] / Math.Max(1, counts[t]) * scaler!.Std[j]) + scaler.Mean[j]);
            }
        }

        return result;
    }

    private SequenceSet SeriesWindows(SequenceSet series, int chunk)
    {
        if (network is null || scaler is null)
        {
            throw new InvalidOperationException("Fit the detector first.");
        }

        if (series.Count != 1)
        {
            throw new ArgumentException($"Point scores are for one series; got {series.Count} sequences.", nameof(series));
        }

        if (!series.ChannelNames.SequenceEqual(channels))
        {
            throw new ArgumentException($"The data's channels [{IO.Messages.List(series.ChannelNames)}] differ from the model's [{IO.Messages.List(channels)}].");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(chunk, 1);
        if (series.LengthOf(0) < window)
        {
            throw new ArgumentException($"The series has {series.LengthOf(0)} steps; the {Name} reads windows of {window}.");
        }

        return scaler.Transform(series);
    }

    /// <summary>Per window its score (mean squared error over steps and channels), and per window and step the squared error averaged over channels, row-major (window, step).</summary>
    private (float[] Scores, float[] Steps) WindowErrors(SequenceSet windows)
    {
        var reconstruction = ReconstructScaled(windows);
        var c = channels.Count;
        var scores = new float[windows.Count];
        var steps = new float[windows.Count * window];
        for (var k = 0; k < windows.Count; k++)
        {
            var x = windows.Sequences[k].Values;
            double total = 0;
            for (var t = 0; t < window; t++)
            {
                double step = 0;
                for (var j = 0; j < c; j++)
                {
                    var d = (double)reconstruction[(((k * window) + t) * c) + j] - x[(t * c) + j];
                    step += d * d;
                }

                steps[(k * window) + t] = (float)(step / c);
                total += step;
            }

            scores[k] = (float)(total / (window * c));
        }

        return (scores, steps);
    }

    /// <summary>The network's reconstructions of scaled windows of exactly <see cref="Window"/> steps, row-major (window, step, channel).</summary>
    private float[] ReconstructScaled(SequenceSet windows)
    {
        var net = network ?? throw new InvalidOperationException("Fit the detector first.");
        net.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope(); // frees the input, the output and every intermediate tensor
        return net.call(Tensor(windows)).Reconstruction.data<float>().ToArray();
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

    private nn.Module<Tensor, VaeOutput> Build()
    {
        options.ValidateSize((long)window * channels.Count); // before any weight is allocated
        return WindowNetworks.Create(family, options, window, channels.Count);
    }

    private SlidingWindows Windows(SequenceSet scaled, int stride)
    {
        for (var i = 0; i < scaled.Count; i++)
        {
            if (scaled.LengthOf(i) < window)
            {
                throw new ArgumentException($"Sequence '{scaled.Sequences[i].Id}' has {scaled.LengthOf(i)} steps; the {Name} reads windows of {window}.");
            }
        }

        return SlidingWindows.Cut(scaled, window, stride);
    }

    private Tensor Tensor(SequenceSet windows)
    {
        var values = new float[windows.Count * window * channels.Count];
        for (var i = 0; i < windows.Count; i++)
        {
            windows.Sequences[i].Values.CopyTo(values, i * window * channels.Count);
        }

        return tensor(values, [windows.Count, window, channels.Count]);
    }
}
