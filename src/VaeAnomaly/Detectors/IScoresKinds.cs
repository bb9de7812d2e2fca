using VaeAnomaly.Data;
using VaeAnomaly.Evaluation;

namespace VaeAnomaly.Detectors;

/// <summary>A capability: the model gives several score kinds per sequence (the GRU-VAE's reconstruction, KL, latent and likelihood scores).</summary>
public interface IScoresKinds
{
    /// <summary>Every score kind of <paramref name="data"/>, with per-step errors and posterior means.</summary>
    /// <param name="data">Unscaled sequences with the training channels.</param>
    DetectorScores ScoreAll(SequenceSet data);

    /// <summary>KL per latent dimension and active units on the validation data (posterior collapse at a glance).</summary>
    LatentUsage ValidationLatentUsage { get; }
}
