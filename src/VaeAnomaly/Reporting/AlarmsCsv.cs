using System.Globalization;
using CsvHelper;
using VaeAnomaly.Data;
using VaeAnomaly.Evaluation;
using VaeAnomaly.IO;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Reporting;

/// <summary>
/// The alarms of a scored series as CSV (<c>score --alarms</c>), one line per alarm, a run of consecutive flagged rows:
/// where it starts and ends, how many rows, its peak and the columns that made the peak's score. What a ticket or a
/// pager needs, where the points file has a line per row.
/// </summary>
public static class AlarmsCsv
{
    /// <summary>The header every alarms file starts with.</summary>
    public const string Header = "alarm,first,last,rows,peak,peak_score,threshold,columns";

    /// <summary>An alarms file, as <c>--force</c> may replace it: its first line is <see cref="Header"/>.</summary>
    public static OwnedKind Kind { get; } = new("an alarms file", $"its first line is not '{Header}'", path => AtomicFile.FirstLine(path) == Header);

    /// <summary>The alarms: each run of consecutive rows scored above <paramref name="threshold"/>, in time order, with the row of its highest score (the first of equals).</summary>
    /// <param name="scores">One score per row.</param>
    /// <param name="threshold">A row is flagged above it.</param>
    public static IReadOnlyList<(int First, int Last, int Peak)> Of(IReadOnlyList<float> scores, double threshold) =>
        [.. PointEvaluation.Segments([.. scores.Select(s => s > threshold)])
            .Select(a => (a.First, a.Last, Enumerable.Range(a.First, a.Last - a.First + 1).MaxBy(t => scores[t])))];

    /// <summary>Writes the alarms of <paramref name="scores"/> to <paramref name="path"/> (a header only when there are none).</summary>
    /// <param name="series">The scored series (its timestamps).</param>
    /// <param name="scores">One score per row.</param>
    /// <param name="threshold">A row is flagged above it.</param>
    /// <param name="path">The file (a temporary path: see <see cref="AtomicFile"/>).</param>
    /// <param name="explain">The columns behind a row's score, or null for a model that does not name them (the column is then empty).</param>
    /// <returns>How many alarms were written.</returns>
    public static int Write(Series series, IReadOnlyList<float> scores, double threshold, string path, Func<int, Attribution?>? explain = null)
    {
        PointScoresCsv.CheckOnePerRow(series, scores);
        var alarms = Of(scores, threshold);
        using var csv = new CsvWriter(new StreamWriter(path), SequenceCsvReader.Output);
        foreach (var name in Header.Split(','))
        {
            csv.WriteField(name);
        }

        csv.NextRecord();
        foreach (var ((first, last, peak), k) in alarms.Select((a, k) => (a, k)))
        {
            csv.WriteField((k + 1).ToString(CultureInfo.InvariantCulture));
            csv.WriteField(series.Timestamps[first]);
            csv.WriteField(series.Timestamps[last]);
            csv.WriteField((last - first + 1).ToString(CultureInfo.InvariantCulture));
            csv.WriteField(series.Timestamps[peak]);
            csv.WriteField(scores[peak].ToString("R", CultureInfo.InvariantCulture));
            csv.WriteField(threshold.ToString("R", CultureInfo.InvariantCulture));
            csv.WriteField(explain?.Invoke(peak) is { } a ? PointScoresCsv.Columns(a) : "");
            csv.NextRecord();
        }

        return alarms.Count;
    }
}
