namespace VaeAnomaly.Thresholds;

/// <summary>A generalized Pareto distribution of excesses y &gt;= 0: F(y) = 1 - (1 + shape * y / scale)^(-1/shape).</summary>
/// <param name="Shape">Shape (gamma, xi); 0 is the exponential distribution.</param>
/// <param name="Scale">Scale (sigma) &gt; 0.</param>
public sealed record GeneralizedPareto(double Shape, double Scale)
{
    /// <summary>Log-likelihood of <paramref name="excesses"/>; negative infinity outside the support.</summary>
    /// <param name="excesses">Non-negative peaks over a threshold.</param>
    public double LogLikelihood(IReadOnlyList<double> excesses)
    {
        if (Scale <= 0)
        {
            return double.NegativeInfinity;
        }

        if (Math.Abs(Shape) < 1e-12)
        {
            return (-excesses.Count * Math.Log(Scale)) - (excesses.Sum() / Scale);
        }

        var sum = 0.0;
        foreach (var y in excesses)
        {
            var term = 1 + (Shape * y / Scale);
            if (term <= 0)
            {
                return double.NegativeInfinity;
            }

            sum += Math.Log(term);
        }

        return (-excesses.Count * Math.Log(Scale)) - ((1 + (1 / Shape)) * sum);
    }

    /// <summary>Maximum-likelihood fit by Grimshaw's reduction to one parameter, theta = shape / scale.</summary>
    /// <param name="excesses">At least two non-negative peaks, not all equal.</param>
    /// <remarks>
    /// For a fixed theta the likelihood is maximised by shape = mean(log(1 + theta * y)), scale = shape / theta,
    /// so the profile likelihood is searched over theta in (-1 / max(y), a wide positive bound) on a
    /// logarithmic grid refined by golden-section search; the exponential case (theta = 0) competes too.
    /// </remarks>
    public static GeneralizedPareto Fit(IReadOnlyList<double> excesses)
    {
        if (excesses.Count < 2 || excesses.Any(y => y < 0 || !double.IsFinite(y)))
        {
            throw new ArgumentException("A generalized Pareto fit needs at least two finite, non-negative excesses.", nameof(excesses));
        }

        var mean = excesses.Average();
        var max = excesses.Max();
        if (max <= 0)
        {
            throw new ArgumentException("All excesses are zero; the tail has no spread.", nameof(excesses));
        }

        var best = new GeneralizedPareto(0, mean);
        var bestLl = best.LogLikelihood(excesses);

        GeneralizedPareto FromTheta(double theta)
        {
            var shape = excesses.Average(y => Math.Log(1 + (theta * y)));
            return new GeneralizedPareto(shape, shape / theta);
        }

        double Profile(double theta) => FromTheta(theta).LogLikelihood(excesses);

        // Candidate thetas: negative side approaching -1/max, positive side up to 1e6 / mean.
        var lower = -1.0 / max * (1 - 1e-9);
        var candidates = new List<double>();
        for (var i = 1; i <= 60; i++)
        {
            candidates.Add(lower * Math.Pow(1e-6, (i - 1) / 59.0));         // from about -1/max towards 0-
            candidates.Add(1e-6 / mean * Math.Pow(1e12, (i - 1) / 59.0));   // from 0+ to 1e6 / mean
        }

        candidates.Sort();
        var values = candidates.Select(Profile).ToArray();
        for (var i = 0; i < candidates.Count; i++)
        {
            if (!double.IsFinite(values[i]) || values[i] <= bestLl)
            {
                continue;
            }

            // Refine between the neighbours of a grid maximum.
            var a = candidates[Math.Max(0, i - 1)];
            var b = candidates[Math.Min(candidates.Count - 1, i + 1)];
            var theta = GoldenSection(Profile, a, b);
            var fit = FromTheta(theta);
            var ll = fit.LogLikelihood(excesses);
            (best, bestLl) = ll > values[i] ? (fit, ll) : (FromTheta(candidates[i]), values[i]);
        }

        return best;
    }

    private static double GoldenSection(Func<double, double> f, double a, double b)
    {
        var ratio = (Math.Sqrt(5) - 1) / 2;
        var c = b - (ratio * (b - a));
        var d = a + (ratio * (b - a));
        for (var i = 0; i < 100 && Math.Abs(b - a) > 1e-12 * (Math.Abs(a) + Math.Abs(b)); i++)
        {
            if (f(c) > f(d))
            {
                b = d;
            }
            else
            {
                a = c;
            }

            c = b - (ratio * (b - a));
            d = a + (ratio * (b - a));
        }

        return (a + b) / 2;
    }
}
