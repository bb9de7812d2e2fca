using VaeAnomaly.Data;
using VaeAnomaly.Thresholds;
using VaeAnomaly.Training;

namespace VaeAnomaly.Detectors;

/// <summary>Fits the threshold in one place, on normal validation scores only.</summary>
/// <param name="rule">How the threshold is chosen.</param>
public abstract class DetectorBase(IThresholdRule rule) : IAnomalyDetector
{
    /// <inheritdoc />
    public double Threshold { get; private set; } = double.NaN;

    /// <summary>The rule that sets <see cref="Threshold"/>.</summary>
    public IThresholdRule Rule { get; } = rule;

    /// <inheritdoc />
    public void Fit(SequenceSet train, SequenceSet validation, IProgress<EpochReport>? progress = null, CancellationToken ct = default)
    {
        ValidationScores = FitCore(train, validation, progress, ct);
        try
        {
            Threshold = Rule.Fit(ValidationScores);
        }
        catch (ArgumentException) when (validation.Count == 1)
        {
            // A series validates on one sequence: a sequence-level rule such as POT cannot be fitted on one score,
            // and series are flagged by their point or window thresholds instead.
            Threshold = double.NaN;
        }
    }

    /// <summary>The validation scores the threshold was fitted on (empty for a detector loaded from disk).</summary>
    public IReadOnlyList<float> ValidationScores { get; private set; } = [];

    /// <inheritdoc />
    public abstract float[] Score(SequenceSet data);

    /// <summary>The model's name, as <c>--model</c> takes it: <c>gru-vae</c>, <c>dense-ae</c>, <c>dense-vae</c>, <c>lstm-ae</c> or <c>conv-ae</c>.</summary>
    public abstract string Name { get; }

    /// <inheritdoc />
    public abstract IReadOnlyList<EpochReport> History { get; }

    /// <inheritdoc />
    public abstract void Save(string directory);

    /// <inheritdoc />
    public bool[] Predict(SequenceSet data) => double.IsNaN(Threshold)
        ? throw new InvalidOperationException("Fit the detector first.")
        : Array.ConvertAll(Score(data), s => s > Threshold);

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Trains the model (everything but the threshold) and returns its scores of the validation data, from which the threshold is fitted.</summary>
    /// <param name="train">Unscaled training sequences.</param>
    /// <param name="validation">Unscaled normal validation sequences.</param>
    /// <param name="progress">Receives one report per epoch.</param>
    /// <param name="ct">Stops training between batches.</param>
    /// <returns>One score per validation sequence, as <see cref="Score"/> would give.</returns>
    protected abstract float[] FitCore(SequenceSet train, SequenceSet validation, IProgress<EpochReport>? progress, CancellationToken ct);

    /// <summary>Sets the threshold of a detector loaded from disk.</summary>
    /// <param name="threshold">The stored threshold.</param>
    protected internal void RestoreThreshold(double threshold) => Threshold = threshold;

    /// <summary>Releases native resources.</summary>
    /// <param name="disposing">True from <see cref="Dispose()"/>.</param>
    protected abstract void Dispose(bool disposing);
}
