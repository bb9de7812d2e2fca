using System.Text.Json.Serialization;

namespace VaeAnomaly.Evaluation;

/// <summary>Whether normal and anomalous inputs form distinct groups in the latent space.</summary>
/// <param name="Silhouette">Mean silhouette of the two groups (normal, anomalous) of posterior means, Euclidean: 1 well apart, 0 overlapping.</param>
/// <param name="MahalanobisSeparation">Mean Mahalanobis distance of anomalies over that of normals: 1 means no separation.</param>
public sealed record LatentSeparation(
    [property: JsonPropertyName("silhouette")] double Silhouette,
    [property: JsonPropertyName("mahalanobis_separation")] double MahalanobisSeparation)
{
    /// <summary>Computes both; both groups must be present.</summary>
    /// <param name="means">Posterior means.</param>
    /// <param name="labels">True for anomalies.</param>
    /// <param name="mahalanobis">Mahalanobis distance of each posterior mean.</param>
    public static LatentSeparation Compute(IReadOnlyList<float[]> means, IReadOnlyList<bool> labels, IReadOnlyList<float> mahalanobis)
    {
        if (!labels.Any(l => l) || labels.All(l => l))
        {
            throw new ArgumentException("Separation needs both normal and anomalous inputs.", nameof(labels));
        }

        double silhouette = 0;
        for (var i = 0; i < means.Count; i++)
        {
            double own = 0, other = 0;
            int ownCount = 0, otherCount = 0;
            for (var j = 0; j < means.Count; j++)
            {
                if (i == j)
                {
                    continue;
                }

                var d = Distance(means[i], means[j]);
                if (labels[j] == labels[i])
                {
                    own += d;
                    ownCount++;
                }
                else
                {
                    other += d;
                    otherCount++;
                }
            }

            if (ownCount == 0)
            {
                continue; // a singleton group's silhouette is 0 by convention
            }

            var (a, b) = (own / ownCount, other / otherCount);
            silhouette += Math.Max(a, b) > 0 ? (b - a) / Math.Max(a, b) : 0;
        }

        var anomalous = mahalanobis.Where((_, i) => labels[i]).Average(v => (double)v);
        var normal = mahalanobis.Where((_, i) => !labels[i]).Average(v => (double)v);
        return new LatentSeparation(silhouette / means.Count, normal > 0 ? anomalous / normal : double.NaN);
    }

    private static double Distance(float[] a, float[] b)
    {
        double sum = 0;
        for (var k = 0; k < a.Length; k++)
        {
            sum += (a[k] - b[k]) * (a[k] - b[k]);
        }

        return Math.Sqrt(sum);
    }
}
