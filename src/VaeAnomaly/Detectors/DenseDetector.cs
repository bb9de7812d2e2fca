using VaeAnomaly.Data;
using VaeAnomaly.Models;
using VaeAnomaly.Performance;
using VaeAnomaly.Persistence;
using VaeAnomaly.Thresholds;
using VaeAnomaly.Training;
using static TorchSharp.torch;

namespace VaeAnomaly.Detectors;

/// <summary>The estimator of the dense autoencoder or dense VAE on fixed-width inputs: records (one-step sequences) or equal-length sequences, flattened.</summary>
/// <param name="options">Sizes and training settings.</param>
/// <param name="encoder">How raw CSV records became the inputs, when they did; the fitted model keeps it.</param>
/// <param name="threshold">The rule the fitted model flags with; every rule is fitted.</param>
public sealed class DenseEstimator(DenseOptions options, TabularEncoder? encoder = null, string threshold = "quantile") : IDetectorEstimator
{
    /// <inheritdoc />
    public string Name => options.Variational ? DenseDetector.VaeName : DenseDetector.AutoencoderName;

    /// <inheritdoc />
    public int Epochs => options.Epochs;

    /// <inheritdoc />
    IFittedDetector IDetectorEstimator.Fit(SequenceSet train, SequenceSet validation, IProgress<EpochReport>? progress, CancellationToken ct) => Fit(train, validation, progress, ct);

    /// <summary>Fits the dense model; see <see cref="IDetectorEstimator.Fit"/>.</summary>
    /// <param name="train">Unscaled training inputs, all of one length.</param>
    /// <param name="validation">Unscaled normal validation inputs of that length.</param>
    /// <param name="progress">Receives one report per epoch.</param>
    /// <param name="ct">Stops training between batches.</param>
    public DenseDetector Fit(SequenceSet train, SequenceSet validation, IProgress<EpochReport>? progress = null, CancellationToken ct = default)
    {
        _ = ThresholdRules.Create(threshold);
        if (encoder is not null && !encoder.Columns.SequenceEqual(train.ChannelNames))
        {
            throw new ArgumentException($"The encoder's columns [{IO.Messages.List(encoder.Columns)}] differ from the training data's [{IO.Messages.List(train.ChannelNames)}].", nameof(train));
        }

        var length = train.LengthOf(0);
        var scaler = options.Standardize ? Standardizer.Fit(train, options.Scaler) : null;
        var width = length * train.Channels;
        var network = Seeding.Build(options.Seed, () => new DenseNetwork(options, width));
        try
        {
            var shape = new DenseDetector.Shape(options, train.ChannelNames, length, scaler, encoder);
            Seeding.Apply(options.Seed);
            using var trainX = tensor(shape.Flatten(train, Name), [train.Count, width]);
            using var validationX = tensor(shape.Flatten(validation, Name), [validation.Count, width]);
            var history = new AutoencoderTrainer(options).Fit(network, trainX, validationX, progress, ct);
            var thresholds = ThresholdSet.Fit([new("score", DenseDetector.Score(network, shape, validation, Name))], threshold, "score");
            return new DenseDetector(network, shape, DetectorFiles.Describe(train, validation), thresholds, history);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }
}

/// <summary>
/// A fitted dense autoencoder (<c>dense-ae</c>) or dense VAE (<c>dense-vae</c>) on fixed-width inputs. Its score is the
/// squared reconstruction error summed over the input's values (at the posterior mean for the VAE); sequences of another
/// length are refused.
/// </summary>
public sealed class DenseDetector : IFittedDetector, IReadsRecords, IExplainsInputs, IRecalibrates
{
    /// <summary>The autoencoder's name.</summary>
    public const string AutoencoderName = "dense-ae";

    /// <summary>The VAE's name.</summary>
    public const string VaeName = "dense-vae";

