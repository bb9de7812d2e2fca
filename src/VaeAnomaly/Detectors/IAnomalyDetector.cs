using VaeAnomaly.Data;
using VaeAnomaly.Training;

namespace VaeAnomaly.Detectors;

/// <summary>The contract every detector keeps: fit on normal data, score, flag.</summary>
public interface IAnomalyDetector : IDisposable
{
    /// <summary>Scores above this are anomalous. NaN until fitted.</summary>
    double Threshold { get; }

    /// <summary>Learns normal behaviour from <paramref name="train"/>; <paramref name="validation"/> (normal only) drives early stopping and the threshold.</summary>
    /// <param name="train">Unscaled training sequences.</param>
    /// <param name="validation">Unscaled normal validation sequences.</param>
    /// <param name="progress">Receives one report per epoch.</param>
    /// <param name="ct">Stops training between batches.</param>
    void Fit(SequenceSet train, SequenceSet validation, IProgress<EpochReport>? progress = null, CancellationToken ct = default);

    /// <summary>One score per sequence; higher is more anomalous.</summary>
    /// <param name="data">Unscaled sequences with the training channels.</param>
    float[] Score(SequenceSet data);

    /// <summary>Writes the fitted detector as a bundle (<c>model.json</c>, weights, <c>history.csv</c>); <see cref="DetectorFiles.Load"/> reads it back.</summary>
    /// <param name="directory">An existing, empty folder (a staging folder: see <see cref="IO.StagedDirectory"/>).</param>
    void Save(string directory);

    /// <summary>The training history, one row per epoch run.</summary>
    IReadOnlyList<EpochReport> History { get; }

    /// <summary>True where the score exceeds <see cref="Threshold"/>.</summary>
    /// <param name="data">Unscaled sequences with the training channels.</param>
    bool[] Predict(SequenceSet data);
}
