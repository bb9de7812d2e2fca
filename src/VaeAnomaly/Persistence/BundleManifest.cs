using VaeAnomaly.Data;
using VaeAnomaly.Models;
using VaeAnomaly.Scoring;
using VaeAnomaly.Training;

namespace VaeAnomaly.Persistence;

/// <summary>
/// <c>model.json</c>: everything needed to rebuild and trust a trained detector: how it was built,
/// what it was trained on, how its scores are scaled, and its thresholds.
/// </summary>
public sealed record BundleManifest
{
    /// <summary>The bundle format this code writes and reads.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>Bundle format version.</summary>
    public required int FormatVersion { get; init; }

    /// <summary>Version of the tool that wrote the bundle.</summary>
    public required string ToolVersion { get; init; }

    /// <summary>Model name, e.g. <c>gru-vae</c>.</summary>
    public required string Model { get; init; }

    /// <summary>Seed of the training run.</summary>
    public required int Seed { get; init; }

    /// <summary>Channel names in the order the model reads them.</summary>
    public required IReadOnlyList<string> Channels { get; init; }

    /// <summary>Shortest training sequence.</summary>
    public required int MinLength { get; init; }

    /// <summary>Longest training sequence.</summary>
    public required int MaxLength { get; init; }

    /// <summary>Architecture and beta.</summary>
    public required GruVaeOptions ModelOptions { get; init; }

    /// <summary>Optimisation settings used.</summary>
    public required TrainerOptions TrainerOptions { get; init; }

    /// <summary>Score settings.</summary>
    public required ScoringOptions Scoring { get; init; }

    /// <summary>Per-channel scaler fitted on the training split.</summary>
    public required Standardizer Scaler { get; init; }

    /// <summary>Standardisation of the combined score, fitted on validation scores.</summary>
    public required ScoreCombiner Combiner { get; init; }

    /// <summary>Decoder variance and training latent distribution of the likelihood and Mahalanobis scores.</summary>
    public required LatentScoring Latent { get; init; }

    /// <summary>KL per latent dimension and active units on the validation data.</summary>
    public required Evaluation.LatentUsage ValidationLatentUsage { get; init; }

    /// <summary>Score kind name to threshold rule name to threshold, fitted on validation scores only.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Thresholds { get; init; }

    /// <summary>Rule name to threshold of per-time-step reconstruction errors (series scoring), fitted on validation step errors.</summary>
    public required IReadOnlyDictionary<string, double> PointThresholds { get; init; }

    /// <summary>Combiner and thresholds of single windows (windowed models; absent in bundles written before point scores from windows).</summary>
    public WindowScoring? Windows { get; init; }

    /// <summary>
    /// Why a rule has no threshold in one of the sets above (<c>set/rule</c>, e.g. <c>step/pot</c>: POT needs at least two
    /// validation scores above its initial quantile); null when every rule was fitted.
    /// </summary>
    public IReadOnlyDictionary<string, string>? ThresholdNotes { get; init; }

    /// <summary>The rule <c>Predict</c> uses.</summary>
    public required string DefaultThreshold { get; init; }

    /// <summary>What the model was trained on.</summary>
    public required TrainingDataInfo TrainingData { get; init; }

    /// <summary>The watched columns whose errors make the reconstruction score and the per-step errors; absent for all.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Targets { get; init; }

    /// <summary>The weights file and what it must hold.</summary>
    public required WeightsInfo Weights { get; init; }
}

/// <summary>Counts and fingerprint of the training and validation data.</summary>
/// <param name="TrainSequences">Training sequences.</param>
/// <param name="TrainSteps">Training time steps (CSV rows).</param>
/// <param name="ValidationSequences">Validation sequences.</param>
/// <param name="ValidationSteps">Validation time steps.</param>
/// <param name="Fingerprint">SHA-256 over both sets' content.</param>
public sealed record TrainingDataInfo(int TrainSequences, long TrainSteps, int ValidationSequences, long ValidationSteps, string Fingerprint)
{
    /// <summary>Time steps the model was fitted on, training and validation: a stream's scale (its surprise history, its rest).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long Steps => TrainSteps + ValidationSteps;

    /// <summary>The normal data the thresholds were fitted on anew after training (<c>calibrate</c>), or null: fitted on the validation part.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public CalibrationInfo? Calibration { get; init; }
}

/// <summary>The normal data a bundle's thresholds were fitted on after training, its model unchanged.</summary>
/// <param name="Sequences">Sequences (a series: one; records: one per record).</param>
/// <param name="Steps">Time steps (CSV rows).</param>
/// <param name="Fingerprint">SHA-256 over the data's content, as <see cref="TrainingDataInfo.Fingerprint"/>.</param>
/// <param name="Source">The file's name, as given.</param>
public sealed record CalibrationInfo(int Sequences, long Steps, string Fingerprint, string Source);

/// <summary>The weights file, its digest and its tensors' shapes.</summary>
/// <param name="File">File name inside the bundle.</param>
/// <param name="Sha256">Digest of the file, prefixed with <c>sha256:</c>.</param>
/// <param name="Parameters">Tensor name to shape.</param>
public sealed record WeightsInfo(string File, string Sha256, IReadOnlyDictionary<string, long[]> Parameters);