    /// <summary>
    /// The dense autoencoder's entry: on windows (the window family's versions) by default, on whole fixed-length
    /// sequences with window 0, on records with <see cref="DetectorSettings.Records"/> (the KDD benchmark's model).
    /// </summary>
    public static DetectorEntry AutoencoderEntry { get; } = Entry(variational: false, "dense autoencoder on flattened 32-step windows, or on records");

    /// <summary>The dense VAE's entry, as <see cref="AutoencoderEntry"/> with a Gaussian latent and beta.</summary>
    public static DetectorEntry VaeEntry { get; } = Entry(variational: true, "dense VAE (beta 1) on flattened 32-step windows, or on records");

    // As a window model's: a loaded bundle's weights are arrays, the libtorch network is built from them when first needed.
    private readonly Lazy<DenseNetwork> network;
    private readonly Lazy<IReadOnlyDictionary<string, StoredTensor>> state;
    private readonly Shape shape;
    private IWindowReconstruction? forward;

    internal DenseDetector(DenseNetwork network, Shape shape, TrainingDataInfo trainingData, ThresholdSet thresholds, IReadOnlyList<EpochReport> history)
        : this(new Lazy<DenseNetwork>(network), null, shape, trainingData, thresholds, history)
    {
    }

    private DenseDetector(Lazy<DenseNetwork> network, IReadOnlyDictionary<string, StoredTensor>? state, Shape shape, TrainingDataInfo trainingData, ThresholdSet thresholds, IReadOnlyList<EpochReport> history)
    {
        this.network = network;
        this.state = state is null ? new(() => NetworkState.Of(network.Value)) : new(state);
        this.shape = shape;
        TrainingData = trainingData;
        Thresholds = thresholds;
        History = history;
    }

    /// <inheritdoc />
    public string Name => shape.Options.Variational ? VaeName : AutoencoderName;

    /// <summary>Sizes and training settings.</summary>
    public DenseOptions Options => shape.Options;

    /// <summary>The engine of the reconstructions: <c>default</c> (libtorch) unless another was attached.</summary>
    public string Engine => forward?.Engine ?? "default";

    /// <summary>Every weight of the network, named as its state dictionary names them (for an exporter).</summary>
    internal IReadOnlyDictionary<string, StoredTensor> State => state.Value;

    /// <summary>What the model reads (for an exporter).</summary>
    internal Shape Input => shape;

    /// <summary>Reconstructs inputs through <paramref name="engine"/> from now on; the detector disposes it.</summary>
    /// <param name="engine">An engine computing this model's reconstructions of scaled inputs.</param>
    internal void UseForward(IWindowReconstruction engine)
    {
        forward?.Dispose();
        forward = engine;
    }

    /// <inheritdoc />
    public IReadOnlyList<EpochReport> History { get; }

    /// <inheritdoc />
    public TabularEncoder? Encoder => shape.Encoder;

    /// <inheritdoc />
    public IReadOnlyList<string> Channels => shape.Channels;

    /// <inheritdoc />
    public TrainingDataInfo TrainingData { get; private set; }

    /// <inheritdoc />
    public ThresholdSet Thresholds { get; private set; }

    /// <inheritdoc />
    public IReadOnlyList<KeyValuePair<string, IReadOnlyList<float>>> ThresholdScores(SequenceSet normal, CancellationToken ct = default) => [new("score", Score(normal))];

    /// <inheritdoc />
    public void Recalibrate(ThresholdSet thresholds, CalibrationInfo calibration) =>
        (Thresholds, TrainingData) = (thresholds, TrainingData with { Calibration = calibration });

    /// <inheritdoc />
    public void Save(string directory) =>
        DetectorFiles.Save(directory, this, network.Value, (BaselineInput.Fixed, WindowNetworks.Dense, shape.Length, 0, 0), shape.Options, shape.Scaler, shape.Encoder);

