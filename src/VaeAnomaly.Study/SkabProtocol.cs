using VaeAnomaly.Evaluation;

namespace VaeAnomaly.Study;

/// <summary>The SKAB leaderboard's rules for turning window residuals into row flags, and its metrics.</summary>
public static class SkabProtocol
{
    /// <summary>Rows of each file used for training.</summary>
    public const int TrainRows = 400;

    /// <summary>Window length.</summary>
    public const int Window = 60;

    /// <summary>UCL = this quantile of the training residuals ...</summary>
    public const double UclQuantile = 0.999;

    /// <summary>... times this factor.</summary>
    public const double UclFactor = 4.0 / 3.0;

    /// <summary>
    /// Row flags of a test part of <paramref name="rows"/> rows from its <c>rows - 59</c> window flags (window j
    /// starts at test row j): row i is flagged when the windows starting at rows i-59 through i-1 all exceed
    /// the UCL, for i from 59 to rows-119; other rows are never flagged.
    /// </summary>
    /// <param name="windowAbove">One flag per window, true where its residual exceeds the UCL.</param>
    /// <param name="rows">Test rows.</param>
    public static bool[] RowFlags(IReadOnlyList<bool> windowAbove, int rows)
    {
        if (windowAbove.Count != Math.Max(0, rows - Window + 1))
        {
            throw new ArgumentException($"Expected {Math.Max(0, rows - Window + 1)} windows for {rows} rows, got {windowAbove.Count}.", nameof(windowAbove));
        }

        var flags = new bool[rows];
        var run = 0; // consecutive windows above the UCL ending at window i-1
        for (var i = 1; i < rows; i++)
        {
            run = i - 1 < windowAbove.Count && windowAbove[i - 1] ? run + 1 : 0;
            flags[i] = i >= Window - 1 && i <= rows - 119 && run >= Window - 1;
        }

        return flags;
    }

    /// <summary>A window's residual: the mean absolute error over its steps, summed over channels.</summary>
    /// <param name="reconstruction">The model's reconstruction, row-major (step, channel).</param>
    /// <param name="window">The window, row-major (step, channel).</param>
    /// <param name="channels">Channels per step.</param>
    public static double Residual(ReadOnlySpan<float> reconstruction, ReadOnlySpan<float> window, int channels)
    {
        if (reconstruction.Length != window.Length || channels < 1 || window.Length % channels != 0 || window.Length == 0)
        {
            throw new ArgumentException($"Expected a reconstruction and a window of the same whole number of {channels}-channel steps; got {reconstruction.Length} and {window.Length} values.");
        }

        var sum = 0.0;
        for (var i = 0; i < window.Length; i++)
        {
            sum += Math.Abs((double)reconstruction[i] - window[i]);
        }

        return sum / (window.Length / channels);
    }

    /// <summary>The upper control limit from the training windows' residuals.</summary>
    /// <param name="trainingResiduals">One residual per training window.</param>
    public static double Ucl(IReadOnlyList<double> trainingResiduals) =>
        new Thresholds.QuantileThreshold(UclQuantile).Fit([.. trainingResiduals.Select(r => (float)r)]) * UclFactor;

    /// <summary>F1 = TP / (TP + (FN + FP) / 2), FAR = FP / (FP + TN) x 100, MAR = FN / (FN + TP) x 100.</summary>
    /// <param name="counts">Counts summed over every file.</param>
    public static (double F1, double Far, double Mar) Metrics(ConfusionCounts counts)
    {
        var (tp, fp, tn, fn) = ((double)counts.TruePositives, (double)counts.FalsePositives, (double)counts.TrueNegatives, (double)counts.FalseNegatives);
        return (tp + ((fn + fp) / 2) == 0 ? 0 : tp / (tp + ((fn + fp) / 2)), fp + tn == 0 ? 0 : 100 * fp / (fp + tn), fn + tp == 0 ? 0 : 100 * fn / (fn + tp));
    }

    /// <summary>
    /// Flagged normal rows before the first anomalous row and after it. In SKAB a file's normal rows after an
    /// experiment are often not back in the state of its first 400 rows; the split shows where false alarms come from.
    /// </summary>
    /// <param name="labels">Per test row, true when anomalous.</param>
    /// <param name="flags">Per test row, true when flagged.</param>
    public static (FalseAlarms Before, FalseAlarms After) FalseAlarmsByPlace(IReadOnlyList<bool> labels, IReadOnlyList<bool> flags)
    {
        if (labels.Count != flags.Count)
        {
            throw new ArgumentException($"Expected one flag per label ({labels.Count}), got {flags.Count}.", nameof(flags));
        }

        var first = Enumerable.Range(0, labels.Count).FirstOrDefault(i => labels[i], labels.Count);
        FalseAlarms Count(int from, int to) => new(
            Enumerable.Range(from, to - from).Count(i => !labels[i] && flags[i]),
            Enumerable.Range(from, to - from).Count(i => !labels[i]));
        return (Count(0, first), Count(first, labels.Count));
    }
}

/// <summary>Flagged normal rows out of the normal rows of some part of a test set.</summary>
/// <param name="Flagged">Normal rows flagged.</param>
/// <param name="Normal">Normal rows.</param>
public readonly record struct FalseAlarms(int Flagged, int Normal)
{
    /// <summary>Flagged / Normal x 100, or 0 without normal rows.</summary>
    public double Rate => Normal == 0 ? 0 : 100.0 * Flagged / Normal;

    /// <summary>The sum of two parts.</summary>
    public static FalseAlarms operator +(FalseAlarms a, FalseAlarms b) => new(a.Flagged + b.Flagged, a.Normal + b.Normal);
}
