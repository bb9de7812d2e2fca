namespace VaeAnomaly.Scoring;

/// <summary>How a trained VAE's scores are computed and combined.</summary>
public sealed record ScoringOptions
{
    /// <summary>Largest number of sampled latents per sequence (<see cref="McSamples"/>, <see cref="ImportanceSamples"/>).</summary>
    public const int MaxSamples = 10_000;

    /// <summary>Weight of the KL part in the combined score.</summary>
    public double Lambda { get; init; } = 1.0;

    /// <summary>Standardised (default) or raw combination.</summary>
    public CombineMode Combine { get; init; } = CombineMode.Standardized;

    /// <summary>0 decodes the posterior mean; N &gt; 0 averages the error over N sampled latents.</summary>
    public int McSamples { get; init; }

    /// <summary>Steps between scored windows when the model reads windows; 0 means a quarter of the window.</summary>
    public int WindowStride { get; init; }

    /// <summary>How a sequence's window scores become its score.</summary>
    public WindowAggregate Aggregate { get; init; } = WindowAggregate.Max;

    /// <summary>K, the samples of the importance-sampled -log p(x) score (<c>nll-is</c>).</summary>
    public int ImportanceSamples { get; init; } = 32;

    /// <summary>Sequences per inference batch.</summary>
    public int BatchSize { get; init; } = 256;
}
