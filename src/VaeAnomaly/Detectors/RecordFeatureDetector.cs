using VaeAnomaly.Data;
using VaeAnomaly.Persistence;
using VaeAnomaly.Scoring;
using VaeAnomaly.Thresholds;
using VaeAnomaly.Training;

namespace VaeAnomaly.Detectors;

/// <summary>
/// <c>pca</c> or <c>knn</c> fitted on CSV records (<see cref="DetectorSettings.Records"/>): each record, encoded as the
/// dense models of records encode it (numbers z-scored, text one-hot), is a window of one step, so the score is the
/// record's squared reconstruction error from the principal components, or its mean squared distance to the nearest
/// training records: the simple references beside the dense VAE on tabular data, as PyOD's PCA and KNN are. It has no
/// point scores: a records bundle reads records, never a series.
/// </summary>
public sealed class RecordFeatureDetector : IFittedDetector, IReadsRecords, IExplainsInputs, IRecalibrates
{
    private readonly WindowFeatureDetector inner;

    internal RecordFeatureDetector(WindowFeatureDetector inner)
    {
        ArgumentNullException.ThrowIfNull(inner.Encoder);
        this.inner = inner;
    }

    /// <inheritdoc />
    public string Name => inner.Name;

    /// <summary>The window-feature model of one-step windows it scores with (its ONNX graph and engine are that model's).</summary>
    internal WindowFeatureDetector Inner => inner;

    /// <inheritdoc />
    public IReadOnlyList<string> Channels => inner.Channels;

    /// <inheritdoc />
    public ThresholdSet Thresholds => inner.Thresholds;

    /// <inheritdoc />
    public IReadOnlyList<EpochReport> History => inner.History;

    /// <inheritdoc />
    public TrainingDataInfo TrainingData => inner.TrainingData;

    /// <inheritdoc />
    public TabularEncoder? Encoder => inner.Encoder;

    /// <inheritdoc />
    public float[] Score(SequenceSet data) => inner.Score(data);

    /// <inheritdoc />
    public void Save(string directory) => inner.Save(directory);

    /// <inheritdoc />
    public IReadOnlyList<KeyValuePair<string, IReadOnlyList<float>>> ThresholdScores(SequenceSet normal, CancellationToken ct = default) => inner.ThresholdScores(normal, ct);

    /// <inheritdoc />
    public void Recalibrate(ThresholdSet thresholds, CalibrationInfo calibration) => inner.Recalibrate(thresholds, calibration);

    /// <summary>
    /// What made each record's score: its squared errors (against the components, or the nearest records) gathered by
    /// CSV column, a text column's one-hot inputs together, as the dense models of records explain theirs.
    /// </summary>
    public IReadOnlyList<Attribution> Explain(SequenceSet data)
    {
        inner.Shape.CheckChannels(data);
        var squared = inner.Model.SquaredErrors(inner.Scaler.Transform(data));
        var (names, group) = DenseDetector.RecordColumns(inner.Encoder!);
        var width = inner.Channels.Count;
        var explanations = new Attribution[data.Count];
        for (var i = 0; i < data.Count; i++)
        {
            var perColumn = new float[names.Length];
            for (var c = 0; c < width; c++)
            {
                perColumn[group[c]] += squared[(i * width) + c];
            }

            explanations[i] = Attribution.Of(names, new SequenceScores([perColumn.Sum()], [0], [[perColumn.Sum()]], [perColumn], [[]]), 0);
        }

        return explanations;
    }

    /// <inheritdoc />
    public void Dispose() => inner.Dispose();

    /// <summary>A loaded window-feature bundle as the detector it was fitted as: of records when it keeps an encoder.</summary>
    internal static IFittedDetector Wrap(WindowFeatureDetector loaded) => loaded.Encoder is null ? loaded : new RecordFeatureDetector(loaded);

    /// <summary>
    /// Refuses an encoder that does not make the model's inputs (its values are checked as every manifest's encoder is,
    /// <see cref="ManifestValidation.Check(TabularEncoder, int, string)"/>): its columns must be the channels, in order,
    /// read one step at a time, every one watched.
    /// </summary>
    internal static void Check(TabularEncoder encoder, WindowFeatureShape shape)
    {
        if (!encoder.Columns.SequenceEqual(shape.Channels) || shape.Window != 1 || !shape.Targets.SequenceEqual(shape.Channels))
        {
            throw new ArgumentException($"a model of records reads windows of 1 step of every encoded column; got window {shape.Window} and {encoder.Columns.Count} encoded columns for {shape.Channels.Count} channels");
        }
    }
}
