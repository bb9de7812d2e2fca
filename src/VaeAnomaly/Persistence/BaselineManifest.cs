using VaeAnomaly.Data;
using VaeAnomaly.Models;

namespace VaeAnomaly.Persistence;

/// <summary>What a baseline model reads.</summary>
public enum BaselineInput
{
    /// <summary>Inputs of one fixed length, flattened: records (one step) or equal-length sequences (<see cref="Detectors.DenseDetector"/>).</summary>
    Fixed,

    /// <summary>Windows cut from sequences of any length at least the window (<see cref="Detectors.WindowAutoencoderDetector"/>).</summary>
    Windows,
}

/// <summary>
/// <c>model.json</c> of a baseline model (dense, LSTM or Conv1D autoencoder, dense VAE): how to rebuild it, how
/// its inputs are scaled or encoded, what it was trained on and its thresholds.
/// </summary>
public sealed record BaselineManifest
{
    /// <summary>Bundle format version (<see cref="BundleManifest.CurrentFormatVersion"/>).</summary>
    public required int FormatVersion { get; init; }

    /// <summary>Version of the tool that wrote the bundle.</summary>
    public required string ToolVersion { get; init; }

    /// <summary>Model name: <c>dense-ae</c>, <c>dense-vae</c>, <c>lstm-ae</c> or <c>conv-ae</c>.</summary>
    public required string Model { get; init; }

    /// <summary>Fixed-length inputs or windows.</summary>
    public required BaselineInput Input { get; init; }

    /// <summary>For windows: <c>dense</c>, <c>lstm</c> or <c>conv</c>; for fixed-length inputs: <c>dense</c>.</summary>
    public required string Family { get; init; }

    /// <summary>Sizes and training settings (the seed among them).</summary>
    public required DenseOptions Options { get; init; }

    /// <summary>Steps per input: the window, or the fixed length.</summary>
    public required int Length { get; init; }

    /// <summary>Steps between training windows (0 for fixed-length inputs).</summary>
    public required int TrainStride { get; init; }

    /// <summary>Steps between scored windows (0 for fixed-length inputs).</summary>
    public required int ScoreStride { get; init; }

    /// <summary>Input channel names in model order (for records: the encoded columns).</summary>
    public required IReadOnlyList<string> Channels { get; init; }

    /// <summary>Per-channel z-score fitted on the training data, or null when the inputs come scaled (records through <see cref="Encoder"/>).</summary>
    public required Standardizer? Scaler { get; init; }

    /// <summary>How raw CSV records become inputs (one-hot text, z-scored numbers), or null for sequences.</summary>
    public required TabularEncoder? Encoder { get; init; }

    /// <summary>Window models: the columns the scores measure (every column stays an input); absent for all.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Targets { get; init; }

    /// <summary>Threshold rule name to threshold, fitted on validation scores only.</summary>
    public required IReadOnlyDictionary<string, double> Thresholds { get; init; }

    /// <summary>
    /// Window models: threshold rule name to threshold of a window's score (its mean squared error), fitted on the
    /// validation windows at the score stride; used for point scores of a series from window scores. Null in bundles
    /// written before baselines scored series.
    /// </summary>
    public IReadOnlyDictionary<string, double>? WindowThresholds { get; init; }

    /// <summary>Window models: threshold of a step's squared error (mean over channels), fitted on the validation windows' steps; null as above.</summary>
    public IReadOnlyDictionary<string, double>? StepThresholds { get; init; }

    /// <summary>Why a rule has no threshold in one of the sets above (<c>score/pot</c>, <c>window/pot</c>, <c>step/pot</c>); null when every rule was fitted.</summary>
    public IReadOnlyDictionary<string, string>? ThresholdNotes { get; init; }

    /// <summary>The rule <c>Predict</c> uses.</summary>
    public required string DefaultThreshold { get; init; }

    /// <summary>What the model was trained on.</summary>
    public required TrainingDataInfo TrainingData { get; init; }

    /// <summary>The weights file and what it must hold.</summary>
    public required WeightsInfo Weights { get; init; }
}
