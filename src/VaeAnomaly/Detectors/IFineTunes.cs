using VaeAnomaly.Data;

namespace VaeAnomaly.Detectors;

/// <summary>A fitted model that can be trained further on newer data, starting from what it has learnt (<see cref="Streaming.OnlineDetector"/>).</summary>
public interface IFineTunes
{
    /// <summary>A new model: this one trained further on <paramref name="train"/>, its thresholds fitted again on <paramref name="validation"/>; this one is left as it was.</summary>
    /// <param name="train">Unscaled training sequences, each at least one window long.</param>
    /// <param name="validation">Unscaled normal validation sequences, each at least one window long.</param>
    /// <param name="epochs">Epochs of further training.</param>
    /// <param name="ct">Stops training between batches.</param>
    /// <returns>The new model; the caller disposes it.</returns>
    IFittedDetector FineTune(SequenceSet train, SequenceSet validation, int epochs, CancellationToken ct = default);
}
