namespace VaeAnomaly.Scoring;

/// <summary>Per-sequence and per-step scores of one set, aligned with its sequences. Higher is more anomalous.</summary>
/// <param name="Reconstruction">Mean squared error over the sequence's real steps and channels (scaled units).</param>
/// <param name="Kl">KL of the posterior from N(0, I), summed over latent dimensions (nats).</param>
/// <param name="StepErrors">Per sequence, per step: squared error averaged over channels.</param>
/// <param name="ChannelErrors">Per sequence, per channel: squared error averaged over real steps.</param>
/// <param name="LatentMeans">Per sequence: the posterior mean (latent dimensions).</param>
public sealed record SequenceScores(float[] Reconstruction, float[] Kl, float[][] StepErrors, float[][] ChannelErrors, float[][] LatentMeans)
{
    /// <summary>Number of sequences.</summary>
    public int Count => Reconstruction.Length;

    /// <summary>
    /// The channels <see cref="Reconstruction"/> and <see cref="StepErrors"/> measure (the watched columns), or null for all;
    /// <see cref="ChannelErrors"/> keep every channel, and an <see cref="Attribution"/> shares the error among these.
    /// </summary>
    public int[]? Watched { get; init; }

    /// <summary>Per sequence: the posterior log-variance (of the worst window for windowed models).</summary>
    public float[][] LatentLogVars { get; init; } = [];

    /// <summary>Mahalanobis distance of the posterior mean from the training posterior means (empty when not computed).</summary>
    public float[] Mahalanobis { get; init; } = [];

    /// <summary>Negative ELBO per time step: -log p(x|z) under the Gaussian decoder at the posterior mean, plus KL, over the length (empty when not computed).</summary>
    public float[] Elbo { get; init; } = [];

    /// <summary>Importance-sampled -log p(x) per time step (empty when not computed).</summary>
    public float[] NllIs { get; init; } = [];

    /// <summary>The scores of one kind other than <see cref="ScoreKind.Combined"/>.</summary>
    /// <param name="kind">Reconstruction or KL.</param>
    public float[] Of(ScoreKind kind) => kind switch
    {
        ScoreKind.Reconstruction => Reconstruction,
        ScoreKind.Kl => Kl,
        ScoreKind.Mahalanobis => Mahalanobis,
        ScoreKind.Elbo => Elbo,
        ScoreKind.NllIs => NllIs,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "The combined score needs a fitted combiner."),
    };
}
