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
        WriteHeader(csv, file: false, series.Labels is not null, explain is not null);
        WriteRows(csv, null, series, scores, threshold, explain);
    }

    /// <summary>
    /// Writes the scores of several series files, each scored on its own, into one file: a first column <c>file</c> (the
    /// file as named) before the columns of <see cref="Write(Series, IReadOnlyList{float}, double, string, Func{int, Attribution?}?)"/>,
    /// the files' rows in the order given.
    /// </summary>
    /// <param name="files">The files' series and scores; all labelled or none.</param>
    /// <param name="threshold">Rows scoring above it get flag 1.</param>
    /// <param name="path">Destination file.</param>
    /// <param name="explain">With it, a last column <c>columns</c> of each flagged row's explanation by its file's <see cref="ScoredFile.Explain"/>.</param>
    /// <exception cref="ArgumentException">A file without one score per row, or labels on some files only; nothing is written.</exception>
    public static void Write(IReadOnlyList<ScoredFile> files, double threshold, string path, bool explain)
    {
        var labelled = CheckFiles(files);
        using var csv = new CsvWriter(new StreamWriter(path), SequenceCsvReader.Output);
        WriteHeader(csv, file: true, labelled, explain);
        foreach (var part in files)
        {
            WriteRows(csv, part.File, part.Series, part.Scores, threshold, explain ? part.Explain ?? (_ => null) : null);
        }
    }

    /// <summary>Refuses, before a file is opened, parts without one score per row, or labels on some files only; true when all are labelled.</summary>
    /// <param name="files">The parts of a file of several series.</param>
    internal static bool CheckFiles(IReadOnlyList<ScoredFile> files)
    {
        foreach (var part in files)
        {
            CheckOnePerRow(part.Series, part.Scores);
        }

        var labelled = files.Count(f => f.Series.Labels is not null);
        if (labelled != 0 && labelled != files.Count)
        {
            throw new ArgumentException($"{labelled} of {files.Count} files carry labels; one file of their scores has a label column for all or for none.", nameof(files));
        }

        return labelled > 0;
    }

    private static void WriteHeader(CsvWriter csv, bool file, bool labels, bool explain)
    {
        foreach (var name in (file ? ["file"] : Array.Empty<string>()).Concat(["timestamp", "score", "threshold", "flag"]).Concat(labels ? ["label"] : []).Concat(explain ? ["columns"] : []))
        {
            csv.WriteField(name);
        }

        csv.NextRecord();
    }

    private static void WriteRows(CsvWriter csv, string? file, Series series, IReadOnlyList<float> scores, double threshold, Func<int, Attribution?>? explain)
    {
        for (var t = 0; t < series.Length; t++)
        {
            if (file is not null)
            {
                csv.WriteField(file);
            }

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
