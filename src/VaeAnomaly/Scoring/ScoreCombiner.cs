namespace VaeAnomaly.Scoring;

/// <summary>The combined score S(x) = reconstruction + lambda * KL, by default on standardised parts.</summary>
/// <param name="Mode">Standardised or raw.</param>
/// <param name="Lambda">Weight of the KL part.</param>
/// <param name="ReconstructionMean">Validation mean of the reconstruction score.</param>
/// <param name="ReconstructionStd">Validation standard deviation of the reconstruction score.</param>
/// <param name="KlMean">Validation mean of the KL score.</param>
/// <param name="KlStd">Validation standard deviation of the KL score.</param>
public sealed record ScoreCombiner(CombineMode Mode, double Lambda, double ReconstructionMean, double ReconstructionStd, double KlMean, double KlStd)
{
    /// <summary>Fits the standardisation on normal validation scores only.</summary>
    /// <param name="validation">Scores of the validation split (normal data).</param>
    /// <param name="lambda">Weight of the KL part.</param>
    /// <param name="mode">Standardised or raw.</param>
    public static ScoreCombiner Fit(SequenceScores validation, double lambda, CombineMode mode = CombineMode.Standardized)
    {
        if (!double.IsFinite(lambda) || lambda < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(lambda), $"lambda must be a finite number >= 0, got {lambda}");
        }

        var (rm, rs) = MeanStd(validation.Reconstruction);
        var (km, ks) = MeanStd(validation.Kl);
        return new ScoreCombiner(mode, lambda, rm, rs, km, ks);
    }

    /// <summary>The combined score of every sequence.</summary>
    /// <param name="scores">Reconstruction and KL scores.</param>
    public float[] Combine(SequenceScores scores)
    {
        var combined = new float[scores.Count];
        for (var i = 0; i < combined.Length; i++)
        {
            combined[i] = Mode == CombineMode.Raw
                ? (float)(scores.Reconstruction[i] + (Lambda * scores.Kl[i]))
                : (float)(((scores.Reconstruction[i] - ReconstructionMean) / ReconstructionStd) + (Lambda * (scores.Kl[i] - KlMean) / KlStd));
        }

        return combined;
    }

    private static (double Mean, double Std) MeanStd(float[] values)
    {
        if (values.Length == 0)
        {
            throw new ArgumentException("Cannot standardise on no validation scores.", nameof(values));
        }

        var mean = values.Average(v => (double)v);
        var std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
        return (mean, std > 1e-12 ? std : 1.0);
    }
}
