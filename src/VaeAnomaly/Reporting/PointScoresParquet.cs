using Parquet;
using Parquet.Schema;
using VaeAnomaly.Data;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Reporting;

/// <summary>
/// The rows of <see cref="PointScoresCsv"/> as an Apache Parquet file (Parquet.Net, one row group per series): <c>timestamp</c>
/// (text, as read), <c>score</c> (float), <c>threshold</c> (double), <c>flag</c> (0/1 int), <c>label</c> (0/1 int) when
/// known and <c>columns</c> (text, null on a row not flagged) when asked for.
/// </summary>
public static class PointScoresParquet
{
    /// <summary>Writes the file.</summary>
    /// <param name="series">The scored series.</param>
    /// <param name="scores">Per-step scores.</param>
    /// <param name="threshold">Steps scoring above it get flag 1.</param>
    /// <param name="path">Destination file (a staging path: its extension does not matter).</param>
    /// <param name="explain">With it, a last column <c>columns</c> as <see cref="PointScoresCsv.Columns"/> writes it.</param>
    /// <exception cref="ArgumentException">Not one score per row, or a series whose labels are not one per row; nothing is written.</exception>
    public static void Write(Series series, IReadOnlyList<float> scores, double threshold, string path, Func<int, Attribution?>? explain = null)
    {
        PointScoresCsv.CheckOnePerRow(series, scores);
        WriteGroups([new ScoredFile("", series, scores, explain)], threshold, path, file: false, explain is not null);
    }

    /// <summary>
    /// Writes the scores of several series files, each scored on its own, into one file: a first column <c>file</c> (text,
    /// the file as named) before the columns above, one row group per file, in the order given.
    /// </summary>
    /// <param name="files">The files' series and scores; all labelled or none.</param>
    /// <param name="threshold">Rows scoring above it get flag 1.</param>
    /// <param name="path">Destination file (a staging path).</param>
    /// <param name="explain">With it, a last column <c>columns</c> of each flagged row's explanation by its file's <see cref="ScoredFile.Explain"/>.</param>
    /// <exception cref="ArgumentException">A file without one score per row, or labels on some files only; nothing is written.</exception>
    public static void Write(IReadOnlyList<ScoredFile> files, double threshold, string path, bool explain)
    {
        PointScoresCsv.CheckFiles(files);
        WriteGroups(files, threshold, path, file: true, explain);
    }

    private static void WriteGroups(IReadOnlyList<ScoredFile> files, double threshold, string path, bool file, bool explain)
    {
        var fields = new List<DataField>();
        if (file)
        {
            fields.Add(new DataField<string>("file"));
        }

        fields.AddRange([new DataField<string>("timestamp"), new DataField<float>("score"), new DataField<double>("threshold"), new DataField<int>("flag")]);
        var labelled = files[0].Series.Labels is not null;
        if (labelled)
        {
            fields.Add(new DataField<int>("label"));
        }

        if (explain)
        {
            fields.Add(new DataField<string>("columns", true));
        }

        using var stream = File.Create(path);
        var writer = ParquetWriter.CreateAsync(new ParquetSchema(fields.Cast<Field>()), stream).GetAwaiter().GetResult();
        try
        {
            foreach (var part in files)
            {
                using var group = writer.CreateRowGroup();
                foreach (var (field, values) in fields.Zip(Columns(part, threshold, file, explain)))
                {
                    WriteColumn(group, field, values).GetAwaiter().GetResult();
                }
            }
        }
        finally
        {
            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>One file's columns, in the order of the schema's fields.</summary>
    private static IEnumerable<Array> Columns(ScoredFile part, double threshold, bool file, bool explain)
    {
        var (series, scores, n) = (part.Series, part.Scores, part.Series.Length);
        var flags = Enumerable.Range(0, n).Select(t => scores[t] > threshold ? 1 : 0).ToArray();
        if (file)
        {
            yield return Enumerable.Repeat(part.File, n).ToArray();
        }

        yield return series.Timestamps.ToArray();
        yield return scores.Take(n).ToArray();
        yield return Enumerable.Repeat(threshold, n).ToArray();
        yield return flags;
        if (series.Labels is { } labels)
        {
            yield return labels.Select(l => l ? 1 : 0).ToArray();
        }

        if (explain)
        {
            yield return Enumerable.Range(0, n).Select(t => flags[t] == 1 && part.Explain?.Invoke(t) is { } a ? PointScoresCsv.Columns(a) : null).ToArray();
        }
    }

    private static Task WriteColumn(ParquetRowGroupWriter group, DataField field, Array values) => values switch
    {
        float[] f => group.WriteAsync<float>(field, f.AsMemory()),
        double[] d => group.WriteAsync<double>(field, d.AsMemory()),
        int[] i => group.WriteAsync<int>(field, i.AsMemory()),
        string?[] s => group.WriteAsync(field, s),
        _ => throw new InvalidOperationException($"No Parquet column of {values.GetType().Name}."),
    };
}
