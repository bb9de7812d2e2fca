using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace VaeAnomaly.Cli.Tests.Commands;

/// <summary><c>train</c>, <c>score</c> and <c>evaluate</c> on Parquet series: the same results as on the same rows in CSV.</summary>
[Collection(TorchCollection.Name)]
public sealed class ParquetCommandTests : IDisposable
{
    private static readonly DateTime Start = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static double Temp(int t, int spikeAt) => Math.Round(Math.Sin(t / 10.0) + (0.05 * Math.Cos(t * 1.7)) + (t >= spikeAt && t < spikeAt + 5 ? 8 : 0), 5);

    private static double Pressure(int t) => Math.Round(Math.Cos(t / 7.0), 5);

    /// <summary>The same <paramref name="rows"/> rows as <c>NAME.csv</c> and <c>NAME.parquet</c> (a 0/1 anomaly column on the spike when labelled).</summary>
    private void Write(string name, int rows, int spikeAt = -1, bool labelled = false)
    {
        int Label(int t) => t >= spikeAt && t < spikeAt + 5 && spikeAt >= 0 ? 1 : 0;
        File.WriteAllLines(dir.File(name + ".csv"), [
            "timestamp,temp,pressure" + (labelled ? ",anomaly" : ""),
            .. Enumerable.Range(0, rows).Select(t => string.Create(CultureInfo.InvariantCulture,
                $"{Start.AddSeconds(t):yyyy-MM-dd HH:mm:ss},{Temp(t, spikeAt)},{Pressure(t)}{(labelled ? $",{Label(t)}" : "")}")),
        ]);

        var fields = new DataField[] { new DataField<DateTime>("timestamp"), new DataField<double>("temp"), new DataField<float>("pressure"), new DataField<int>("anomaly") };
        using var stream = File.Create(dir.File(name + ".parquet"));
        var writer = ParquetWriter.CreateAsync(new ParquetSchema(labelled ? fields : fields[..3]), stream).GetAwaiter().GetResult();
        try
        {
            using var group = writer.CreateRowGroup();
            var t = Enumerable.Range(0, rows).ToArray();
            group.WriteAsync<DateTime>(fields[0], t.Select(i => Start.AddSeconds(i)).ToArray().AsMemory()).GetAwaiter().GetResult();
            group.WriteAsync<double>(fields[1], t.Select(i => Temp(i, spikeAt)).ToArray().AsMemory()).GetAwaiter().GetResult();
            group.WriteAsync<float>(fields[2], t.Select(i => (float)Pressure(i)).ToArray().AsMemory()).GetAwaiter().GetResult();
            if (labelled)
            {
                group.WriteAsync<int>(fields[3], t.Select(Label).ToArray().AsMemory()).GetAwaiter().GetResult();
            }
        }
        finally
        {
            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    [Fact]
    public async Task TrainScoreEvaluate_ParquetSeries_GiveWhatTheSameRowsInCsvGive()
    {
        // Given: the same training and test rows in both formats (pressure stored as 32-bit floats in Parquet, as the models read it)
        Write("train", 600);
        Write("test", 200, spikeAt: 120, labelled: true);

        // When: a bundle from each format; each scores and evaluates the test rows in the other format
        var runs = new List<(int Exit, string Text)>
        {
            await CliRunner.RunAsync("train", "--model", "knn", "--data", dir.File("train.parquet"), "--out", dir.File("from-parquet"), "--split", "80/20/0", "--seed", "3"),
            await CliRunner.RunAsync("train", "--model", "knn", "--data", dir.File("train.csv"), "--out", dir.File("from-csv"), "--split", "80/20/0", "--seed", "3"),
            await CliRunner.RunAsync("score", "--model", dir.File("from-parquet"), "--data", dir.File("test.csv"), "--label-column", "anomaly", "--point-score", "last", "--out", dir.File("csv-points.csv")),
            await CliRunner.RunAsync("score", "--model", dir.File("from-csv"), "--data", dir.File("test.parquet"), "--label-column", "anomaly", "--point-score", "last", "--out", dir.File("parquet-points.csv")),
            await CliRunner.RunAsync("evaluate", "--model", dir.File("from-csv"), "--data", dir.File("test.parquet"), "--label-column", "anomaly", "--point-score", "last", "--out", dir.File("eval-parquet")),
            await CliRunner.RunAsync("evaluate", "--model", dir.File("from-parquet"), "--data", dir.File("test.csv"), "--label-column", "anomaly", "--point-score", "last", "--out", dir.File("eval-csv")),
        };

        // Then: every run succeeds; the two bundles' thresholds, the points (times included) and the metrics are the same
        Assert.All(runs, run => Assert.True(run.Exit == 0, run.Text));
        Assert.Equal(File.ReadAllText(dir.File("csv-points.csv")), File.ReadAllText(dir.File("parquet-points.csv")));
        Assert.StartsWith("2024-01-01 00:00:00,", File.ReadAllLines(dir.File("parquet-points.csv"))[1]);
        Assert.Equal(File.ReadAllText(dir.File("eval-csv/metrics.json")), File.ReadAllText(dir.File("eval-parquet/metrics.json")));
        Assert.Contains("\"auc_pr\"", File.ReadAllText(dir.File("eval-parquet/metrics.json")));
    }

    [Fact]
    public async Task BenchmarkSeries_AFolderOfParquetPairs_IsRunAsCsvPairsAre()
    {
        // Given: one pair in Parquet, the same pair in CSV in another folder
        Write("train", 400);
        Write("test", 200, spikeAt: 120, labelled: true);
        foreach (var (format, folder) in new[] { ("parquet", "p"), ("csv", "c") })
        {
            Directory.CreateDirectory(dir.File(folder));
            File.Copy(dir.File($"train.{format}"), dir.File($"{folder}/x.train.{format}"));
            File.Copy(dir.File($"test.{format}"), dir.File($"{folder}/x.test.{format}"));
        }

        // When
        var parquet = await CliRunner.RunAsync("benchmark", "series", "--data", dir.File("p"), "--models", "range,pca", "--out", dir.File("p-out"));
        var csv = await CliRunner.RunAsync("benchmark", "series", "--data", dir.File("c"), "--models", "range,pca", "--out", dir.File("c-out"));

        // Then: the same file rows, training times apart
        Assert.True(parquet.ExitCode == 0, parquet.Output);
        Assert.True(csv.ExitCode == 0, csv.Output);
        static string[] Measures(string path) => [.. File.ReadAllLines(path).Select(l => string.Join(',', l.Split(',')[..12]))];
        Assert.Equal(Measures(dir.File("c-out/files.csv")), Measures(dir.File("p-out/files.csv")));
        Assert.Equal(3, File.ReadAllLines(dir.File("p-out/files.csv")).Length);
    }

    [Fact]
    public async Task Score_OutParquet_HoldsTheRowsOfTheCsvOutput()
    {
        // Given
        Write("train", 400);
        Write("test", 200, spikeAt: 120, labelled: true);
        var (trainExit, trainText) = await CliRunner.RunAsync("train", "--model", "pca", "--data", dir.File("train.csv"), "--out", dir.File("bundle"), "--split", "80/20/0");

        // When: the same scoring to CSV and to Parquet, with the columns behind each flag
        var csv = await CliRunner.RunAsync("score", "--model", dir.File("bundle"), "--data", dir.File("test.csv"), "--label-column", "anomaly", "--point-score", "last", "--explain", "--out", dir.File("points.csv"));
        var parquet = await CliRunner.RunAsync("score", "--model", dir.File("bundle"), "--data", dir.File("test.csv"), "--label-column", "anomaly", "--point-score", "last", "--explain", "--out", dir.File("points.parquet"));

        // Then: read back with Parquet.Net, every row equals the CSV's
        Assert.True(trainExit == 0, trainText);
        Assert.True(csv.ExitCode == 0, csv.Output);
        Assert.True(parquet.ExitCode == 0, parquet.Output);
        var expected = File.ReadAllLines(dir.File("points.csv"));
        Assert.Equal("timestamp,score,threshold,flag,label,columns", expected[0]);
        using var stream = File.OpenRead(dir.File("points.parquet"));
        await using var reader = await ParquetReader.CreateAsync(stream);
        var fields = reader.Schema.DataFields;
        Assert.Equal(["timestamp", "score", "threshold", "flag", "label", "columns"], fields.Select(f => f.Name));
        using var group = reader.OpenRowGroupReader(0);
        var n = (int)group.RowCount;
        var (times, scores, thresholds, flags, labels, columns) = (new string?[n], new float[n], new double[n], new int[n], new int[n], new string?[n]);
        await group.ReadAsync(fields[0], times.AsMemory());
        await group.ReadAsync<float>(fields[1], scores.AsMemory());
        await group.ReadAsync<double>(fields[2], thresholds.AsMemory());
        await group.ReadAsync<int>(fields[3], flags.AsMemory());
        await group.ReadAsync<int>(fields[4], labels.AsMemory());
        await group.ReadAsync(fields[5], columns.AsMemory());
        var rows = Enumerable.Range(0, n).Select(t => string.Join(',',
            times[t], scores[t].ToString("R", CultureInfo.InvariantCulture), thresholds[t].ToString("R", CultureInfo.InvariantCulture), flags[t], labels[t], columns[t] ?? ""));
        Assert.Equal(expected.Skip(1), rows);
        Assert.Contains(1, flags);
    }

    [Theory]
    [InlineData("seq.csv", false, "scores.parquet", "Parquet is written for the points of a series")] // sequences' scores are CSV
    [InlineData("train.parquet", true, "points.csv", "a Parquet file (")] // --follow reads appended CSV rows
    [InlineData("train.csv", true, "points.parquet", "a Parquet file (")] // and writes them
    public async Task Score_ParquetWhereItDoesNotApply_IsRefusedBeforeAnythingIsWritten(string data, bool follow, string output, string expected)
    {
        File.WriteAllLines(dir.File("seq.csv"), ["sequence_id,t,a", .. Enumerable.Range(0, 40).Select(t => $"s{t / 20},{t % 20},{t % 3}")]);
        Write("train", 300);
        var (trainExit, trainText) = await CliRunner.RunAsync("train", "--model", "range", "--data", dir.File("train.parquet"), "--out", dir.File("bundle"), "--split", "80/20/0");

        var (exit, text) = await CliRunner.RunAsync(["score", "--model", dir.File("bundle"), "--data", dir.File(data), "--out", dir.File(output), .. follow ? new[] { "--follow" } : []]);

        Assert.True(trainExit == 0, trainText);
        Assert.Equal(1, exit);
        Assert.Contains(expected, text);
        Assert.False(File.Exists(dir.File(output)));
    }

    /// <summary>The same records as <c>NAME.csv</c> and <c>NAME.parquet</c>: bytes (long), duration (double), proto (text), label (text).</summary>
    private async Task WriteRecords(string name, (long Bytes, double Duration, string Proto, string Label)[] records)
    {
        File.WriteAllLines(dir.File(name + ".csv"), [
            "bytes,duration,proto,label",
            .. records.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Bytes},{r.Duration:R},{r.Proto},{r.Label}")),
        ]);
        var fields = new DataField[] { new DataField<long>("bytes"), new DataField<double>("duration"), new DataField<string>("proto"), new DataField<string>("label") };
        await using var stream = File.Create(dir.File(name + ".parquet"));
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream);
        using var group = writer.CreateRowGroup();
        await group.WriteAsync<long>(fields[0], records.Select(r => r.Bytes).ToArray().AsMemory());
        await group.WriteAsync<double>(fields[1], records.Select(r => r.Duration).ToArray().AsMemory());
        await group.WriteAsync(fields[2], [.. records.Select(r => r.Proto)]);
        await group.WriteAsync(fields[3], [.. records.Select(r => r.Label)]);
    }

