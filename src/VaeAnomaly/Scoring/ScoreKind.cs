namespace VaeAnomaly.Scoring;

/// <summary>The sequence-level scores a VAE produces.</summary>
public enum ScoreKind
{
    /// <summary>Mean squared reconstruction error.</summary>
    Reconstruction,

    /// <summary>KL divergence of the posterior from the prior.</summary>
    Kl,

    /// <summary>Reconstruction plus lambda times KL.</summary>
    Combined,

    /// <summary>Mahalanobis distance of the posterior mean from the training posterior means.</summary>
    Mahalanobis,

    /// <summary>Negative ELBO per step under the Gaussian decoder.</summary>
    Elbo,

    /// <summary>Importance-sampled -log p(x) per step.</summary>
    NllIs,
}

/// <summary>Names of <see cref="ScoreKind"/> as they appear in files and on the command line.</summary>
public static class ScoreKinds
{
    /// <summary>Every kind, in report order.</summary>
    public static IReadOnlyList<ScoreKind> All { get; } = [ScoreKind.Reconstruction, ScoreKind.Kl, ScoreKind.Combined, ScoreKind.Mahalanobis, ScoreKind.Elbo, ScoreKind.NllIs];

    /// <summary><c>reconstruction</c>, <c>kl</c> or <c>combined</c>.</summary>
    /// <param name="kind">The kind.</param>
    public static string Name(this ScoreKind kind) => kind switch
    {
        ScoreKind.Reconstruction => "reconstruction",
        ScoreKind.Kl => "kl",
        ScoreKind.Combined => "combined",
        ScoreKind.Mahalanobis => "mahalanobis",
        ScoreKind.Elbo => "elbo",
        _ => "nll-is",
    };

    /// <summary>Parses a name written by <see cref="Name"/>.</summary>
    /// <param name="name">The name.</param>
    public static ScoreKind Parse(string name) =>
        All.FirstOrDefault(k => k.Name() == name, (ScoreKind)(-1)) is var kind && kind >= 0
            ? kind
            : throw new ArgumentException($"Unknown score '{name}'; expected one of {string.Join(", ", All.Select(k => k.Name()))}.");
}
