namespace VaeAnomaly.Scoring;

/// <summary>Per-sequence and per-step scores of one set, aligned with its sequences. Higher is more anomalous.</summary>
/// <param name="Reconstruction">Mean squared error over the sequence's real steps and channels (scaled units).</param>
/// <param name="Kl">KL of the posterior from N(0, I), summed over latent dimensions (nats).</param>
/// <param name="StepErrors">Per sequence, per step: squared error averaged over channels.</param>
public sealed record SequenceScores(float[] Reconstruction, float[] Kl, float[][] StepErrors)
{
    /// <summary>Number of sequences.</summary>
    public int Count => Reconstruction.Length;
}
