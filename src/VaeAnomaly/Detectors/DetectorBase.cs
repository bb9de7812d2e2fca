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
        notes.Clear();
        ValidationScores = FitCore(train, validation, progress, ct);
        SequenceThresholds = ThresholdRules.FitAll(ValidationScores, SequenceScoreSet, notes);

        // A rule that cannot be fitted (POT on a few scores; a series validates on one sequence) leaves no threshold
        // and a note of why; asking for it is refused with that note (RequireThreshold).
        try
        {
            var value = Rule.Fit(ValidationScores);
            Threshold = double.IsFinite(value) ? value : throw new ArgumentException($"it fitted {value}");
        }
        catch (ArgumentException e)
        {
            Threshold = double.NaN;
            notes[ThresholdRules.NoteKey(SequenceScoreSet, Rule.Name)] = ThresholdRules.Reason(e);
        }
    }

    /// <summary>Every rule's threshold of the sequence (or record) score, fitted on the validation scores; rules that could not be fitted are absent.</summary>
    public IReadOnlyDictionary<string, double> SequenceThresholds { get; private set; } = new Dictionary<string, double>();

    /// <summary>Why each absent threshold could not be fitted, by <see cref="ThresholdRules.NoteKey"/>.</summary>
    public IReadOnlyDictionary<string, string> ThresholdNotes => notes;

    /// <summary>The name of the sequence score's set in <see cref="ThresholdNotes"/>.</summary>
    protected virtual string SequenceScoreSet => "score";

    /// <summary>The notes, for detectors that fit more thresholds than the sequence score's.</summary>
    protected IDictionary<string, string> Notes => notes;

    private readonly Dictionary<string, string> notes = new(StringComparer.Ordinal);

    /// <summary><see cref="Threshold"/>, or an error that says why the rule could not be fitted.</summary>
    /// <exception cref="ArgumentException">The rule has no threshold in this model.</exception>
    public double RequireThreshold() => double.IsFinite(Threshold)
        ? Threshold
        : ThresholdRules.Lookup(SequenceThresholds, Rule.Name, SequenceScoreSet, ThresholdNotes);

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
    public bool[] Predict(SequenceSet data)
    {
        var threshold = RequireThreshold();
        return Array.ConvertAll(Score(data), s => s > threshold);
    }

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

    /// <summary>Restores the sequence score's thresholds, the chosen rule's value and the notes of a bundle.</summary>
    /// <param name="sequenceThresholds">Rule to threshold of the sequence (or record) score; unfitted rules absent.</param>
    /// <param name="notes">Why rules are absent, as the manifest holds them; null for none.</param>
    protected internal void RestoreThresholds(IReadOnlyDictionary<string, double> sequenceThresholds, IReadOnlyDictionary<string, string>? notes)
    {
        foreach (var (key, note) in notes ?? new Dictionary<string, string>())
        {
            this.notes[key] = note;
        }

        SequenceThresholds = sequenceThresholds;
        Threshold = sequenceThresholds.GetValueOrDefault(Rule.Name, double.NaN);
    }

    /// <summary>The notes as a manifest stores them: sorted, or null when every rule was fitted.</summary>
    protected internal IReadOnlyDictionary<string, string>? NotesForManifest =>
        notes.Count == 0 ? null : new SortedDictionary<string, string>(notes, StringComparer.Ordinal);

    /// <summary>Releases native resources.</summary>
    /// <param name="disposing">True from <see cref="Dispose()"/>.</param>
    protected abstract void Dispose(bool disposing);
}
