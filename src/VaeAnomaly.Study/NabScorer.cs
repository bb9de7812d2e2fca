using System.Globalization;
using VaeAnomaly.Evaluation;

namespace VaeAnomaly.Study;

/// <summary>A NAB application profile: the weight of a detected window, of a false positive and of a missed window.</summary>
/// <param name="Name">Profile name.</param>
/// <param name="TruePositive">Reward of an early detection inside a window (scaled by how early).</param>
/// <param name="FalsePositive">Cost of a detection outside every window (scaled by its distance from the previous window).</param>
/// <param name="FalseNegative">Cost of a window without a detection.</param>
public sealed record NabProfile(string Name, double TruePositive, double FalsePositive, double FalseNegative)
{
    /// <summary>NAB's standard profile.</summary>
    public static NabProfile Standard { get; } = new("standard", 1.0, 0.11, 1.0);

    /// <summary>NAB's reward-low-FP profile.</summary>
    public static NabProfile RewardLowFalsePositives { get; } = new("reward_low_FP_rate", 1.0, 0.22, 1.0);

    /// <summary>NAB's reward-low-FN profile.</summary>
    public static NabProfile RewardLowFalseNegatives { get; } = new("reward_low_FN_rate", 1.0, 0.11, 2.0);

    /// <summary>The three profiles.</summary>
    public static IReadOnlyList<NabProfile> All { get; } = [Standard, RewardLowFalsePositives, RewardLowFalseNegatives];
}

/// <summary>One file for <see cref="NabScorer"/>: its anomaly scores, labelled windows as row ranges, and probationary length.</summary>
/// <param name="Scores">Per row, in [0, 1].</param>
/// <param name="Windows">Labelled windows as first and last row index, in order, not overlapping.</param>
/// <param name="Probation">Rows of the probationary period (not scored).</param>
public sealed record NabScoringInput(IReadOnlyList<float> Scores, IReadOnlyList<(int First, int Last)> Windows, int Probation)
{
    /// <summary>A file whose windows are the runs of its per-row labels.</summary>
    /// <param name="scores">Per row, in [0, 1].</param>
    /// <param name="labels">Per row: inside a labelled window.</param>
    /// <param name="probation">Rows of the probationary period.</param>
    public static NabScoringInput FromLabels(IReadOnlyList<float> scores, IReadOnlyList<bool> labels, int probation) =>
        new(scores, PointEvaluation.Segments(labels), probation);
}

/// <summary>A NAB score: the threshold chosen for the whole corpus, the raw score there, and the score normalised so that
/// a detector that never fires scores 0 and one that fires at the start of every window (and nowhere else) scores 100.</summary>
/// <param name="Profile">The profile.</param>
/// <param name="Threshold">The anomaly-score threshold (rows scoring at or above it are detections) that maximises the raw score; <see cref="NabScorer.NothingDetected"/> when detecting nothing does.</param>
/// <param name="Raw">Raw score at that threshold.</param>
/// <param name="Normalized">100 (raw - null) / (perfect - null); NaN when no window is scored (<see cref="Scored"/>).</param>
/// <param name="Windows">Windows scored (those with at least one row after the probationary period).</param>
/// <param name="Detected">Windows with a detection at the threshold.</param>
/// <param name="FalsePositives">Detections outside every window at the threshold.</param>
public sealed record NabScore(NabProfile Profile, double Threshold, double Raw, double Normalized, int Windows, int Detected, int FalsePositives)
{
    /// <summary>The normalized score, or null when no labelled window reaches past the probationary periods: there is nothing to score.</summary>
    public double? Scored => Windows == 0 ? null : Normalized;

    /// <summary><see cref="Scored"/> to one decimal, or <c>none</c> with the reason.</summary>
    public string Shown => Scored?.ToString("F1", CultureInfo.InvariantCulture) ?? "none (no labelled window after the probationary periods)";
}

/// <summary>
/// The NAB scoring rules, written from NAB's published description (Lavin and Ahmad, 2015, and the NAB
/// repository's documentation): a detection inside a window earns <c>A_TP x sigma(y) / sigma(-1)</c> where y is
/// its relative position (-1 at the window's left edge, 0 just past its right edge) and
/// <c>sigma(y) = 2 / (1 + e^(5y)) - 1</c>; only the best (earliest) detection of a window counts; a window with no
/// detection costs <c>A_FN</c>; each detection outside the windows costs <c>A_FP x sigma(y)</c> by its distance y
/// past the previous window in that window's widths (-A_FP before the first window); rows of the probationary period
/// are ignored. One threshold is chosen for the whole corpus, the one with the best total.
/// </summary>
public static class NabScorer
{
    /// <summary>The threshold reported when detecting nothing scores best: above every score in [0, 1], as in NAB.</summary>
    public const double NothingDetected = 1.1;

