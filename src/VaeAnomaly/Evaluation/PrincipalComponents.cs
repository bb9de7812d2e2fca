namespace VaeAnomaly.Evaluation;

/// <summary>Projection of points onto their first two principal components (power iteration with deflation).</summary>
public static class PrincipalComponents
{
    /// <summary>The (x, y) coordinates of every point on the first two principal axes of the centred data.</summary>
    /// <param name="points">Rows of equal length (at least 2 dimensions).</param>
    public static (double X, double Y)[] Project2D(IReadOnlyList<float[]> points)
    {
        if (points.Count == 0)
        {
            return [];
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

        var centred = points.Select(p => p.Select((v, j) => v - mean[j]).ToArray()).ToArray();
        var covariance = new double[d, d];
        foreach (var row in centred)
        {
            for (var i = 0; i < d; i++)
            {
                for (var j = 0; j < d; j++)
                {
                    covariance[i, j] += row[i] * row[j];
                }
            }
        }

        var first = TopEigenvector(covariance, d, seed: 1);
        var lambda = Rayleigh(covariance, first, d);
        for (var i = 0; i < d; i++)
        {
            for (var j = 0; j < d; j++)
            {
                covariance[i, j] -= lambda * first[i] * first[j];
            }
        }

        var second = d > 1 ? TopEigenvector(covariance, d, seed: 2) : new double[d];
        return centred.Select(r => (Dot(r, first), Dot(r, second))).ToArray();
    }

    private static double[] TopEigenvector(double[,] m, int d, int seed)
    {
        var rng = new Random(seed);
        var v = Enumerable.Range(0, d).Select(_ => rng.NextDouble() - 0.5).ToArray();
        for (var iteration = 0; iteration < 500; iteration++)
        {
            var next = new double[d];
            for (var i = 0; i < d; i++)
            {
                for (var j = 0; j < d; j++)
                {
                    next[i] += m[i, j] * v[j];
                }
            }

            var norm = Math.Sqrt(Dot(next, next));
            if (norm < 1e-300)
            {
                return new double[d];
            }

            v = next.Select(x => x / norm).ToArray();
        }

        return v;
    }

    private static double Rayleigh(double[,] m, double[] v, int d)
    {
        double sum = 0;
        for (var i = 0; i < d; i++)
        {
            for (var j = 0; j < d; j++)
            {
                sum += v[i] * m[i, j] * v[j];
            }
        }

        return sum;
    }

    private static double Dot(double[] a, double[] b) => a.Zip(b, (x, y) => x * y).Sum();
}
