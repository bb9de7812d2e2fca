namespace VaeAnomaly.Models;

/// <summary>Architecture and objective of <see cref="GruVae"/>; saved beside the weights.</summary>
public sealed record GruVaeOptions
{
    /// <summary>Input channels C.</summary>
    public int Channels { get; init; }

    /// <summary>Hidden sizes of the two encoder GRUs.</summary>
    public IReadOnlyList<int> EncoderSizes { get; init; } = [64, 32];

    /// <summary>Hidden sizes of the two decoder GRUs; the latent is projected to the first.</summary>
    public IReadOnlyList<int> DecoderSizes { get; init; } = [32, 64];

    /// <summary>Latent dimensions.</summary>
    public int Latent { get; init; } = 16;

    /// <summary>Weight of the KL term in the beta-ELBO.</summary>
    public double Beta { get; init; } = 3.0;

    /// <summary>
    /// 0: the model reads whole sequences. W &gt; 0: it is trained on windows of W steps cut from the
    /// sequences, and a sequence is scored from its windows (see <see cref="Scoring.ScoringOptions"/>).
    /// </summary>
    public int Window { get; init; }

    /// <summary>
    /// Number of sine/cosine pairs of the time step (periods 8, 16, 32, ... steps) given to the decoder
    /// beside the latent projection, so it can place the pattern in time; 0 gives it the latent only.
    /// Only the step index is given, never the observed values.
    /// </summary>
    public int TimeFeatures { get; init; }

    /// <summary>How each channel is scaled before the model sees it, fitted on the training part only.</summary>
    public Data.ScalerKind Scaler { get; init; } = Data.ScalerKind.ZScore;

    /// <summary>Seed of weight initialisation and sampling.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Largest size accepted for any layer, channel count or window, so a tampered bundle cannot ask for huge allocations.</summary>
    public const int MaxSize = 65_536;

    /// <summary>Largest latent size: its latent x latent covariance (1.85 MB of JSON at 256) must fit in model.json, read back up to 4 MiB; at 512 it did not.</summary>
    public const int MaxLatent = 256;

    /// <summary>Largest number of weights a model may have (400 MB of float32), checked before any is allocated.</summary>
    public const long MaxParameters = 100_000_000;

    /// <summary>Largest number of sine/cosine pairs of the time step.</summary>
    public const int MaxTimeFeatures = 16;

    /// <summary>The number of weights these options build (four GRUs, four linear maps).</summary>
    public long ParameterCount
    {
        get
        {
            static long Gru(long input, long hidden) => (3 * hidden * (input + hidden)) + (6 * hidden);
            static long Linear(long input, long output) => (input * output) + output;
            var (e0, e1, d0, d1) = ((long)EncoderSizes[0], (long)EncoderSizes[1], (long)DecoderSizes[0], (long)DecoderSizes[1]);
            return Gru(Channels, e0) + Gru(e0, e1) + (2 * Linear(e1, Latent)) + Linear(Latent, d0)
                + Gru(d0 + (2L * TimeFeatures), d0) + Gru(d0, d1) + Linear(d1, Channels);
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (new[] { Channels, Latent, Window }.Concat(EncoderSizes).Concat(DecoderSizes).Any(v => v > MaxSize))
        {
            throw new ArgumentException($"sizes above {MaxSize} are refused (channels {Channels}, latent {Latent}, window {Window}, encoder [{string.Join(",", EncoderSizes)}], decoder [{string.Join(",", DecoderSizes)}])");
        }

        if (Channels < 1)
        {
            throw new ArgumentException($"channels must be positive, got {Channels}");
        }

        if (EncoderSizes.Count != 2 || DecoderSizes.Count != 2 || EncoderSizes.Concat(DecoderSizes).Any(s => s < 1))
        {
            throw new ArgumentException("encoder and decoder each take two positive sizes");
        }

        if (Latent is < 1 or > MaxLatent)
        {
            throw new ArgumentException($"latent size must lie in 1..{MaxLatent}, got {Latent} (the Mahalanobis score keeps a latent x latent covariance in the bundle's model.json, which is read back only up to 4 MiB)");
        }

        if (TimeFeatures is < 0 or > MaxTimeFeatures)
        {
            throw new ArgumentException($"time features must lie in 0..{MaxTimeFeatures}, got {TimeFeatures}");
        }

        if (ParameterCount > MaxParameters)
        {
            throw new ArgumentException($"these sizes make {ParameterCount:N0} weights; at most {MaxParameters:N0} are accepted (channels {Channels}, latent {Latent}, encoder [{string.Join(",", EncoderSizes)}], decoder [{string.Join(",", DecoderSizes)}])");
        }

        if (Window < 0)
        {
            throw new ArgumentException($"window must be 0 (whole sequences) or positive, got {Window}");
        }

        if (Beta < 0 || !double.IsFinite(Beta))
        {
            throw new ArgumentException($"beta must be a finite number >= 0, got {Beta}");
        }
    }
}
