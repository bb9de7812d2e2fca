using VaeAnomaly.Data;
using VaeAnomaly.Models;
using VaeAnomaly.Performance;
using VaeAnomaly.Persistence;
using VaeAnomaly.Scoring;
using VaeAnomaly.Thresholds;
using VaeAnomaly.Training;
using static TorchSharp.torch;

namespace VaeAnomaly.Detectors;

/// <summary>
/// The estimator of a window autoencoder (dense, LSTM or convolutional; the dense one optionally a VAE) trained on
/// fixed-length windows cut from scaled sequences, the protocol of the default GRU-VAE.
/// </summary>
/// <param name="family"><see cref="WindowNetworks.Dense"/>, <see cref="WindowNetworks.Lstm"/> or <see cref="WindowNetworks.Conv"/>.</param>
/// <param name="options">Widths (<see cref="DenseOptions.Hidden"/>: dense units, LSTM units, or the two conv filter counts) and training settings.</param>
/// <param name="window">Window length (a multiple of 4 for the convolutional model).</param>
/// <param name="trainStride">Steps between training windows.</param>
/// <param name="scoreStride">Steps between scored windows.</param>
/// <param name="threshold">The rule the fitted model flags with; every rule is fitted.</param>
/// <param name="targets">The columns the scores measure (every column stays an input); null for all.</param>
public sealed class WindowAutoencoderEstimator(string family, DenseOptions options, int window = 32, int trainStride = 16, int scoreStride = 8, string threshold = "quantile", IReadOnlyList<string>? targets = null)
    : IDetectorEstimator
{
    /// <inheritdoc />
    public string Name => WindowAutoencoderDetector.NameOf(family, options);

    /// <inheritdoc />
    public int Epochs => options.Epochs;

    /// <inheritdoc />
    IFittedDetector IDetectorEstimator.Fit(SequenceSet train, SequenceSet validation, IProgress<EpochReport>? progress, CancellationToken ct) => Fit(train, validation, progress, ct);

    /// <summary>Fits the window autoencoder; see <see cref="IDetectorEstimator.Fit"/>.</summary>
    /// <param name="train">Unscaled training sequences, each at least one window long.</param>
    /// <param name="validation">Unscaled normal validation sequences, each at least one window long.</param>
    /// <param name="progress">Receives one report per epoch.</param>
    /// <param name="ct">Stops training between batches.</param>
    public WindowAutoencoderDetector Fit(SequenceSet train, SequenceSet validation, IProgress<EpochReport>? progress = null, CancellationToken ct = default)
    {
        _ = ThresholdRules.Create(threshold);
        var scaler = Standardizer.Fit(train, options.Scaler);
        var shape = new WindowAutoencoderDetector.Shape(family, options, window, trainStride, scoreStride, train.ChannelNames, targets);
        _ = shape.TargetIndices; // refuses a watched column that is not a column, before any training
        var trainingData = DetectorFiles.Describe(train, validation);
        using var trainX = shape.Tensor(shape.Windows(scaler.Transform(train), trainStride).Windows);
        using var validationX = shape.Tensor(shape.Windows(scaler.Transform(validation), trainStride).Windows);
        return WindowAutoencoderDetector.Trained(Seeding.Build(options.Seed, shape.Build), (shape, options), scaler, (trainX, validationX), validation, trainingData, threshold, progress, ct);
    }
}

/// <summary>
/// A fitted window autoencoder: a sequence's score is the mean squared reconstruction error of its worst window;
/// a series is scored per point from its windows. Sequences shorter than a window are refused.
/// </summary>
public sealed class WindowAutoencoderDetector : IFittedDetector, IScoresPoints, IReconstructsSeries, IReconstructs, IFineTunes, IExplainsPoints, IRecalibrates
{
    /// <summary>The settings every window model takes (first: the entries below are built from it).</summary>
    internal static IReadOnlyList<string> WindowSettings { get; } = ["variant", "epochs", "batch-size", "lr", "patience", "latent", "window", "train-stride", "score-stride", "scaler", "target-columns"];

