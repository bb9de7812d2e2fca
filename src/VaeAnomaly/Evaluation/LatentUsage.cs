using System.Text.Json.Serialization;

namespace VaeAnomaly.Evaluation;

/// <summary>How much of the latent space a VAE uses: posterior collapse shows as dimensions with KL near 0.</summary>
/// <param name="KlPerDimension">Mean KL of each latent dimension's posterior from N(0, 1), nats.</param>
/// <param name="ActiveUnits">Dimensions whose posterior mean varies across inputs (variance &gt; 0.01; Burda et al. 2016).</param>
public sealed record LatentUsage(
    [property: JsonPropertyName("kl_per_dimension")] double[] KlPerDimension,
    [property: JsonPropertyName("active_units")] int ActiveUnits)
{
    /// <summary>The variance of a dimension's posterior mean above which it counts as active.</summary>
    public const double ActiveThreshold = 0.01;

    /// <summary>Computes both from posterior parameters of (normal) data.</summary>
    /// <param name="means">Posterior means, one per input.</param>
    /// <param name="logVars">Posterior log-variances, aligned.</param>
    public static LatentUsage Compute(IReadOnlyList<float[]> means, IReadOnlyList<float[]> logVars)
    {
        var d = means[0].Length;
        var kl = new double[d];
        var active = 0;
        for (var j = 0; j < d; j++)
        {
            double sum = 0, sumSq = 0, klSum = 0;
            for (var i = 0; i < means.Count; i++)
            {
                double m = means[i][j], lv = logVars[i][j];
                sum += m;
                sumSq += m * m;
                klSum += 0.5 * ((m * m) + Math.Exp(lv) - 1 - lv);
            }

            kl[j] = klSum / means.Count;
            var mean = sum / means.Count;
            if ((sumSq / means.Count) - (mean * mean) > ActiveThreshold)
            {
                active++;
            }
        }

        return new LatentUsage(kl, active);
    }
}
