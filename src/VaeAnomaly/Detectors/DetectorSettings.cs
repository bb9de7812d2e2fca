using VaeAnomaly.Data;
using VaeAnomaly.Scoring;
using VaeAnomaly.Training;

namespace VaeAnomaly.Detectors;

/// <summary>
/// What a caller may set when it asks the registry for an estimator. Null means "the model's default"; each
/// <see cref="DetectorEntry"/> says which settings it takes (<see cref="DetectorEntry.Settings"/>, by the names in
/// <see cref="Names"/>), and <see cref="DetectorRegistry.Create"/> refuses one it does not take.
/// </summary>
public sealed record DetectorSettings
{
    /// <summary>Seed of weights, batch order and sampling.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>The threshold rule the fitted model flags with (see <see cref="Thresholds.ThresholdRules.Names"/>); every rule is fitted anyway.</summary>
    public string Threshold { get; init; } = "quantile";

    /// <summary>A version of the model (<c>v1</c>, <c>v2</c>, <c>v3</c>) or a named configuration (<c>default</c>, <c>seed</c>).</summary>
    public string? Variant { get; init; }

    /// <summary>Largest number of training epochs.</summary>
    public int? Epochs { get; init; }

    /// <summary>Inputs per training batch.</summary>
    public int? BatchSize { get; init; }

    /// <summary>Adam learning rate.</summary>
    public double? LearningRate { get; init; }

    /// <summary>Early stopping: epochs without a better validation loss (0: off).</summary>
    public int? Patience { get; init; }

    /// <summary>Latent (code) dimensions.</summary>
    public int? Latent { get; init; }

    /// <summary>KL weight of a VAE.</summary>
    public double? Beta { get; init; }

    /// <summary>Steps per window (0: whole fixed-length or whole sequences).</summary>
    public int? Window { get; init; }

    /// <summary>A seasonal model's period, in rows (null: the training rows' own).</summary>
    public int? Period { get; init; }

    /// <summary>The longest <see cref="Period"/>: a week of minutes.</summary>
    public const int MaxPeriod = 10_080;

    /// <summary>Steps between training windows (0: the model's default).</summary>
    public int? TrainStride { get; init; }

    /// <summary>Steps between scored windows (0: the model's default).</summary>
    public int? ScoreStride { get; init; }

    /// <summary>Per-channel scaling fitted on the training part.</summary>
    public ScalerKind? Scaler { get; init; }

    /// <summary>GRU-VAE: sine/cosine pairs of the time step given to the decoder.</summary>
    public int? TimeFeatures { get; init; }

    /// <summary>GRU-VAE: how window scores become a sequence's score.</summary>
    public WindowAggregate? Aggregate { get; init; }

    /// <summary>GRU-VAE: epochs over which beta rises from 0.</summary>
    public int? KlWarmup { get; init; }

    /// <summary>GRU-VAE: cosine learning-rate decay.</summary>
    public bool? Cosine { get; init; }

    /// <summary>GRU-VAE: linear learning-rate warm-up epochs under the cosine schedule.</summary>
    public int? LrWarmup { get; init; }

    /// <summary>GRU-VAE: gradient-norm clipping (0: off).</summary>
    public double? ClipNorm { get; init; }

    /// <summary>GRU-VAE: weight of KL in the combined score.</summary>
    public double? Lambda { get; init; }

    /// <summary>GRU-VAE: how reconstruction and KL combine.</summary>
    public CombineMode? Combine { get; init; }

    /// <summary>GRU-VAE: sampled reconstructions per score (0: the posterior mean).</summary>
    public int? McSamples { get; init; }

    /// <summary>GRU-VAE: samples of the importance-sampled likelihood score.</summary>
    public int? ImportanceSamples { get; init; }

    /// <summary>
    /// The columns to watch: scores and attributions measure only these, while every column stays an input that
    /// explains them (commands sent to a spacecraft, a set point). Null: all columns.
    /// </summary>
    public IReadOnlyList<string>? TargetColumns { get; init; }

    /// <summary>Records: how raw CSV records became the training inputs; the fitted model keeps it to encode new ones.</summary>
    public TabularEncoder? Records { get; init; }

    /// <summary>Where training saves its state after every epoch, and whether it resumes from it.</summary>
    public TrainingCheckpoint? Checkpoint { get; init; }

    /// <summary>Every setting once: its name (as entries list them and the command line spells its option, without <c>--</c>), how to read it, how to leave it out.</summary>
    private static readonly (string Name, Func<DetectorSettings, object?> Get, Func<DetectorSettings, DetectorSettings> Clear)[] Table =
    [
        ("variant", s => s.Variant, s => s with { Variant = null }),
        ("epochs", s => s.Epochs, s => s with { Epochs = null }),
        ("batch-size", s => s.BatchSize, s => s with { BatchSize = null }),
        ("lr", s => s.LearningRate, s => s with { LearningRate = null }),
        ("patience", s => s.Patience, s => s with { Patience = null }),
        ("latent", s => s.Latent, s => s with { Latent = null }),
        ("beta", s => s.Beta, s => s with { Beta = null }),
        ("window", s => s.Window, s => s with { Window = null }),
        ("period", s => s.Period, s => s with { Period = null }),
        ("train-stride", s => s.TrainStride, s => s with { TrainStride = null }),
        ("score-stride", s => s.ScoreStride, s => s with { ScoreStride = null }),
        ("scaler", s => s.Scaler, s => s with { Scaler = null }),
        ("time-features", s => s.TimeFeatures, s => s with { TimeFeatures = null }),
        ("aggregate", s => s.Aggregate, s => s with { Aggregate = null }),
        ("kl-warmup", s => s.KlWarmup, s => s with { KlWarmup = null }),
        ("cosine", s => s.Cosine, s => s with { Cosine = null }),
        ("lr-warmup", s => s.LrWarmup, s => s with { LrWarmup = null }),
        ("clip-norm", s => s.ClipNorm, s => s with { ClipNorm = null }),
        ("lambda", s => s.Lambda, s => s with { Lambda = null }),
        ("combine", s => s.Combine, s => s with { Combine = null }),
        ("mc-samples", s => s.McSamples, s => s with { McSamples = null }),
        ("is-samples", s => s.ImportanceSamples, s => s with { ImportanceSamples = null }),
        ("records", s => s.Records, s => s with { Records = null }),
        ("checkpoint", s => s.Checkpoint, s => s with { Checkpoint = null }),
        ("target-columns", s => s.TargetColumns, s => s with { TargetColumns = null }),
    ];

    /// <summary>The name of every setting, as entries list them and the command line spells its options (without <c>--</c>).</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Table.Select(t => t.Name)];

    /// <summary>The names of the settings given (not null), in <see cref="Names"/> order.</summary>
    public IEnumerable<string> Given() => Table.Where(t => t.Get(this) is not null).Select(t => t.Name);

    /// <summary>These settings with every one not named in <paramref name="names"/> left out.</summary>
    /// <param name="names">The settings to keep, by <see cref="Names"/>.</param>
    public DetectorSettings Keeping(IReadOnlySet<string> names) => Table.Where(t => !names.Contains(t.Name)).Aggregate(this, (s, t) => t.Clear(s));
}
