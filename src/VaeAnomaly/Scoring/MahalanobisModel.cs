namespace VaeAnomaly.Scoring;

/// <summary>
/// The distribution of training posterior means, for the Mahalanobis distance of a new posterior mean.
/// The covariance is shrunk toward its diagonal, S = (1 - a) C + a diag(C) with a fixed a = 0.1, so it
/// stays invertible when latent dimensions collapse or correlate; a small ridge (1e-6 times the mean
/// variance) guards dimensions with no variance at all.
/// </summary>
/// <param name="Mean">Mean of the training posterior means.</param>
/// <param name="Precision">Inverse of the shrunk covariance, row-major (latent x latent).</param>
public sealed record MahalanobisModel(double[] Mean, double[] Precision)
{
    /// <summary>Shrinkage toward the diagonal.</summary>
    public const double Shrinkage = 0.1;

    /// <summary>Fits mean and shrunk covariance of <paramref name="points"/>.</summary>
    /// <param name="points">Posterior means of the training data.</param>
    public static MahalanobisModel Fit(IReadOnlyList<float[]> points)
    {
        if (points.Count < 2)
        {
            throw new ArgumentException("A Mahalanobis model needs at least two points.", nameof(points));
        }

        var d = points[0].Length;
        var mean = new double[d];
        foreach (var p in points)
        {
            for (var j = 0; j < d; j++)
            {
                mean[j] += p[j] / (double)points.Count;
            }
        }

        var cov = new double[d, d];
        foreach (var p in points)
        {
            for (var i = 0; i < d; i++)
            {
                for (var j = 0; j < d; j++)
                {
                    cov[i, j] += (p[i] - mean[i]) * (p[j] - mean[j]) / (points.Count - 1);
                }
            }
        }

        var ridge = 1e-6 * Math.Max(1e-12, Enumerable.Range(0, d).Average(i => cov[i, i]));
        for (var i = 0; i < d; i++)
        {
            for (var j = 0; j < d; j++)
            {
                cov[i, j] = i == j ? cov[i, i] + ridge : (1 - Shrinkage) * cov[i, j];
            }
        }

        return new MahalanobisModel(mean, Invert(cov, d));
    }

    /// <summary>sqrt((z - mean)^T S^-1 (z - mean)).</summary>
    /// <param name="z">A posterior mean.</param>
    public double Distance(IReadOnlyList<float> z)
    {
        var d = Mean.Length;
        double sum = 0;
        for (var i = 0; i < d; i++)
        {
            for (var j = 0; j < d; j++)
            {
                sum += (z[i] - Mean[i]) * Precision[(i * d) + j] * (z[j] - Mean[j]);
            }
        }

        return Math.Sqrt(Math.Max(0, sum));
    }

    /// <summary>Inverse of a symmetric positive-definite matrix by Gauss-Jordan elimination with partial pivoting.</summary>
    private static double[] Invert(double[,] m, int d)
    {
        var a = new double[d, 2 * d];
        for (var i = 0; i < d; i++)
        {
            for (var j = 0; j < d; j++)
            {
                a[i, j] = m[i, j];
            }

            a[i, d + i] = 1;
        }

        for (var col = 0; col < d; col++)
        {
            var pivot = col;
            for (var row = col + 1; row < d; row++)
            {
                if (Math.Abs(a[row, col]) > Math.Abs(a[pivot, col]))
                {
                    pivot = row;
                }
            }

            for (var j = 0; j < 2 * d; j++)
            {
                (a[col, j], a[pivot, j]) = (a[pivot, j], a[col, j]);
            }

            var scale = a[col, col];
            for (var j = 0; j < 2 * d; j++)
            {
                a[col, j] /= scale;
            }

            for (var row = 0; row < d; row++)
            {
                if (row != col && a[row, col] != 0)
                {
                    var f = a[row, col];
                    for (var j = 0; j < 2 * d; j++)
                    {
                        a[row, j] -= f * a[col, j];
                    }
                }
            }
        }

        var inverse = new double[d * d];
        for (var i = 0; i < d; i++)
        {
            for (var j = 0; j < d; j++)
            {
                inverse[(i * d) + j] = a[i, d + j];
            }
        }

        return inverse;
    }
}
