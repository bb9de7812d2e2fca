using Parquet;
using Parquet.Schema;
using VaeAnomaly.Data;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Reporting;

/// <summary>
/// The rows of <see cref="PointScoresCsv"/> as an Apache Parquet file (Parquet.Net, one row group): <c>timestamp</c>
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
        var n = series.Length;
        var flags = Enumerable.Range(0, n).Select(t => scores[t] > threshold ? 1 : 0).ToArray();
        var columns = new List<(DataField Field, Func<ParquetRowGroupWriter, DataField, Task> Write)>
        {
            (new DataField<string>("timestamp"), (g, f) => g.WriteAsync(f, [.. series.Timestamps])),
            (new DataField<float>("score"), (g, f) => g.WriteAsync<float>(f, scores.Take(n).ToArray().AsMemory())),
            (new DataField<double>("threshold"), (g, f) => g.WriteAsync<double>(f, Enumerable.Repeat(threshold, n).ToArray().AsMemory())),
            (new DataField<int>("flag"), (g, f) => g.WriteAsync<int>(f, flags.AsMemory())),
        };
        if (series.Labels is { } labels)
        {
            columns.Add((new DataField<int>("label"), (g, f) => g.WriteAsync<int>(f, labels.Select(l => l ? 1 : 0).ToArray().AsMemory())));
        }

        if (explain is not null)
        {
            columns.Add((new DataField<string>("columns", true), (g, f) => g.WriteAsync(f, [.. Enumerable.Range(0, n).Select(t => flags[t] == 1 && explain(t) is { } a ? PointScoresCsv.Columns(a) : null)])));
        }

        using var stream = File.Create(path);
        var writer = ParquetWriter.CreateAsync(new ParquetSchema(columns.Select(c => (Field)c.Field)), stream).GetAwaiter().GetResult();
        try
        {
            using var group = writer.CreateRowGroup();
            foreach (var (field, write) in columns)
            {
                write(group, field).GetAwaiter().GetResult();
            }
        }
        finally
        {
            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
