namespace VaeAnomaly.Scoring;

/// <summary>
/// How surprising each point's score is next to the scores just before it: the upper-tail probability of the
/// score under a normal distribution fitted to the previous <c>history</c> scores, reported as x / (1 + x) with
/// x = -log10(tail) / 5, so 0.5 is a tail of 1e-5 (about 4.3 standard deviations) and scores never tie at 1, however
/// extreme. Causal, and it adapts to a series that drifts after training, as NAB's anomaly likelihood does for HTM.
/// </summary>
public static class ScoreSurprise
{
    /// <summary>Surprise of every point from <paramref name="first"/> on (earlier points get 0).</summary>
    /// <param name="scores">Per-point scores.</param>
    /// <param name="first">First point to report; the history starts at <paramref name="firstScored"/>.</param>
    /// <param name="firstScored">First point with a real score.</param>
    /// <param name="history">Previous points the distribution is fitted on.</param>
    /// <param name="minStd">Floor of the fitted standard deviation, for flat stretches.</param>
    public static double[] Compute(IReadOnlyList<float> scores, int first, int firstScored, int history, double minStd = 0.01)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(history, 2);
        var result = new double[scores.Count];
        for (var t = Math.Max(first, firstScored + 2); t < scores.Count; t++)
        {
            var start = Math.Max(firstScored, t - history);
            result[t] = Next(Enumerable.Range(start, t - start).Select(k => scores[k]), scores[t], minStd);
        }

        return result;
    }

    /// <summary>The surprise of <paramref name="score"/> next to the scores before it, as <see cref="Compute"/> gives it for one point.</summary>
    /// <param name="previous">The earlier scores, oldest first (at least one).</param>
    /// <param name="score">The point's score.</param>
    /// <param name="minStd">Floor of the fitted standard deviation.</param>
    public static double Next(IEnumerable<float> previous, float score, double minStd = 0.01)
    {
        double sum = 0, sumSquares = 0;
        var n = 0;
        foreach (var s in previous)
        {
            sum += s;
            sumSquares += (double)s * s;
            n++;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1, nameof(previous));
        var mean = sum / n;
        var std = Math.Max(minStd, Math.Sqrt(Math.Max(0, (sumSquares / n) - (mean * mean))));
        var x = -Log10UpperTail((score - mean) / std) / 5;
        return x / (1 + x);
    }

    /// <summary>log10 P(Z &gt; z), exact through <see cref="Erfc"/> up to z = 8 and by the tail's asymptotic expansion beyond, where P underflows.</summary>
    /// <param name="z">The point.</param>
    public static double Log10UpperTail(double z) => z <= 8
        ? Math.Log10(UpperTail(z))
        : ((-z * z / 2) - Math.Log(z) - (0.5 * Math.Log(2 * Math.PI)) + Math.Log(1 - (1 / (z * z)))) / Math.Log(10);

    /// <summary>P(Z &gt; z) for a standard normal Z, by the complementary error function (relative error below 1.2e-7).</summary>
    /// <param name="z">The point.</param>
    public static double UpperTail(double z) => 0.5 * Erfc(z / Math.Sqrt(2));

    /// <summary>erfc(x) by its Chebyshev fit (Numerical Recipes' erfcc), relative error below 1.2e-7 everywhere.</summary>
    /// <param name="x">The point.</param>
    public static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1 / (1 + (0.5 * z));
        var polynomial = -1.26551223 + (t * (1.00002368 + (t * (0.37409196 + (t * (0.09678418 + (t * (-0.18628806
            + (t * (0.27886807 + (t * (-1.13520398 + (t * (1.48851587 + (t * (-0.82215223 + (t * 0.17087277)))))))))))))))));
        var answer = t * Math.Exp((-z * z) + polynomial);
        return x >= 0 ? answer : 2 - answer;
    }
}
