namespace VaeAnomaly.Scoring;

/// <summary>How a trained VAE's scores are computed and combined.</summary>
public sealed record ScoringOptions
{
    /// <summary>Weight of the KL part in the combined score.</summary>
    public double Lambda { get; init; } = 1.0;

    /// <summary>Standardised (default) or raw combination.</summary>
    public CombineMode Combine { get; init; } = CombineMode.Standardized;

    /// <summary>0 decodes the posterior mean; N &gt; 0 averages the error over N sampled latents.</summary>
    public int McSamples { get; init; }

    /// <summary>Sequences per inference batch.</summary>
    public int BatchSize { get; init; } = 256;
}