    /// <summary>Rebuilds a saved detector (see <see cref="DetectorFiles.Load"/>).</summary>
    internal static DenseDetector Restore(BaselineManifest manifest, string directory, ThresholdSet thresholds)
    {
        var history = DetectorFiles.History(directory);
        var width = manifest.Length * manifest.Channels.Count;
        manifest.Options.ValidateSize(width);
        var state = WeightsFile.Read(directory, manifest.Weights, NetworkState.DenseShapes(manifest.Options, width, ""));
        return new DenseDetector(
            new Lazy<DenseNetwork>(() => NetworkState.Fill(Seeding.Build(manifest.Options.Seed, () => new DenseNetwork(manifest.Options, width)), state)),
            state,
            new Shape(manifest.Options, manifest.Channels, manifest.Length, manifest.Scaler, manifest.Encoder),
            manifest.TrainingData,
            thresholds,
            history);
    }

    /// <inheritdoc />
    public float[] Score(SequenceSet data)
    {
        if (forward is null)
        {
            return Score(network.Value, shape, data, Name);
        }

        // The same sum of squared errors over each input's values, from the attached engine's reconstructions.
        var flat = shape.Flatten(data, Name);
        var width = shape.Length * shape.Channels.Count;
        var inputs = new SequenceSet(shape.Channels, [.. Enumerable.Range(0, data.Count).Select(i => new Sequence(data.Sequences[i].Id, flat[(i * width)..((i + 1) * width)]))]);
        var reconstruction = forward.Reconstruct(inputs);
        var errors = new float[data.Count];
        for (var i = 0; i < data.Count; i++)
        {
            var sum = 0f;
            for (var j = i * width; j < (i + 1) * width; j++)
            {
                var d = reconstruction[j] - flat[j];
                sum += d * d;
            }

            errors[i] = sum;
        }

        return errors;
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
    public IReadOnlyList<Scoring.Attribution> Explain(SequenceSet data)
    {
        var flat = shape.Flatten(data, Name);
        var width = shape.Length * shape.Channels.Count;
        float[] squared;
        if (forward is null)
        {
            using var x = tensor(flat, [data.Count, width]);
            squared = AutoencoderTrainer.ValueErrors(network.Value, x);
        }
        else
        {
            var inputs = new SequenceSet(shape.Channels, [.. Enumerable.Range(0, data.Count).Select(i => new Sequence(data.Sequences[i].Id, flat[(i * width)..((i + 1) * width)]))]);
            squared = [.. forward.Reconstruct(inputs).Select((r, j) => (r - flat[j]) * (r - flat[j]))];
        }

        // A column of the explanation per group of inputs: a record's numeric column, or a text column's one-hot block; a sequence's channel.
        var (names, group) = shape.Encoder is { } encoder ? RecordColumns(encoder) : ([.. shape.Channels], [.. Enumerable.Range(0, shape.Channels.Count)]);
        var channels = shape.Channels.Count;
        var explanations = new Scoring.Attribution[data.Count];
        for (var i = 0; i < data.Count; i++)
        {
            var (perColumn, perStep) = (new float[names.Length], new float[shape.Length]);
            for (var t = 0; t < shape.Length; t++)
            {
                for (var c = 0; c < channels; c++)
                {
                    var e = squared[(i * width) + (t * channels) + c];
                    perColumn[group[c]] += e;
                    perStep[t] += e;
                }
            }

            explanations[i] = Scoring.Attribution.Of(names, new Scoring.SequenceScores([perStep.Sum()], [0], [perStep], [perColumn], [[]]), 0);
        }

        return explanations;
    }

    /// <summary>The CSV columns behind a record's inputs, and the column of each input (a text column's one-hot inputs share one).</summary>
    internal static (string[] Names, int[] Group) RecordColumns(TabularEncoder encoder)
    {
        var group = new List<int>(Enumerable.Range(0, encoder.NumericNames.Count));
        for (var t = 0; t < encoder.TextNames.Count; t++)
        {
            group.AddRange(Enumerable.Repeat(encoder.NumericNames.Count + t, encoder.Categories[t].Count));
        }

        return ([.. encoder.NumericNames, .. encoder.TextNames], [.. group]);
    }

    internal static float[] Score(DenseNetwork network, Shape shape, SequenceSet data, string name)
    {
        var flat = shape.Flatten(data, name);
        using var x = tensor(flat, [data.Count, shape.Length * shape.Channels.Count]);
        return AutoencoderTrainer.SquaredErrors(network, x);
    }

    private static DetectorEntry Entry(bool variational, string description) => new(
        variational ? VaeName : AutoencoderName,
        description,
        new HashSet<string>([.. WindowAutoencoderDetector.WindowSettings.Where(s => !variational || s != "variant"), .. variational ? ["beta"] : Array.Empty<string>(), "records"]),
        variational ? [] : [.. WindowAutoencoderDetector.Versions(WindowNetworks.Dense, variational).Select(v => (v.Name, v.Description))],
        s => Create(variational, s),
        (directory, threshold) => DetectorFiles.Load(directory, threshold));

    private static IDetectorEstimator Create(bool variational, DetectorSettings s)
    {
        if (s.TargetColumns is not null && (s.Records is not null || s.Window == 0))
        {
            throw new ArgumentException("target-columns applies to window models; a dense model on records or whole fixed-length sequences measures every input.");
        }

        if (s.Records is { } encoder)
        {
            if (s.Variant is not null || s.Window is not null || s.TrainStride is not null || s.ScoreStride is not null || s.Scaler is not null)
            {
                throw new ArgumentException(s.Scaler is not null
                    ? "scaler does not apply to records: their numbers are z-scored and their text one-hot encoded."
                    : s.Variant is not null ? "variant picks a version of the window autoencoders; records use the dense model of the KDD benchmark."
                    : "window, train-stride and score-stride cut sequences into windows; records have none.");
            }

            var defaults = variational ? DenseOptions.Vae : DenseOptions.Autoencoder;
            return new DenseEstimator(WindowAutoencoderDetector.Override(defaults with { Standardize = false }, s), encoder, s.Threshold);
        }

        if (s.Window == 0)
        {
            var options = WindowAutoencoderDetector.Override(WindowAutoencoderDetector.Versions(WindowNetworks.Dense, variational).First(v => v.Name == (s.Variant ?? "v1")).Options, s);
            return new DenseEstimator(options, null, s.Threshold);
        }

        return WindowAutoencoderDetector.CreateWindowed(WindowNetworks.Dense, variational, s);
    }

    /// <summary>What a dense model reads: options, input columns, the fixed length, and how inputs are scaled or encoded.</summary>
    internal sealed record Shape(DenseOptions Options, IReadOnlyList<string> Channels, int Length, Standardizer? Scaler, TabularEncoder? Encoder)
    {
        /// <summary>The inputs scaled and flattened, row-major (input, value); inputs of another length or other columns refused.</summary>
        public float[] Flatten(SequenceSet data, string name)
        {
            if (!data.ChannelNames.SequenceEqual(Channels))
            {
                var problem = $"The data's columns [{IO.Messages.List(data.ChannelNames)}] differ from the model's [{IO.Messages.List(Channels)}].";
                throw data.Source is null ? new ArgumentException(problem) : new DataFormatException(data.Source, 1, null, problem);
            }

            var scaled = Scaler?.Transform(data) ?? data;
            var values = new float[data.Count * Length * Channels.Count];
            for (var i = 0; i < data.Count; i++)
            {
                var s = scaled.Sequences[i];
                if (s.Values.Length != Length * Channels.Count)
                {
                    var problem = $"sequence '{s.Id}' has {s.LengthFor(Channels.Count)} steps; the {name} reads fixed-length inputs of {Length} (cut windows first)";
                    throw data.Source is null ? new ArgumentException(problem) : new DataFormatException(data.Source, data.Sequences[i].Line, SequenceCsvReader.TimeColumn, problem);
                }

                s.Values.CopyTo(values, i * s.Values.Length);
            }

            return values;
        }
    }
}