    /// <summary>The LSTM autoencoder's entry.</summary>
    public static DetectorEntry LstmEntry { get; } = Entry(WindowNetworks.Lstm, "LSTM sequence-to-sequence autoencoder on 32-step windows");

    /// <summary>The convolutional autoencoder's entry.</summary>
    public static DetectorEntry ConvEntry { get; } = Entry(WindowNetworks.Conv, "Conv1d autoencoder (kernel 7, max-pool) on 32-step windows");

    /// <summary>Window length when none is given.</summary>
    internal const int DefaultWindow = 32;

    // A loaded bundle reads its weights into arrays; the libtorch network is built from them only when the default engine
    // reconstructs or the bundle is saved, so another engine (ONNX Runtime) scores without starting libtorch.
    private readonly Lazy<nn.Module<Tensor, VaeOutput>> network;
    private readonly Lazy<IReadOnlyDictionary<string, StoredTensor>> state;
    private readonly Shape shape;
    private readonly Standardizer scaler;
    private IWindowReconstruction? forward;

    internal WindowAutoencoderDetector(nn.Module<Tensor, VaeOutput> network, Shape shape, Standardizer scaler, TrainingDataInfo trainingData, ThresholdSet thresholds, IReadOnlyList<EpochReport> history)
        : this(new Lazy<nn.Module<Tensor, VaeOutput>>(network), null, shape, scaler, trainingData, thresholds, history)
    {
    }

    private WindowAutoencoderDetector(
        Lazy<nn.Module<Tensor, VaeOutput>> network, IReadOnlyDictionary<string, StoredTensor>? state, Shape shape, Standardizer scaler, TrainingDataInfo trainingData, ThresholdSet thresholds, IReadOnlyList<EpochReport> history)
    {
        this.network = network;
        this.state = state is null ? new(() => NetworkState.Of(network.Value)) : new(state);
        this.shape = shape;
        this.scaler = scaler;
        TrainingData = trainingData;
        Thresholds = thresholds;
        History = history;
    }

    /// <inheritdoc />
    public string Name => NameOf(shape.Family, shape.Options);

    /// <summary>The engine of the reconstructions: <c>default</c> (libtorch) unless another was attached.</summary>
    public string Engine => forward?.Engine ?? "default";

    /// <summary>Every weight of the network, named as its state dictionary names them (for an exporter).</summary>
    internal IReadOnlyDictionary<string, StoredTensor> State => state.Value;

    /// <summary>The window shape, watched columns and strides (for an exporter).</summary>
    internal Shape WindowShape => shape;

    /// <summary>The scaler fitted on the training split (for an exporter).</summary>
    internal Standardizer Scaler => scaler;

    /// <summary>Reconstructs windows through <paramref name="engine"/> from now on; the detector disposes it.</summary>
    /// <param name="engine">An engine computing this model's reconstructions.</param>
    internal void UseForward(IWindowReconstruction engine)
    {
        forward?.Dispose();
        forward = engine;
    }

    /// <summary>Sizes and training settings.</summary>
    public DenseOptions Options => shape.Options;

