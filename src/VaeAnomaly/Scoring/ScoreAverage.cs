using System.Globalization;

namespace VaeAnomaly.Scoring;

/// <summary>
/// The mean of a point's score and the scores just before it, judged by its surprise instead of the raw score: NAB's HTM
/// entry judges the mean of the last 10 raw scores (NuPIC's anomaly likelihood, <c>averagingWindow = 10</c>) against the
/// distribution of such means, so one noisy score moves the judgement a tenth as much as a lasting change does.
/// </summary>
/// <param name="Rows">How many scores each mean takes (1: the raw score, no averaging).</param>
public readonly record struct ScoreAverage(int Rows)
{
    /// <summary>No averaging: each point's own score.</summary>
    public static ScoreAverage Off => new(1);

    /// <summary>Reads <c>off</c> or a whole number of scores (at least 1).</summary>
    /// <param name="text">The text.</param>
    /// <exception cref="ArgumentException">Anything else.</exception>
    public static ScoreAverage Parse(string text) => text.Trim() switch
    {
        "off" => Off,
        var rows when int.TryParse(rows, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 => new(n),
        _ => throw new ArgumentException($"--smooth takes off or a whole number of scores to average (at least 1); got '{IO.Messages.Cut(text)}'."),
    };

    /// <summary>Whether this averages at all.</summary>
    public bool IsOff => Rows <= 1;

    /// <inheritdoc />
    public override string ToString() => IsOff ? "off" : Rows.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Each point's mean with the <see cref="Rows"/> - 1 scores before it, from <paramref name="firstScored"/> on (fewer just
    /// after it, where fewer scores exist); the points before it keep their score. Causal: no later score is read.
    /// </summary>
    /// <param name="scores">Per-point scores.</param>
    /// <param name="firstScored">First point with a real score.</param>
    public float[] Of(IReadOnlyList<float> scores, int firstScored)
    {
        var result = scores.ToArray();
        var first = Math.Max(0, firstScored);
        for (var t = first; t < scores.Count; t++)
        {
            result[t] = Mean(scores, Math.Max(first, t - Rows + 1), t);
        }

        return result;
    }

    /// <summary>The newest point's mean, as <see cref="Of"/> gives it: its score with up to <see cref="Rows"/> - 1 earlier ones.</summary>
    /// <param name="earlier">The earlier scores since the first scored point, oldest first (only the last <see cref="Rows"/> - 1 are read).</param>
    /// <param name="score">The point's own score.</param>
    public float Next(IReadOnlyList<float> earlier, float score)
    {
        var take = Math.Min(Rows - 1, earlier.Count);
        double sum = score; // summed in the order Of sums, so a stream's means equal the batch's to the bit
        for (var k = earlier.Count - take; k < earlier.Count; k++)
        {
            sum += earlier[k];
        }

        return (float)(sum / (take + 1));
    }

    private static float Mean(IReadOnlyList<float> scores, int from, int t)
    {
        double sum = scores[t];
        for (var k = from; k < t; k++)
        {
            sum += scores[k];
        }

        return (float)(sum / (t - from + 1));
    }
}
