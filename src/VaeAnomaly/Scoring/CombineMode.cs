namespace VaeAnomaly.Scoring;

/// <summary>How the combined score joins reconstruction error and KL.</summary>
public enum CombineMode
{
    /// <summary><c>z_rec + lambda * z_kl</c>, each part z-scored with the validation (normal) scores' mean and standard deviation.</summary>
    Standardized,

    /// <summary><c>reconstruction + lambda * kl</c> as written in the literature; the parts' scales differ.</summary>
    Raw,
}