    /// <inheritdoc />
    public IReadOnlyList<EpochReport> History { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> Channels => shape.Channels;

    /// <inheritdoc />
    public IReadOnlyList<string> Watches => shape.Targets ?? shape.Channels;

    /// <summary>Steps per window.</summary>
    public int Window => shape.Window;

    /// <inheritdoc />
    public TrainingDataInfo TrainingData { get; private set; }

    /// <summary>
    /// The score (<c>score</c>: a sequence's worst window), window (<c>window</c>: a window's mean squared error over its steps and
    /// channels) and step (<c>step</c>: one step's squared error, mean over channels) thresholds, fitted on validation data;
    /// a bundle written before baselines scored series has only the first.
    /// </summary>
    public ThresholdSet Thresholds { get; private set; }

    /// <inheritdoc />
    public IReadOnlyList<KeyValuePair<string, IReadOnlyList<float>>> ThresholdScores(SequenceSet normal, CancellationToken ct = default)
    {
        CheckChannels(normal);
        var cut = shape.Windows(scaler.Transform(normal), shape.ScoreStride);
        var (windowScores, stepErrors) = WindowErrors(cut.Windows);
        ct.ThrowIfCancellationRequested();
        return [new("score", Score(normal)), new(WindowSet, windowScores), new(GruVaeDetector.StepSet, WindowPointScores.StepScores(cut, normal, stepErrors, shape.Window))];
    }

    /// <inheritdoc />
    public void Recalibrate(ThresholdSet thresholds, CalibrationInfo calibration) =>
        (Thresholds, TrainingData) = (thresholds, TrainingData with { Calibration = calibration });

    /// <inheritdoc />
    public void Save(string directory) =>
        DetectorFiles.Save(directory, this, network.Value, (BaselineInput.Windows, shape.Family, shape.Window, shape.TrainStride, shape.ScoreStride), shape.Options, scaler, null, shape.Targets);

    /// <summary>The set name of window scores in <see cref="Thresholds"/>.</summary>
    internal const string WindowSet = "window";

    /// <summary>The model name of a family and its options.</summary>
    internal static string NameOf(string family, DenseOptions options) => options.Variational ? DenseDetector.VaeName : $"{family}-ae";

    /// <summary>Rebuilds a saved detector (see <see cref="DetectorFiles.Load"/>).</summary>
    internal static WindowAutoencoderDetector Restore(BaselineManifest manifest, string directory, ThresholdSet thresholds)
    {
        if (manifest.Scaler is null || manifest.Length < 1 || manifest.ScoreStride < 1 || manifest.Family is not (WindowNetworks.Dense or WindowNetworks.Lstm or WindowNetworks.Conv))
        {
            throw new BundleException(directory, "model.json is inconsistent: a window model needs a scaler, a window, a score stride and a family of dense, lstm or conv");
        }

        var shape = new Shape(manifest.Family, manifest.Options, manifest.Length, manifest.TrainStride, manifest.ScoreStride, manifest.Channels, manifest.Targets);
        try
        {
            _ = shape.TargetIndices;
        }
        catch (ArgumentException e)
        {
            throw new BundleException(directory, $"model.json is inconsistent: {IO.Messages.Of(e)}");
        }

        var history = DetectorFiles.History(directory);
        var state = WeightsFile.Read(directory, manifest.Weights, shape.WeightShapes());
        return new WindowAutoencoderDetector(
            new Lazy<nn.Module<Tensor, VaeOutput>>(() => NetworkState.Fill(Seeding.Build(manifest.Options.Seed, shape.Build), state)), state, shape, manifest.Scaler, manifest.TrainingData, thresholds, history);
    }

    /// <summary>
    /// A copy of this model trained further, for <paramref name="epochs"/> epochs at its learning rate, on
    /// <paramref name="train"/> (scaled by this model's scaler, so its units stay), with every threshold fitted again on
    /// <paramref name="validation"/>; this model is left as it was.
    /// </summary>
    /// <inheritdoc />
    public IFittedDetector FineTune(SequenceSet train, SequenceSet validation, int epochs, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        using var trainX = shape.Tensor(shape.Windows(scaler.Transform(train), shape.TrainStride).Windows);
        using var validationX = shape.Tensor(shape.Windows(scaler.Transform(validation), shape.TrainStride).Windows);
        var copy = NetworkState.Fill(Seeding.Build(shape.Options.Seed, shape.Build), state.Value);
        return Trained(copy, (shape, shape.Options with { Epochs = epochs }), scaler, (trainX, validationX), validation, DetectorFiles.Describe(train, validation), Thresholds.Rule, null, ct);
    }

    /// <summary>
    /// Trains <paramref name="network"/> (freshly built, or a copy to fine-tune) with the model's training options, or
    /// others (fewer epochs), and fits every threshold on the validation data: a window's score and a step's error on the
    /// validation windows at the score stride, and the sequence score, all on normal validation data only. Disposes the
    /// network when anything fails.
    /// </summary>
    internal static WindowAutoencoderDetector Trained(
        nn.Module<Tensor, VaeOutput> network, (Shape Shape, DenseOptions Training) model, Standardizer scaler, (Tensor Train, Tensor Validation) windows, SequenceSet validation,
        TrainingDataInfo trainingData, string threshold, IProgress<EpochReport>? progress, CancellationToken ct)
    {
        var shape = model.Shape;
        try
        {
            BatchBudget.Check(model.Training.BatchSize, (int)windows.Train.shape[0], shape.Window);
            Seeding.Apply(model.Training.Seed);
            var history = new AutoencoderTrainer(model.Training, shape.Targets is null ? null : shape.TargetIndices).Fit(network, windows.Train, windows.Validation, progress, ct);
            var draft = new WindowAutoencoderDetector(network, shape, scaler, trainingData, new ThresholdSet(new Dictionary<string, IReadOnlyDictionary<string, double>>(), null, threshold, "score"), history);
            var thresholds = ThresholdSet.Fit(draft.ThresholdScores(validation, ct), threshold, "score");
            return new WindowAutoencoderDetector(network, shape, scaler, trainingData, thresholds, history);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public float[] Score(SequenceSet data)
    {
        CheckChannels(data);
        var cut = shape.Windows(scaler.Transform(data), shape.ScoreStride);
        float[] errors;
        if (shape.Targets is null && forward is null)
        {
            using var x = shape.Tensor(cut.Windows);
            errors = [.. AutoencoderTrainer.SquaredErrors(network.Value, x).Select(e => e / (shape.Window * shape.Channels.Count))];
        }
        else
        {
            errors = WindowErrors(cut.Windows).Scores; // the watched columns' mean squared error, from the attached engine's reconstructions when there is one
        }

        return cut.MaxPerSequence(errors, data.Count);
    }

    /// <summary>
    /// Scores every point of one long sequence (a series) from its windows, streaming a chunk of windows at a time
    /// (<see cref="WindowedSeriesScorer"/>): <see cref="PointScoreMode.Step"/> averages each step's squared error (mean
    /// over channels) over the windows covering it; the other modes fold the window scores (mean squared error).
    /// </summary>
    /// <param name="series">One unscaled sequence with the training channels, at least one window long.</param>
    /// <param name="request">Mode, rule, stride and chunk; a window model has one score, so the kind stays the default.</param>
    /// <param name="progress">Reports windows scored so far.</param>
    /// <param name="ct">Observed before each chunk of windows.</param>
    public SeriesPointScores ScorePoints(SequenceSet series, PointScoreRequest request, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        if (request.Kind != ScoreKind.Combined)
        {
            throw new ArgumentException($"A {Name} has one score, its reconstruction error; the GRU-VAE's score kinds do not apply.", nameof(request));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(request.Stride);
        var scaled = SeriesWindows(series, request.Chunk);
        var mode = request.Mode;
        var set = mode == PointScoreMode.Step ? GruVaeDetector.StepSet : WindowSet;
        if (!Thresholds.Has(set))
        {
            throw new InvalidOperationException($"This {Name} bundle has no point thresholds (written before baselines scored series); train it again.");
        }

        var threshold = Thresholds.Value(set, request.Rule);
        var (scores, firstScored, count) = WindowedSeriesScorer.Score(
            scaled, shape.Window, request.StrideFor(shape.ScoreStride), mode, request.Chunk,
            (_, windows) =>
            {
                var (windowScores, steps) = WindowErrors(windows);
                return new WindowedSeriesScorer.ChunkScores(windowScores, steps);
            },
            progress,
            ct);
        return new SeriesPointScores(scores, threshold, firstScored, count);
    }

    /// <inheritdoc />
    public double PointThreshold(PointScoreRequest request) => Thresholds.Value(request.Mode == PointScoreMode.Step ? GruVaeDetector.StepSet : WindowSet, request.Rule);

    /// <inheritdoc />
    public int Lookback => shape.Window;

    /// <inheritdoc />
    public int Warmup => shape.Window - 1;

    /// <inheritdoc />
    public int MinimumRows => shape.Window;

    /// <inheritdoc />
    float[] IReconstructsSeries.ReconstructSeries(SequenceSet series) => ReconstructSeries(series);

    /// <summary>
    /// One reconstruction per sequence in the data's units: a sequence of exactly one window is reconstructed whole (in
    /// batches of 4,096), a longer one as <see cref="ReconstructSeries"/> does, each step the mean over its windows.
    /// </summary>
    /// <param name="data">Unscaled sequences with the training channels, each at least one window long.</param>
    public float[][] Reconstruct(SequenceSet data)
    {
        CheckChannels(data);
        var window = shape.Window;
        var result = new float[data.Count][];
        var whole = Enumerable.Range(0, data.Count).Where(i => data.LengthOf(i) == window).ToArray();
        var c = shape.Channels.Count;
        foreach (var part in whole.Chunk(4096))
        {
            var reconstruction = ReconstructScaled(scaler.Transform(data.Subset(part)));
            for (var k = 0; k < part.Length; k++)
            {
                result[part[k]] = [.. reconstruction.AsSpan(k * window * c, window * c).ToArray().Select((v, i) => (float)((v * scaler.Std[i % c]) + scaler.Mean[i % c]))];
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
        var (window, c) = (shape.Window, shape.Channels.Count);
        var length = scaled.LengthOf(0);
        var sums = new double[length * c];
        var counts = new int[length];
        foreach (var (_, part, windows) in WindowedSeriesScorer.Chunks(scaled, WindowedSeriesScorer.Starts(scaled, window, shape.ScoreStride), window, chunk))
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
                result[(t * c) + j] = (float)((sums[(t * c) + j] / Math.Max(1, counts[t]) * scaler.Std[j]) + scaler.Mean[j]);
            }
        }

        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        forward?.Dispose();
        if (network.IsValueCreated)
        {
            network.Value.Dispose();
        }
    }

    /// <inheritdoc />
    public Attribution Explain(SequenceSet rows)
    {
        CheckChannels(rows);
        var scaled = scaler.Transform(ExplainedRows.Last(rows, shape.Window, shape.Window));
        var x = scaled.Sequences[0].Values;
        var reconstruction = ReconstructScaled(scaled);
        return Attribution.OfWindow(shape.Channels, [.. x.Select((v, i) => (reconstruction[i] - v) * (reconstruction[i] - v))], shape.TargetIndices);
    }

    /// <summary>Per window its score (mean squared error over steps and watched channels), and per window and step the squared error averaged over the watched channels, row-major (window, step).</summary>
    internal (float[] Scores, float[] Steps) WindowErrors(SequenceSet windows)
    {
        var reconstruction = ReconstructScaled(windows);
        var (window, c, watched) = (shape.Window, shape.Channels.Count, shape.TargetIndices);
        var scores = new float[windows.Count];
        var steps = new float[windows.Count * window];
        for (var k = 0; k < windows.Count; k++)
        {
            var x = windows.Sequences[k].Values;
            double total = 0;
            for (var t = 0; t < window; t++)
            {
                double step = 0;
                foreach (var j in watched)
                {
                    var d = (double)reconstruction[(((k * window) + t) * c) + j] - x[(t * c) + j];
                    step += d * d;
                }

                steps[(k * window) + t] = (float)(step / watched.Length);
                total += step;
            }

            scores[k] = (float)(total / (window * watched.Length));
        }

        return (scores, steps);
    }

    private SequenceSet SeriesWindows(SequenceSet series, int chunk)
    {
        if (series.Count != 1)
        {
            throw new ArgumentException($"Point scores are for one series; got {series.Count} sequences.", nameof(series));
        }

        CheckChannels(series);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunk, 1);
        if (series.LengthOf(0) < shape.Window)
        {
            throw new ArgumentException($"The series has {series.LengthOf(0)} steps; the {Name} reads windows of {shape.Window}.");
        }

        return scaler.Transform(series);
    }

    private void CheckChannels(SequenceSet data)
    {
        if (!data.ChannelNames.SequenceEqual(shape.Channels))
        {
            throw new ArgumentException($"The data's channels [{IO.Messages.List(data.ChannelNames)}] differ from the model's [{IO.Messages.List(shape.Channels)}].");
        }
    }

    /// <summary>The network's reconstructions of scaled windows of exactly <see cref="Window"/> steps, row-major (window, step, channel).</summary>
    private float[] ReconstructScaled(SequenceSet windows)
    {
        if (forward is not null)
        {
            return forward.Reconstruct(windows);
        }

        var net = network.Value;
        net.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope(); // frees the input, the output and every intermediate tensor
        return net.call(shape.Tensor(windows)).Reconstruction.data<float>().ToArray();
    }

    /// <summary>
    /// The versions of each window family (v1 plain, v2 with dropout 0.2 and L2 weight decay 1e-4, v3 wider) and of the
    /// dense VAE, with their options: the models of <c>compare</c>.
    /// </summary>
    internal static IReadOnlyList<(string Name, string Description, DenseOptions Options)> Versions(string family, bool variational)
    {
        var plain = new DenseOptions { Epochs = 30, BatchSize = 64, Patience = 5 };
        var regularised = plain with { Dropout = 0.2, WeightDecay = 1e-4 };
        if (variational)
        {
            return [("v1", "flattened window, 128 -> 64 -> latent 16, beta 1", DenseOptions.Vae with { Epochs = 30, BatchSize = 64, Patience = 5 })];
        }

        return family switch
        {
            WindowNetworks.Dense =>
            [
                ("v1", "flattened 32-step window, 64 -> 32 -> 64, sigmoid output on min-max input", plain with { Hidden = [64], Latent = 32, Scaler = ScalerKind.MinMax, SigmoidOutput = true }),
                ("v2", "v1 with dropout 0.2 and L2 1e-4", regularised with { Hidden = [64], Latent = 32, Scaler = ScalerKind.MinMax, SigmoidOutput = true }),
                ("v3", "wider: 256 -> 64 -> 256", plain with { Hidden = [256], Latent = 64, Scaler = ScalerKind.MinMax, SigmoidOutput = true }),
            ],
            WindowNetworks.Lstm =>
            [
                ("v1", "LSTM 32, sequence to sequence", plain with { Hidden = [32] }),
                ("v2", "v1 with dropout 0.2 on the code and L2 1e-4", regularised with { Hidden = [32] }),
                ("v3", "wider: LSTM 64", plain with { Hidden = [64] }),
            ],
            _ =>
            [
                ("v1", "Conv1d 32, 16 (kernel 7) + max-pool, transposed-conv decoder", plain with { Hidden = [32, 16] }),
                ("v2", "v1 with dropout 0.2 and L2 1e-4", regularised with { Hidden = [32, 16] }),
                ("v3", "wider: Conv1d 64, 32", plain with { Hidden = [64, 32] }),
            ],
        };
    }

    /// <summary>The window estimator of <paramref name="family"/> that <paramref name="s"/> asks for: its version's options with the settings over them.</summary>
    internal static WindowAutoencoderEstimator CreateWindowed(string family, bool variational, DetectorSettings s)
    {
        var options = Override(Versions(family, variational).First(v => v.Name == (s.Variant ?? "v1")).Options, s);
        var window = s.Window ?? DefaultWindow;
        if (family == WindowNetworks.Conv && window % 4 != 0)
        {
            throw new ArgumentException($"conv-ae pools twice by 2, so its window must be a multiple of 4; got window {window}.");
        }

        var trainStride = s.TrainStride is > 0 ? s.TrainStride.Value : Math.Max(1, window / 2);
        var scoreStride = s.ScoreStride is > 0 ? s.ScoreStride.Value : Math.Max(1, window / 4);
        return new WindowAutoencoderEstimator(family, options, window, trainStride, scoreStride, s.Threshold, s.TargetColumns);
    }

    /// <summary>The settings given in <paramref name="s"/> over <paramref name="options"/>, with its seed; a sigmoid output stays only on min-max input.</summary>
    internal static DenseOptions Override(DenseOptions options, DetectorSettings s) => options with
    {
        Epochs = s.Epochs ?? options.Epochs,
        BatchSize = s.BatchSize ?? options.BatchSize,
        LearningRate = s.LearningRate ?? options.LearningRate,
        Patience = s.Patience ?? options.Patience,
        Latent = s.Latent ?? options.Latent,
        Beta = s.Beta ?? options.Beta,
        Scaler = s.Scaler ?? options.Scaler,
        SigmoidOutput = options.SigmoidOutput && (s.Scaler ?? options.Scaler) == ScalerKind.MinMax, // a sigmoid bounds the output to min-max's [0, 1]
        Seed = s.Seed,
    };

    private static DetectorEntry Entry(string family, string description) => new(
        $"{family}-ae",
        description,
        new HashSet<string>(WindowSettings),
        [.. Versions(family, variational: false).Select(v => (v.Name, v.Description))],
        s => s.Window == 0
            ? throw new ArgumentException($"Window 0 (whole fixed-length sequences) works with the dense models; {family}-ae reads windows.")
            : CreateWindowed(family, variational: false, s),
        (directory, threshold) => DetectorFiles.Load(directory, threshold))
    {
        WindowMultiple = family == WindowNetworks.Conv ? 4 : 1,
    };

    /// <summary>What a window model is, apart from its weights and thresholds: family, options, window, strides and channels.</summary>
    internal sealed record Shape(string Family, DenseOptions Options, int Window, int TrainStride, int ScoreStride, IReadOnlyList<string> Channels, IReadOnlyList<string>? Targets = null)
    {
        /// <summary>The indices of the watched columns (every column when none were chosen).</summary>
        /// <exception cref="ArgumentException">A watched column that is not a column, or none, or one twice.</exception>
        public int[] TargetIndices => Targets is null ? [.. Enumerable.Range(0, Channels.Count)] : WatchedColumns.Indices(Channels, Targets);

        /// <summary>Builds the network, checking its size before any weight is allocated.</summary>
        public nn.Module<Tensor, VaeOutput> Build()
        {
            Options.ValidateSize((long)Window * Channels.Count);
            return WindowNetworks.Create(Family, Options, Window, Channels.Count);
        }

        /// <summary>The shape of every weight of the network, after the same size check as <see cref="Build"/>, computed without libtorch.</summary>
        public IReadOnlyDictionary<string, long[]> WeightShapes()
        {
            Options.ValidateSize((long)Window * Channels.Count);
            return NetworkState.Shapes(Family, Options, Window, Channels.Count);
        }

        /// <summary>The windows of scaled sequences, each at least one window long.</summary>
        public SlidingWindows Windows(SequenceSet scaled, int stride) => SlidingWindows.CutWhole(scaled, Window, stride, NameOf(Family, Options));

        /// <summary>Windows as a (window, step, channel) tensor.</summary>
        public Tensor Tensor(SequenceSet windows)
        {
            var values = new float[windows.Count * Window * Channels.Count];
            for (var i = 0; i < windows.Count; i++)
            {
                windows.Sequences[i].Values.CopyTo(values, i * Window * Channels.Count);
            }

            return tensor(values, [windows.Count, Window, Channels.Count]);
        }
    }
}
