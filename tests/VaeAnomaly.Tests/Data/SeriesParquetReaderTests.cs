using System.Globalization;
using Parquet;
using Parquet.Schema;
using VaeAnomaly.Data;

namespace VaeAnomaly.Tests.Data;

/// <summary>Series in Parquet files written by Parquet.Net itself, read back against the same rows written as CSV.</summary>
public sealed class SeriesParquetReaderTests : IDisposable
{
    private static readonly DateTime Start = new(2024, 3, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>Writes one Parquet file with one row group per entry of <paramref name="groups"/>, each a list of (field, column data).</summary>
    private string Write(string name, params (DataField Field, Array Data)[][] groups)
    {
        var path = dir.File(name);
        using var stream = File.Create(path);
        var writer = ParquetWriter.CreateAsync(new ParquetSchema(groups[0].Select(c => (Field)c.Field)), stream).GetAwaiter().GetResult();
        try
        {
            foreach (var group in groups)
            {
                using var rows = writer.CreateRowGroup();
                foreach (var (k, (_, data)) in group.Index())
                {
                    var field = groups[0][k].Field; // a field belongs to the schema it was written with
                    var done = data switch
                    {
                        DateTime[] d => rows.WriteAsync<DateTime>(field, d.AsMemory()),
                        double[] d => rows.WriteAsync<double>(field, d.AsMemory()),
                        float?[] d => rows.WriteAsync<float>(field, d.AsMemory()),
                        int[] d => rows.WriteAsync<int>(field, d.AsMemory()),
                        long[] d => rows.WriteAsync<long>(field, d.AsMemory()),
                        bool[] d => rows.WriteAsync<bool>(field, d.AsMemory()),
                        string[] d => rows.WriteAsync(field, d),
                        _ => throw new ArgumentException(data.GetType().Name),
                    };
                    done.GetAwaiter().GetResult();
                }
            }
        }
        finally
        {
            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        return path;
    }

    private static (DataField, Array)[] Rows(int from, int count, float?[]? v1 = null) =>
    [
        (new DataField<DateTime>("timestamp"), Enumerable.Range(from, count).Select(t => Start.AddMinutes(5 * t)).ToArray()),
        (new DataField<double>("v0"), Enumerable.Range(from, count).Select(t => Math.Round(Math.Sin(t / 3.0), 4)).ToArray()),
        (new DataField<float>("v1", true), v1 ?? Enumerable.Range(from, count).Select(t => (float?)(t % 5)).ToArray()),
        (new DataField<long>("c1"), Enumerable.Range(from, count).Select(t => (long)(t % 2)).ToArray()),
        (new DataField<int>("anomaly"), Enumerable.Range(from, count).Select(t => t == 7 ? 1 : 0).ToArray()),
    ];

    [Fact]
    public void Read_TwoRowGroups_GivesTheSeriesTheSameRowsAsCsvGive()
    {
        // Given: rows 0-5 in one row group and 6-9 in another; the same ten rows as CSV
        var parquet = Write("s.parquet", Rows(0, 6), Rows(6, 4));
        File.WriteAllLines(dir.File("s.csv"), [
            "timestamp,v0,v1,c1,anomaly",
            .. Enumerable.Range(0, 10).Select(t => string.Create(CultureInfo.InvariantCulture,
                $"{Start.AddMinutes(5 * t):yyyy-MM-dd HH:mm:ss},{Math.Round(Math.Sin(t / 3.0), 4)},{t % 5},{t % 2},{(t == 7 ? 1 : 0)}")),
        ]);

        // When
        var fromParquet = SeriesCsvReader.Read(parquet, labelColumn: "anomaly");
        var fromCsv = SeriesCsvReader.Read(dir.File("s.csv"), labelColumn: "anomaly");

        // Then: every name, time, value and label equal; the time in ISO 8601 as a CSV would hold it
        Assert.Equal(["v0", "v1", "c1"], fromParquet.ChannelNames);
        Assert.Equal(fromCsv.ChannelNames, fromParquet.ChannelNames);
        Assert.Equal(fromCsv.Timestamps, fromParquet.Timestamps);
        Assert.Equal("2024-03-01 00:45:00", fromParquet.Timestamps[9]);
        Assert.Equal(fromCsv.Values, fromParquet.Values);
        Assert.Equal(fromCsv.Labels!, fromParquet.Labels!);
        Assert.Equal(7, fromParquet.Labels!.ToList().IndexOf(true));
        Assert.False(SeriesCsvReader.IsSequenceLayout(parquet));
    }

    [Fact]
    public void Read_Columns_KeepsThoseInTheirOrder()
    {
        var parquet = Write("s.parquet", Rows(0, 4));

        var series = SeriesParquetReader.Read(parquet, columns: ["c1", "v0"]);

        Assert.Equal(["c1", "v0"], series.ChannelNames);
        Assert.Equal([0f, 0f, 1f, (float)Math.Round(Math.Sin(1 / 3.0), 4)], series.Values[..4]);
        Assert.Null(series.Labels);
    }

    [Fact]
    public void Read_ANullValue_IsAMissingValue_AnErrorNamingItsRowUnlessFilled()
    {
        // Given: v1 is null in the third row (row 3), between 1 and 3
        var parquet = Write("s.parquet", Rows(0, 5, v1: [0f, 1f, null, 3f, 4f]));

        // When
        var error = Assert.Throws<DataFormatException>(() => SeriesParquetReader.Read(parquet, columns: ["v1"]));
        var filled = SeriesParquetReader.Read(parquet, columns: ["v1"], missing: MissingValues.Interpolate);
        var dropped = SeriesParquetReader.Read(parquet, columns: ["v1"], missing: MissingValues.Drop);

        // Then
        Assert.Equal("v1", error.Column);
        Assert.Contains("row 3 holds null; expected a finite number", error.Message);
        Assert.Equal([0f, 1f, 2f, 3f, 4f], filled.Values);
        Assert.Equal(1, filled.FilledValues);
        Assert.Equal([0f, 1f, 3f, 4f], dropped.Values);
        Assert.Equal(1, dropped.DroppedRows);
    }

    [Fact]
    public void Read_ATextColumnAmongTheValues_IsRefusedByName()
    {
        var parquet = Write("s.parquet", [.. Rows(0, 3), (new DataField<string>("host"), new[] { "a", "b", "c" })]);

        var error = Assert.Throws<DataFormatException>(() => SeriesParquetReader.Read(parquet));

        Assert.Equal("host", error.Column);
        Assert.Contains("holds text values; expected numbers", error.Message);
        Assert.Equal(["v0"], SeriesParquetReader.Read(parquet, columns: ["v0"]).ChannelNames);
    }

    [Fact]
    public void Read_ALabelThatIsNeither0Nor1_IsRefusedWithItsRow()
    {
        var rows = Rows(0, 3);
        rows[4] = (new DataField<int>("anomaly"), new[] { 0, 2, 0 });
        var parquet = Write("s.parquet", rows);

        var error = Assert.Throws<DataFormatException>(() => SeriesParquetReader.Read(parquet, labelColumn: "anomaly"));

        Assert.Contains("row 2 holds 2; expected 0 or 1", error.Message);
    }

    [Fact]
    public void Read_PandasIndexColumns_AreNoValues_AndATimeIndexIsTheTime()
    {
        // Given: what pandas' to_parquet writes for a frame with an unnamed time index, and for one with row numbers kept
        var timeIndexed = Write("t.parquet", [
            (new DataField<double>("v0"), new[] { 1.0, 2 }),
            (new DataField<DateTime>("__index_level_0__"), new[] { Start, Start.AddMinutes(1) }),
        ]);
        var numbered = Write("n.parquet", [
            (new DataField<DateTime>("timestamp"), new[] { Start, Start.AddMinutes(1) }),
            (new DataField<double>("v0"), new[] { 1.0, 2 }),
            (new DataField<long>("__index_level_0__"), new[] { 17L, 18 }),
        ]);

        // When
        var fromTimeIndex = SeriesParquetReader.Read(timeIndexed);
        var fromNumbered = SeriesParquetReader.Read(numbered);

        // Then
        Assert.Equal(["v0"], fromTimeIndex.ChannelNames);
        Assert.Equal(["2024-03-01 00:00:00", "2024-03-01 00:01:00"], fromTimeIndex.Timestamps);
        Assert.Equal(["v0"], fromNumbered.ChannelNames);
        Assert.Equal([1f, 2f], fromNumbered.Values);
    }

    [Fact]
    public void Read_TextTimesAndTrueFalseLabels_AreReadAsTheyAre()
    {
        var parquet = Write("s.parquet", [
            (new DataField<string>("date"), new[] { "d1", "d2" }),
            (new DataField<double>("v"), new[] { 1.5, -2 }),
            (new DataField<bool>("flag"), new[] { false, true }),
        ]);

        var series = SeriesParquetReader.Read(parquet, labelColumn: "flag");

        Assert.Equal(["d1", "d2"], series.Timestamps);
        Assert.Equal([1.5f, -2f], series.Values);
        Assert.Equal([false, true], series.Labels!);
    }

    [Theory]
    [InlineData("timestamp,v\n1,2\n", null, "is not a Parquet file that can be read")]
    [InlineData("", null, "is not a Parquet file that can be read")]
    [InlineData(null, "when", "'when': is not a column of the file, whose columns are [timestamp,v0,v1,c1,anomaly] (name the time column with --time-column)")]
    [InlineData(null, "missing-file", "does not exist")]
    public void Read_BadFiles_AreRefusedNamingTheFile(string? content, string? timeColumn, string expected)
    {
        var path = dir.File("s.parquet");
        if (content is not null)
        {
            File.WriteAllText(path, content);
        }
        else if (timeColumn != "missing-file")
        {
            Write("s.parquet", Rows(0, 3));
        }

        var error = Assert.Throws<DataFormatException>(() => SeriesCsvReader.Read(path, timeColumn: timeColumn == "missing-file" ? null : timeColumn));

        Assert.Equal(path, error.File);
        Assert.Contains(expected, error.Message);
    }
}
