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

    /// <summary>True where the score exceeds <see cref="Threshold"/>.</summary>
    /// <param name="data">Unscaled sequences with the training channels.</param>
    bool[] Predict(SequenceSet data);
}
