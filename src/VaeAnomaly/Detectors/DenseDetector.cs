using VaeAnomaly.Data;
using VaeAnomaly.Models;
using VaeAnomaly.Persistence;
using VaeAnomaly.Thresholds;
using VaeAnomaly.Training;
using static TorchSharp.torch;

namespace VaeAnomaly.Detectors;

/// <summary>
/// The dense autoencoder (<c>dense-ae</c>) or dense VAE (<c>dense-vae</c>) as a detector. It reads fixed-width
/// inputs: records (one-step sequences) or equal-length windows, flattened; sequences of other lengths are
/// refused. The score is the squared reconstruction error summed over the input's values (at the posterior
/// mean for the VAE).
/// </summary>
/// <param name="options">Sizes and training settings.</param>
/// <param name="rule">Threshold rule; the 0.99 quantile of validation scores by default.</param>
public sealed class DenseDetector(DenseOptions options, IThresholdRule? rule = null) : DetectorBase(rule ?? new QuantileThreshold())
{
    /// <summary>The autoencoder's name.</summary>
    public const string AutoencoderName = "dense-ae";

    /// <summary>The VAE's name.</summary>
    public const string VaeName = "dense-vae";

    private DenseNetwork? network;
    private Standardizer? scaler;
    private IReadOnlyList<string> channels = [];
    private int length;

    /// <inheritdoc />
    public override string Name => options.Variational ? VaeName : AutoencoderName;

    /// <summary>Sizes and training settings.</summary>
    public DenseOptions Options => options;

    /// <inheritdoc />
    public override IReadOnlyList<EpochReport> History => history;

    private IReadOnlyList<EpochReport> history = [];

    /// <summary>How raw CSV records became this model's inputs, when they did; saved with the bundle so scoring encodes the same way.</summary>
    public TabularEncoder? Encoder { get; set; }

    /// <summary>Input columns in model order.</summary>
    public IReadOnlyList<string> Channels => channels;

    /// <summary>What the model was trained on; null before fitting.</summary>
    public TrainingDataInfo? TrainingData { get; private set; }

    /// <inheritdoc />
    public override void Save(string directory)
    {
        var net = network ?? throw new InvalidOperationException("Fit the detector first.");
        DetectorFiles.Save(directory, this, net, (BaselineInput.Fixed, WindowAutoencoderDetector.Dense, length, 0, 0), options, channels, scaler, Encoder, TrainingData);
    }

    /// <summary>Rebuilds a saved detector (see <see cref="DetectorFiles.Load"/>).</summary>
    internal static DenseDetector Restore(BaselineManifest manifest, string directory, IThresholdRule rule)
    {
        var net = Seeding.Build(manifest.Options.Seed, () => new DenseNetwork(manifest.Options, manifest.Length * manifest.Channels.Count));
        WeightsFile.Load(net, directory, manifest.Weights);
        return new DenseDetector(manifest.Options, rule)
        {
            network = net,
            scaler = manifest.Scaler,
            channels = manifest.Channels,
            length = manifest.Length,
            Encoder = manifest.Encoder,
            TrainingData = manifest.TrainingData,
            history = DetectorFiles.History(directory),
        };
    }


    /// <inheritdoc />
    public override float[] Score(SequenceSet data)
    {
        if (network is null)
        {
            throw new InvalidOperationException("Fit the detector first.");
        }

        using var x = Inputs(data);
        return AutoencoderTrainer.SquaredErrors(network, x);
    }

    /// <inheritdoc />
    protected override float[] FitCore(SequenceSet train, SequenceSet validation, IProgress<EpochReport>? progress, CancellationToken ct)
    {
        channels = train.ChannelNames;
        length = train.LengthOf(0);
        TrainingData = DetectorFiles.Describe(train, validation);
        scaler = options.Standardize ? Standardizer.Fit(train, options.Scaler) : null;
        var width = length * train.Channels;
        network?.Dispose();
        network = Seeding.Build(options.Seed, () => new DenseNetwork(options, width));
        Seeding.Apply(options.Seed);
        using var trainX = tensor(Flatten(train), [train.Count, width]);
        using var validationX = tensor(Flatten(validation), [validation.Count, width]);
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

    private Tensor Inputs(SequenceSet data)
    {
        var flat = Flatten(data);
        return tensor(flat, [flat.Length / (length * channels.Count), length * channels.Count]);
    }

    private float[] Flatten(SequenceSet data)
    {
        if (!data.ChannelNames.SequenceEqual(channels))
        {
            var problem = $"The data's columns [{IO.Messages.List(data.ChannelNames)}] differ from the model's [{IO.Messages.List(channels)}].";
            throw data.Source is null ? new ArgumentException(problem) : new DataFormatException(data.Source, 1, null, problem);
        }

        var scaled = scaler?.Transform(data) ?? data;
        var values = new float[data.Count * length * channels.Count];
        for (var i = 0; i < data.Count; i++)
        {
            var s = scaled.Sequences[i];
            if (s.Values.Length != length * channels.Count)
            {
                var problem = $"sequence '{s.Id}' has {s.LengthFor(channels.Count)} steps; the {Name} reads fixed-length inputs of {length} (cut windows first)";
                throw data.Source is null ? new ArgumentException(problem) : new DataFormatException(data.Source, data.Sequences[i].Line, SequenceCsvReader.TimeColumn, problem);
            }

            s.Values.CopyTo(values, i * s.Values.Length);
        }

        return values;
    }
}