    [Fact]
    public async Task TrainScoreEvaluate_ParquetRecords_GiveWhatTheSameRecordsInCsvGive()
    {
        // Given: 300 normal records (duration about bytes / 100, proto tcp or udp) and a labelled test with two attacks
        var random = new Random(7);
        await WriteRecords("normal", [.. Enumerable.Range(0, 300).Select(i =>
        {
            var bytes = 500L + random.Next(1000);
            return (bytes, Math.Round((bytes / 100.0) + random.NextDouble(), 3), i % 3 == 0 ? "udp" : "tcp", "normal");
        })]);
        await WriteRecords("today", [(760, 8.1, "tcp", "normal"), (99000, 7.7, "tcp", "attack"), (600, 40, "udp", "attack"), (640, 6.9, "udp", "normal")]);

        // When: a bundle from each format; each scores and evaluates the other format's test
        var runs = new List<(int ExitCode, string Output)>
        {
            await CliRunner.RunAsync("train", "--records", "--model", "dense-ae", "--data", dir.File("normal.parquet"), "--seed", "1", "--epochs", "5", "--out", dir.File("from-parquet")),
            await CliRunner.RunAsync("train", "--records", "--model", "dense-ae", "--data", dir.File("normal.csv"), "--seed", "1", "--epochs", "5", "--out", dir.File("from-csv")),
            await CliRunner.RunAsync("score", "--model", dir.File("from-parquet"), "--data", dir.File("today.csv"), "--explain", "--out", dir.File("csv-scores.csv")),
            await CliRunner.RunAsync("score", "--model", dir.File("from-csv"), "--data", dir.File("today.parquet"), "--explain", "--out", dir.File("parquet-scores.csv")),
            await CliRunner.RunAsync("evaluate", "--model", dir.File("from-csv"), "--data", dir.File("today.parquet"), "--label-column", "label", "--out", dir.File("eval-parquet")),
            await CliRunner.RunAsync("evaluate", "--model", dir.File("from-parquet"), "--data", dir.File("today.csv"), "--label-column", "label", "--out", dir.File("eval-csv")),
        };

        // Then: the same scores (each record by its line, the header line 1) and the same metrics
        Assert.All(runs, run => Assert.True(run.ExitCode == 0, run.Output));
        var scores = File.ReadAllLines(dir.File("parquet-scores.csv"));
        Assert.Equal(File.ReadAllLines(dir.File("csv-scores.csv")), scores);
        Assert.Equal("line,score,threshold,flag,columns", scores[0]);
        Assert.StartsWith("3,", scores[2], StringComparison.Ordinal);
        Assert.Equal("1", scores[2].Split(',')[3]); // 99,000 bytes
        Assert.Equal(File.ReadAllText(dir.File("eval-csv/metrics.json")), File.ReadAllText(dir.File("eval-parquet/metrics.json")));
    }
}
