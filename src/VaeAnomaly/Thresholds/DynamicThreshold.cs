namespace VaeAnomaly.Thresholds;

/// <summary>
/// The non-parametric dynamic threshold of the telemanom paper (Hundman et al., KDD 2018, "Detecting Spacecraft
/// Anomalies Using LSTMs and Nonparametric Dynamic Thresholding"), with its published settings, on a series' point
/// scores, label-free and causal per batch: the scores are smoothed by an exponentially weighted mean; as each batch of
/// <see cref="Batch"/> rows completes, the threshold mean + z x std of the smoothed scores of the last
/// <see cref="WindowBatches"/> batches is chosen among z = 2.5, 3, ..., 12 as the one that most lowers the mean and
/// spread of what stays below it, relative to the runs of rows above it ((Δmean/mean + Δstd/std) / (runs² + rows), the rows
/// above it counted with <see cref="Buffer"/> rows either side, at most 5 runs and under half the window);
/// the batch's rows above it are flagged, and runs whose peak does not stand out from the next lower peak by
/// <see cref="MinDecrease"/> (pruning) are cleared. Differences from telemanom: one-sided (high scores only; a score
/// here is already an error), and no minimum-range check.
/// </summary>
public static class DynamicThreshold
{
    /// <summary>Rows per batch (telemanom: 70).</summary>
    public const int Batch = 70;

    /// <summary>Batches in a threshold's window (telemanom: 30).</summary>
    public const int WindowBatches = 30;

    /// <summary>Span of the exponentially weighted mean, as a share of the window (telemanom: 5%, so 105 rows).</summary>
    public const double SmoothingShare = 0.05;

    /// <summary>Rows on each side of a row above the threshold counted with it, joining near rows into one run (telemanom's error buffer of 100: offsets 1 to 99).</summary>
    public const int Buffer = 99;

    /// <summary>Least relative drop from a run's peak to the next lower peak for the run to stay flagged (telemanom's p: 0.13).</summary>
    public const double MinDecrease = 0.13;

