using VaeAnomaly.Data;
using VaeAnomaly.Models;
using VaeAnomaly.Persistence;
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
    : DetectorBase(rule ?? new QuantileThreshold())
{
    /// <summary>Flattened windows through <see cref="DenseNetwork"/>.</summary>
    public const string Dense = "dense";

    /// <summary><see cref="LstmAutoencoder"/>.</summary>
    public const string Lstm = "lstm";

    /// <summary><see cref="ConvAutoencoder"/>.</summary>
    public const string Conv = "conv";

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

    /// <inheritdoc />
    public override void Save(string directory)
    {
        var net = network ?? throw new InvalidOperationException("Fit the detector first.");
        DetectorFiles.Save(directory, this, net, (BaselineInput.Windows, family, window, trainStride, scoreStride), options, channels, scaler, null, TrainingData);
    }

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
            throw new ArgumentException($"The data's channels [{string.Join(",", data.ChannelNames)}] differ from the model's [{string.Join(",", channels)}].");
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
        return Score(validation);
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

    private nn.Module<Tensor, VaeOutput> Build() => family switch
    {
        Dense => new FlattenedWindows(new DenseNetwork(options, window * channels.Count)),
        Lstm => new LstmAutoencoder(channels.Count, options.Hidden[0], options.Dropout, options.Seed),
        Conv => new ConvAutoencoder(channels.Count, (options.Hidden[0], options.Hidden.Length > 1 ? options.Hidden[1] : options.Hidden[0] / 2), options.Dropout, options.Seed),
        _ => throw new ArgumentException($"Unknown autoencoder family '{family}'; expected {Dense}, {Lstm} or {Conv}."),
    };

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
