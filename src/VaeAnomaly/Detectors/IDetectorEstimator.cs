using VaeAnomaly.Data;
using VaeAnomaly.Training;

namespace VaeAnomaly.Detectors;

/// <summary>Learns what normal looks like from options; returns a model that cannot be half-fitted (ML.NET's estimator, pyod's <c>fit</c>).</summary>
public interface IDetectorEstimator
{
    /// <summary>The model's name, as the registry and bundles know it: <c>gru-vae</c>, <c>conv-ae</c>, ...</summary>
    string Name { get; }

    /// <summary>Most epochs the fit runs (1 for a model fitted in one pass), for progress bars.</summary>
    int Epochs { get; }

    /// <summary>Learns normal behaviour from <paramref name="train"/>; <paramref name="validation"/> (normal only) drives early stopping and every threshold.</summary>
    /// <param name="train">Unscaled training sequences.</param>
    /// <param name="validation">Unscaled normal validation sequences.</param>
    /// <param name="progress">Receives one report per epoch.</param>
    /// <param name="ct">Stops training between batches.</param>
    /// <returns>The fitted model; the caller disposes it.</returns>
    /// <exception cref="ArgumentException">Data the model cannot be fitted on, said before any training.</exception>
    IFittedDetector Fit(SequenceSet train, SequenceSet validation, IProgress<EpochReport>? progress = null, CancellationToken ct = default);
}
