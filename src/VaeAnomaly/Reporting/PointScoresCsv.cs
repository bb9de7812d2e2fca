using System.Globalization;
using CsvHelper;
using VaeAnomaly.Data;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Reporting;

/// <summary>
/// Writes one row per time step of a series: <c>timestamp,score,threshold,flag</c>, <c>label</c> when known, and
/// <c>columns</c> when asked for (<see cref="Columns"/> of each flagged step).
/// </summary>
public static class PointScoresCsv
{
    /// <summary>Writes the file.</summary>
    /// <param name="series">The scored series.</param>
    /// <param name="scores">Per-step score (squared error averaged over channels and over the windows covering the step).</param>
    /// <param name="threshold">Steps scoring above it get flag 1.</param>
    /// <param name="path">Destination file.</param>
    /// <param name="explain">With it, a last column <c>columns</c>: a flagged step's explanation (<see cref="Columns"/>), empty for any other step or one it cannot explain.</param>
    /// <exception cref="ArgumentException">Not one score per row, or a series whose labels are not one per row; nothing is written.</exception>
    public static void Write(Series series, IReadOnlyList<float> scores, double threshold, string path, Func<int, Attribution?>? explain = null)
    {
        CheckOnePerRow(series, scores);
        using var csv = new CsvWriter(new StreamWriter(path), SequenceCsvReader.Output);
        foreach (var name in new[] { "timestamp", "score", "threshold", "flag" }.Concat(series.Labels is null ? [] : ["label"]).Concat(explain is null ? [] : ["columns"]))
        {
            csv.WriteField(name);
        }

        csv.NextRecord();
        for (var t = 0; t < series.Length; t++)
        {
            csv.WriteField(series.Timestamps[t]);
            csv.WriteField(scores[t].ToString("R", CultureInfo.InvariantCulture));
            csv.WriteField(threshold.ToString("R", CultureInfo.InvariantCulture));
            csv.WriteField(scores[t] > threshold ? "1" : "0");
            if (series.Labels is not null)
            {
                csv.WriteField(series.Labels[t] ? "1" : "0");
            }

            if (explain is not null)
            {
                csv.WriteField(scores[t] > threshold && explain(t) is { } a ? Columns(a) : "");
            }

            csv.NextRecord();
        }
    }

    /// <summary>
    /// An explanation in one field: the columns with a share of the score, largest first, as <c>name=share</c> to four
    /// decimals separated by <c>;</c> (e.g. <c>temp=0.93;pressure=0.07</c>); a share that rounds to 0 is left out.
    /// </summary>
    /// <param name="explanation">A step's explanation.</param>
    public static string Columns(Attribution explanation) =>
        string.Join(";", explanation.ChannelShares.Where(s => s.Value >= Attribution.Negligible).Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key}={s.Value:0.####}")));

    /// <summary>Refuses, before a file is opened, scores or labels that are not one per row of <paramref name="series"/>.</summary>
    /// <param name="series">The scored series.</param>
    /// <param name="scores">Its scores.</param>
    internal static void CheckOnePerRow(Series series, IReadOnlyList<float> scores)
    {
        if (scores.Count != series.Length || (series.Labels is { } labels && labels.Count != series.Length))
        {
            throw new ArgumentException($"Got {scores.Count} scores{(series.Labels is null ? "" : $" and {series.Labels.Count} labels")} for a series of {series.Length} rows; "
                + "expected one per row (score the whole series, or write the slice that was scored).", nameof(scores));
        }
    }
}
