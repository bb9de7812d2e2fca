namespace VaeAnomaly.Data;

/// <summary>Options of the synthetic-v1 benchmark generator (<c>shared/specs/synthetic-v1.md</c>); defaults are the spec's.</summary>
public sealed record SyntheticOptions
{
    /// <summary>Channels C.</summary>
    public int Channels { get; init; } = 8;

    /// <summary>Pattern clusters K.</summary>
    public int Clusters { get; init; } = 4;

    /// <summary>Latent sinusoidal factors per cluster.</summary>
    public int Factors { get; init; } = 3;

    /// <summary>Training sequences (all normal unless <see cref="Contamination"/> is set).</summary>
    public int Train { get; init; } = 2000;

    /// <summary>Validation sequences, all normal.</summary>
    public int Validation { get; init; } = 500;

    /// <summary>Test sequences.</summary>
    public int Test { get; init; } = 1000;

    /// <summary>Fraction of anomalous test sequences; exactly round(ratio * n) are anomalous.</summary>
    public double AnomalyRatio { get; init; } = 0.1;

    /// <summary>Fraction of anomalous training sequences (0 in the spec's default).</summary>
    public double Contamination { get; init; }

    /// <summary>Shortest sequence length (inclusive).</summary>
    public int MinLength { get; init; } = 50;

    /// <summary>Longest sequence length (inclusive).</summary>
    public int MaxLength { get; init; } = 200;

    /// <summary>Seed; the same seed gives the same data.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        Require(Channels >= 2, $"channels must be at least 2 (anomalies touch 1..C/2 channels); got {Channels}");
        Require(Clusters >= 1, $"clusters must be at least 1; got {Clusters}");
        Require(Factors >= 1, $"factors must be at least 1; got {Factors}");
        Require(Train >= 1 && Validation >= 1 && Test >= 1, $"train, val and test counts must be positive; got {Train}, {Validation} and {Test}");
        Require(AnomalyRatio is >= 0 and <= 1, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"anomaly ratio must lie in [0, 1]; got {AnomalyRatio}"));
        Require(Contamination is >= 0 and <= 1, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"contamination must lie in [0, 1]; got {Contamination}"));
        Require(MinLength >= 10, $"min length must be at least 10 (anomaly windows need room); got {MinLength}");
        Require(MaxLength >= MinLength, $"max length ({MaxLength}) must be at least min length ({MinLength})");
        var most = ((long)Train + Validation + Test) * MaxLength * Channels;
        Require(most <= MaxValues, $"(train + val + test) x max length x channels may be at most {MaxValues:N0} values, all held in memory at once; "
            + $"these options allow up to {most:N0}: ask for fewer or shorter sequences, or fewer channels");
    }

    /// <summary>Most values a run may generate, counted at the longest length (about 1 GB of floats; the spec's defaults make 5.6 million).</summary>
    public const long MaxValues = 250_000_000;

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
