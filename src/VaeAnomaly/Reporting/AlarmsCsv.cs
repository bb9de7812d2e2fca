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
    /// <summary>The header of the alarms of several series files: a first column <c>file</c> before <see cref="Header"/>'s.</summary>
    public const string FilesHeader = "file," + Header;

    /// <summary>An alarms file, as <c>--force</c> may replace it: its first line is <see cref="Header"/> or <see cref="FilesHeader"/>.</summary>
    public static OwnedKind Kind { get; } = new("an alarms file", $"its first line is not '{Header}' or '{FilesHeader}'", path => AtomicFile.FirstLine(path) is Header or FilesHeader);

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
        using var csv = new CsvWriter(new StreamWriter(path), SequenceCsvReader.Output);
        WriteHeader(csv, Header);
        return WriteAlarms(csv, new ScoredFile("", series, scores, explain), null, threshold, 0);
    }

    /// <summary>
    /// Writes the alarms of several series files, each scored on its own (no alarm spans two files), to one file headed
    /// <see cref="FilesHeader"/>: the file as named, then the alarm's columns; alarms are numbered on across the files.
    /// </summary>
    /// <param name="files">The files' series and scores.</param>
    /// <param name="threshold">A row is flagged above it.</param>
    /// <param name="path">The file (a temporary path: see <see cref="AtomicFile"/>).</param>
    /// <returns>How many alarms were written.</returns>
    public static int Write(IReadOnlyList<ScoredFile> files, double threshold, string path)
    {
        PointScoresCsv.CheckFiles(files);
        using var csv = new CsvWriter(new StreamWriter(path), SequenceCsvReader.Output);
        WriteHeader(csv, FilesHeader);
        var count = 0;
        foreach (var part in files)
        {
            count += WriteAlarms(csv, part, part.File, threshold, count);
        }

        return count;
    }

    private static void WriteHeader(CsvWriter csv, string header)
    {
        foreach (var name in header.Split(','))
        {
            csv.WriteField(name);
        }

        csv.NextRecord();
    }

    private static int WriteAlarms(CsvWriter csv, ScoredFile part, string? file, double threshold, int before)
    {
        var (series, scores) = (part.Series, part.Scores);
        var alarms = Of(scores, threshold);
        foreach (var ((first, last, peak), k) in alarms.Select((a, k) => (a, k)))
        {
            if (file is not null)
            {
                csv.WriteField(file);
            }

            csv.WriteField((before + k + 1).ToString(CultureInfo.InvariantCulture));
            csv.WriteField(series.Timestamps[first]);
            csv.WriteField(series.Timestamps[last]);
            csv.WriteField((last - first + 1).ToString(CultureInfo.InvariantCulture));
            csv.WriteField(series.Timestamps[peak]);
            csv.WriteField(scores[peak].ToString("R", CultureInfo.InvariantCulture));
            csv.WriteField(threshold.ToString("R", CultureInfo.InvariantCulture));
            csv.WriteField(part.Explain?.Invoke(peak) is { } a ? PointScoresCsv.Columns(a) : "");
            csv.NextRecord();
        }

        return alarms.Count;
    }
}