    /// <summary>NAB's scaled sigmoid: 2 / (1 + e^(5y)) - 1, and -1 from y = 3 on.</summary>
    /// <param name="y">Relative position.</param>
    public static double ScaledSigmoid(double y) => y >= 3.0 ? -1.0 : (2.0 / (1.0 + Math.Exp(5.0 * y))) - 1.0;

    /// <summary>The weighted score each row would contribute if detected, and its window (-1 outside), for the rows after probation.</summary>
    /// <param name="file">The file.</param>
    /// <param name="profile">The weights.</param>
    public static IReadOnlyList<(float Score, double Weight, int Window)> Points(NabScoringInput file, NabProfile profile)
    {
        var maxTp = ScaledSigmoid(-1.0);
        var points = new List<(float, double, int)>();
        var window = 0;
        int? previousLast = null;
        double previousWidth = 0;
        for (var i = 0; i < file.Scores.Count; i++)
        {
            while (window < file.Windows.Count && file.Windows[window].Last < i)
            {
                previousLast = file.Windows[window].Last;
                previousWidth = file.Windows[window].Last - file.Windows[window].First + 1;
                window++;
            }

            double weight;
            var inside = window < file.Windows.Count && i >= file.Windows[window].First;
            if (inside)
            {
                var (first, last) = file.Windows[window];
                var width = (double)(last - first + 1);
                weight = ScaledSigmoid(-(last - i + 1) / width) * profile.TruePositive / maxTp;
            }
            else
            {
                var past = previousLast is { } p ? Math.Abs(p - i) / (previousWidth - 1) : 3.0;
                weight = ScaledSigmoid(past) * profile.FalsePositive;
            }

            if (i >= file.Probation)
            {
                points.Add((file.Scores[i], weight, inside ? window : -1));
            }
        }

        return points;
    }

    /// <summary>Scores a corpus: the best single threshold over every file, and the score there.</summary>
    /// <param name="files">The files.</param>
    /// <param name="profile">The weights.</param>
    public static NabScore Score(IReadOnlyList<NabScoringInput> files, NabProfile profile)
    {
        // Every row after probation, with its window numbered across the corpus; best threshold by a sweep from high to low.
        var rows = new List<(float Score, double Weight, int Window)>();
        var offset = 0;
        foreach (var file in files)
        {
            rows.AddRange(Points(file, profile).Select(p => (p.Score, p.Weight, p.Window < 0 ? -1 : p.Window + offset)));
            offset += file.Windows.Count;
        }

        var scoredWindows = rows.Where(r => r.Window >= 0).Select(r => r.Window).ToHashSet();
        var best = new double[offset];
        var detected = new bool[offset];
        var windowsPart = -profile.FalseNegative * scoredWindows.Count;
        var falsePart = 0.0;
        var (bestThreshold, bestRaw, bestDetected, bestFalse) = (NothingDetected, windowsPart, 0, 0);
        var detectedCount = 0;
        var falseCount = 0;
        var sorted = rows.OrderByDescending(r => r.Score).ToArray();
        for (var k = 0; k < sorted.Length;)
        {
            var threshold = sorted[k].Score;
            for (; k < sorted.Length && sorted[k].Score == threshold; k++)
            {
                var (_, weight, window) = sorted[k];
                if (window < 0)
                {
                    falsePart += weight;
                    falseCount++;
                }
                else if (!detected[window])
                {
                    detected[window] = true;
                    best[window] = weight;
                    windowsPart += weight + profile.FalseNegative;
                    detectedCount++;
                }
                else if (weight > best[window])
                {
                    windowsPart += weight - best[window];
                    best[window] = weight;
                }
            }

            if (windowsPart + falsePart > bestRaw)
            {
                (bestThreshold, bestRaw, bestDetected, bestFalse) = (threshold, windowsPart + falsePart, detectedCount, falseCount);
            }
        }

        var nullScore = -profile.FalseNegative * scoredWindows.Count;
        var perfect = profile.TruePositive * scoredWindows.Count;
        var normalized = perfect == nullScore ? double.NaN : 100 * (bestRaw - nullScore) / (perfect - nullScore);
        return new NabScore(profile, bestThreshold, bestRaw, normalized, scoredWindows.Count, bestDetected, bestFalse);
    }
}