    /// <summary>Flags of every row of <paramref name="scores"/>; rows before <paramref name="firstScored"/> are never flagged.</summary>
    /// <param name="scores">Per-row scores, higher = more anomalous.</param>
    /// <param name="firstScored">First row with a real score.</param>
    public static bool[] Flags(IReadOnlyList<float> scores, int firstScored)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstScored);
        var flags = new bool[scores.Count];
        var smoothed = Smooth(scores, firstScored, (int)(Batch * WindowBatches * SmoothingShare));
        var n = smoothed.Length;
        for (var end = Batch; end - Batch < n; end += Batch)
        {
            // The batch [end - Batch, end) completes; its threshold comes from the window of batches ending with it.
            var batchEnd = Math.Min(end, n);
            var windowStart = Math.Max(0, end - (Batch * WindowBatches));
            var window = smoothed.AsSpan(windowStart, batchEnd - windowStart);
            var epsilon = Epsilon(window);
            var above = new List<int>();
            for (var i = 0; i < window.Length; i++)
            {
                if (window[i] > epsilon)
                {
                    above.Add(i);
                }
            }

            foreach (var i in Prune(window, above, epsilon))
            {
                var row = windowStart + i;
                if (row >= end - Batch)
                {
                    flags[firstScored + row] = true;
                }
            }
        }

        return flags;
    }

    /// <summary>The exponentially weighted mean of the scores from <paramref name="firstScored"/> on, span <paramref name="span"/> (pandas' ewm(span).mean(), adjusted).</summary>
    /// <param name="scores">The scores.</param>
    /// <param name="firstScored">First row with a real score.</param>
    /// <param name="span">The span: alpha = 2 / (span + 1).</param>
    public static float[] Smooth(IReadOnlyList<float> scores, int firstScored, int span)
    {
        var alpha = 2.0 / (Math.Max(1, span) + 1);
        var result = new float[Math.Max(0, scores.Count - firstScored)];
        double weighted = 0, weights = 0;
        for (var i = 0; i < result.Length; i++)
        {
            weighted = ((1 - alpha) * weighted) + scores[firstScored + i];
            weights = ((1 - alpha) * weights) + 1;
            result[i] = (float)(weighted / weights);
        }

        return result;
    }

    /// <summary>Telemanom's choice of threshold for one window of smoothed scores (infinity when no z qualifies).</summary>
    /// <param name="window">Smoothed scores.</param>
    public static double Epsilon(ReadOnlySpan<float> window)
    {
        var (mean, std) = MeanStd(window, double.PositiveInfinity);
        var best = double.PositiveInfinity;
        var bestScore = double.NegativeInfinity;
        if (!(std > 0))
        {
            return best;
        }

        for (var z = 2.5; z <= 12; z += 0.5)
        {
            var epsilon = mean + (z * std);
            var (keptMean, keptStd) = MeanStd(window, epsilon);

            // The rows at or above epsilon, each widened by Buffer rows either side: their count and runs (single rows are no run).
            var (rows, runs, runStart, runEnd) = (0, 0, -1, -2);
            for (var i = 0; i <= window.Length; i++)
            {
                if (i < window.Length && !(window[i] >= epsilon))
                {
                    continue;
                }

                var (from, to) = i < window.Length ? (Math.Max(0, i - Buffer), Math.Min(window.Length - 1, i + Buffer)) : (int.MaxValue, int.MaxValue);
                if (from <= runEnd + 1)
                {
                    runEnd = Math.Max(runEnd, to);
                    continue;
                }

                if (runEnd >= runStart && runStart >= 0)
                {
                    rows += runEnd - runStart + 1;
                    runs += runEnd > runStart ? 1 : 0;
                }

                (runStart, runEnd) = (from, to);
            }

            if (rows == 0 || runs > 5 || rows >= window.Length * 0.5)
            {
                continue;
            }

            var score = (((mean - keptMean) / mean) + ((std - keptStd) / std)) / ((runs * runs) + rows);
            if (score >= bestScore)
            {
                (bestScore, best) = (score, epsilon);
            }
        }

        return best;
    }

    /// <summary>The rows of <paramref name="above"/> that survive pruning: runs (rows within <see cref="Buffer"/> joined) whose peaks stand out.</summary>
    internal static IEnumerable<int> Prune(ReadOnlySpan<float> window, List<int> above, double epsilon)
    {
        if (above.Count == 0)
        {
            return [];
        }

        var runs = new List<(int First, int Last, float Peak)>();
        foreach (var i in above)
        {
            if (runs.Count > 0 && i - runs[^1].Last <= (2 * Buffer) + 1) // widened by Buffer rows, they touch
            {
                runs[^1] = (runs[^1].First, i, Math.Max(runs[^1].Peak, window[i]));
            }
            else
            {
                runs.Add((i, i, window[i]));
            }
        }

        // Peaks in descending order, then the largest score below the threshold; a run is kept when it or a higher run
        // drops by at least MinDecrease to the next peak.
        var largestBelow = float.NegativeInfinity;
        foreach (var v in window)
        {
            if (v <= epsilon && v > largestBelow)
            {
                largestBelow = v;
            }
        }

        var order = runs.OrderByDescending(r => r.Peak).ToList();
        var peaks = order.Select(r => (double)r.Peak).Append(double.IsFinite(largestBelow) ? largestBelow : 0).ToArray();
        var keep = 0;
        for (var k = 0; k < order.Count; k++)
        {
            if (peaks[k] > 0 && (peaks[k] - peaks[k + 1]) / peaks[k] >= MinDecrease)
            {
                keep = k + 1;
            }
        }

        var copy = window.ToArray();
        return order.Take(keep).SelectMany(r => Enumerable.Range(r.First, r.Last - r.First + 1).Where(i => copy[i] > epsilon));
    }

    private static (double Mean, double Std) MeanStd(ReadOnlySpan<float> values, double below)
    {
        double sum = 0, squares = 0;
        var n = 0;
        foreach (var v in values)
        {
            if (v < below)
            {
                sum += v;
                squares += (double)v * v;
                n++;
            }
        }

        if (n == 0)
        {
            return (0, 0);
        }

        var mean = sum / n;
        return (mean, Math.Sqrt(Math.Max(0, (squares / n) - (mean * mean))));
    }
}
