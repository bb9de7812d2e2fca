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

    /// <summary>The name of every setting, as entries list them and the command line spells its options (without <c>--</c>).</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "variant", "epochs", "batch-size", "lr", "patience", "latent", "beta", "window", "train-stride", "score-stride", "scaler", "time-features",
        "aggregate", "kl-warmup", "cosine", "lr-warmup", "clip-norm", "lambda", "combine", "mc-samples", "is-samples", "records", "checkpoint", "target-columns",
    ];

    /// <summary>The names of the settings given (not null), in <see cref="Names"/> order.</summary>
    public IEnumerable<string> Given()
    {
        object?[] values =
        [
            Variant, Epochs, BatchSize, LearningRate, Patience, Latent, Beta, Window, TrainStride, ScoreStride, Scaler, TimeFeatures,
            Aggregate, KlWarmup, Cosine, LrWarmup, ClipNorm, Lambda, Combine, McSamples, ImportanceSamples, Records, Checkpoint, TargetColumns,
        ];
        return Names.Where((_, i) => values[i] is not null);
    }
}
