using System.Globalization;
using Parquet;

namespace VaeAnomaly.Cli.Tests.Commands;

/// <summary><c>score --data a.csv b.csv</c>: several series files scored with one bundle, each on its own, into one scores file.</summary>
[Collection(TorchCollection.Name)]
public sealed class MultiFileScoringTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private string Wave(string name, int rows, Func<int, double>? bump = null) =>
        SeriesFile.Write(dir.File(name), "t,a,b", rows, t => string.Create(CultureInfo.InvariantCulture,
            $"{t},{Math.Sin(t / 5.0) + (bump?.Invoke(t) ?? 0):0.####},{Math.Cos(t / 7.0):0.####}"));

    [Theory]
    [InlineData("pca", "last", "threshold")]
    [InlineData("knn", "step", "threshold")]
    [InlineData("gaussian", "last", "surprise")]
    public async Task Score_TwoFiles_GiveEachFileTheRowsItGetsScoredAlone_UnderAFileColumn(string model, string pointScore, string flagBy)
    {
        // Given: a model of a two-column wave, and two later files, one with a bump that the model should flag
        Wave("train.csv", 500);
        var (first, second) = (Wave("mon.csv", 150), Wave("tue.csv", 120, t => t is >= 60 and < 70 ? 3 : 0));
        var (trainExit, trainText) = await CliRunner.RunAsync("train", "--model", model, "--window", "8", "--data", dir.File("train.csv"), "--out", dir.File("bundle"));
        Assert.True(trainExit == 0, trainText);
        string[] how = ["--point-score", pointScore, "--flag-by", flagBy, "--explain"];

        // When: the two files together, with their alarms, and each file alone
        var (exit, text) = await CliRunner.RunAsync(["score", "--model", dir.File("bundle"), "--data", first, second, "--out", dir.File("both.csv"), "--alarms", dir.File("alarms.csv"), "--top", "3", "--report", dir.File("report"), .. how]);
        var alone = new List<string[]>();
        foreach (var (file, k) in new[] { first, second }.Select((f, k) => (f, k)))
        {
            var one = await CliRunner.RunAsync(["score", "--model", dir.File("bundle"), "--data", file, "--out", dir.File($"alone{k}.csv"), "--alarms", dir.File($"alarms{k}.csv"), .. how]);
            Assert.True(one.ExitCode == 0, one.Output);
            alone.Add(File.ReadAllLines(dir.File($"alone{k}.csv")));
        }

        // Then: the header gains a first column, file; each file's rows are those it gets scored alone, in the order given
        Assert.True(exit == 0, text);
        var both = File.ReadAllLines(dir.File("both.csv"));
        Assert.Equal("file,timestamp,score,threshold,flag,columns", both[0]);
        Assert.Equal("timestamp,score,threshold,flag,columns", alone[0][0]);
        Assert.Equal(alone[0].Skip(1).Select(l => $"{first},{l}").Concat(alone[1].Skip(1).Select(l => $"{second},{l}")), both.Skip(1));
        Assert.Contains(both, l => l.StartsWith(second, StringComparison.Ordinal) && l.Split(',')[4] == "1");

        // and the alarms are each file's alarms alone, numbered on across the files
        var alarms = File.ReadAllLines(dir.File("alarms.csv"));
        Assert.Equal("file,alarm,first,last,rows,peak,peak_score,threshold,columns", alarms[0]);
        var expected = new[] { first, second }.SelectMany((f, k) => File.ReadAllLines(dir.File($"alarms{k}.csv")).Skip(1).Select(l => (File: f, Tail: l[(l.IndexOf(',', StringComparison.Ordinal) + 1)..])))
            .Select((a, k) => $"{a.File},{k + 1},{a.Tail}");
        Assert.Equal(expected, alarms.Skip(1));
        Assert.Contains("Scored 270 time steps of 2 files", CliRunner.Collapse(text), StringComparison.Ordinal);
        Assert.Contains("top 3 time steps of 2 files", text, StringComparison.Ordinal);

        // and each file's report is in a folder of its own, numbered in the order given, naming the file
        Assert.Equal(["01-mon.csv", "02-tue.csv"], Directory.EnumerateDirectories(dir.File("report")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains("on tue.csv", File.ReadAllText(dir.File("report/02-tue.csv/report.html")), StringComparison.Ordinal);

        // and --force replaces both files as this tool wrote them
        var again = await CliRunner.RunAsync(["score", "--model", dir.File("bundle"), "--data", first, second, "--out", dir.File("both.csv"), "--alarms", dir.File("alarms.csv"), "--report", dir.File("report"), "--force", .. how]);
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Equal(both, File.ReadAllLines(dir.File("both.csv")));
        Assert.Equal(alarms, File.ReadAllLines(dir.File("alarms.csv")));
    }

    [Fact]
    public async Task Knn_TwoFilesAtTheTwoLevelsItLearnt_FlagsNothing_WhereTheFilesJoinedEndToEndFlagTheJump()
    {
        // Given: a model of windows at 0 and at 10, learnt from two files (no window across the jump between them)
        var low = SeriesFile.Write(dir.File("low.csv"), "t,v", 200, t => $"{t},0");
        var high = SeriesFile.Write(dir.File("high.csv"), "t,v", 200, t => $"{t},10");
        var (trainExit, trainText) = await CliRunner.RunAsync("train", "--model", "knn", "--window", "4", "--data", low, high, "--split", "70/30/0", "--out", dir.File("bundle"));
        var (a, b) = (SeriesFile.Write(dir.File("a.csv"), "t,v", 20, t => $"{t},0"), SeriesFile.Write(dir.File("b.csv"), "t,v", 20, t => $"{t},10"));
        var joined = SeriesFile.Write(dir.File("joined.csv"), "t,v", 40, t => $"{t},{(t < 20 ? 0 : 10)}");

        // When
        var (exit, text) = await CliRunner.RunAsync("score", "--model", dir.File("bundle"), "--data", a, b, "--point-score", "last", "--out", dir.File("both.csv"));
        var (joinedExit, joinedText) = await CliRunner.RunAsync("score", "--model", dir.File("bundle"), "--data", joined, "--point-score", "last", "--out", dir.File("joined-points.csv"));

        // Then: each file is scored from its own rows: every full window matches a training window exactly; joined, the
        // windows ending at rows 20-22 hold both levels and are flagged
        Assert.True(trainExit == 0, trainText);
        Assert.True(exit == 0, text);
        Assert.True(joinedExit == 0, joinedText);
        var rows = File.ReadAllLines(dir.File("both.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.Equal(40, rows.Length);
        Assert.All(rows, r => Assert.Equal("0", r[4]));
        Assert.All(rows.Where(r => int.Parse(r[1], CultureInfo.InvariantCulture) >= 3), r => Assert.Equal(0, float.Parse(r[2], CultureInfo.InvariantCulture), 5));
        Assert.Equal(["20", "21", "22"], File.ReadAllLines(dir.File("joined-points.csv")).Skip(1).Select(l => l.Split(',')).Where(r => r[3] == "1").Select(r => r[0]));
    }

    [Fact]
    public async Task Score_TwoFilesToParquet_WritesAFileColumnAndOneRowGroupPerFile_HoldingTheCsvRows()
    {
        // Given
        Wave("train.csv", 400);
        var (first, second) = (Wave("mon.csv", 90), Wave("tue.csv", 70, t => t == 40 ? 4 : 0));
        var (trainExit, trainText) = await CliRunner.RunAsync("train", "--model", "pca", "--window", "8", "--data", dir.File("train.csv"), "--out", dir.File("bundle"));

        // When
        var csv = await CliRunner.RunAsync("score", "--model", dir.File("bundle"), "--data", first, second, "--explain", "--out", dir.File("points.csv"));
        var parquet = await CliRunner.RunAsync("score", "--model", dir.File("bundle"), "--data", first, second, "--explain", "--out", dir.File("points.parquet"));

        // Then
        Assert.True(trainExit == 0, trainText);
        Assert.True(csv.ExitCode == 0, csv.Output);
        Assert.True(parquet.ExitCode == 0, parquet.Output);
        using var stream = File.OpenRead(dir.File("points.parquet"));
        await using var reader = await ParquetReader.CreateAsync(stream);
        var fields = reader.Schema.DataFields;
        Assert.Equal(["file", "timestamp", "score", "threshold", "flag", "columns"], fields.Select(f => f.Name));
        Assert.Equal(2, reader.RowGroupCount);
        var rows = new List<string>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var n = (int)group.RowCount;
            var (files, times, scores, thresholds, flags, columns) = (new string?[n], new string?[n], new float[n], new double[n], new int[n], new string?[n]);
            await group.ReadAsync(fields[0], files.AsMemory());
            await group.ReadAsync(fields[1], times.AsMemory());
            await group.ReadAsync<float>(fields[2], scores.AsMemory());
            await group.ReadAsync<double>(fields[3], thresholds.AsMemory());
            await group.ReadAsync<int>(fields[4], flags.AsMemory());
            await group.ReadAsync(fields[5], columns.AsMemory());
            rows.AddRange(Enumerable.Range(0, n).Select(t => string.Join(',', files[t], times[t], scores[t].ToString("R", CultureInfo.InvariantCulture),
                thresholds[t].ToString("R", CultureInfo.InvariantCulture), flags[t], columns[t] ?? "")));
        }

        var expected = File.ReadAllLines(dir.File("points.csv"));
        Assert.Equal(expected.Skip(1), rows);
        Assert.Contains(rows, r => r.StartsWith(second, StringComparison.Ordinal) && r.Split(',')[4] == "1");
    }

    [Fact]
    public async Task Score_SeveralInputsItCannotTakeTogether_AreRefusedNamingWhy_AndNothingIsWritten()
    {
        // Given: a series model, a records model, and inputs that are not all series files
        Wave("train.csv", 300);
        var (first, second) = (Wave("mon.csv", 60), Wave("tue.csv", 60));
        var (trainExit, trainText) = await CliRunner.RunAsync("train", "--model", "range", "--data", dir.File("train.csv"), "--out", dir.File("bundle"));
        var (recordsExit, recordsText) = await CliRunner.RunAsync("train", "--records", "--model", "pca", "--data", dir.File("train.csv"), "--out", dir.File("records"));
        Directory.CreateDirectory(dir.File("folder"));
        string[] score = ["score", "--model", dir.File("bundle"), "--out", dir.File("points.csv")];

        // When
        var follow = await CliRunner.RunAsync([.. score, "--data", first, second, "--follow"]);
        var folder = await CliRunner.RunAsync([.. score, "--data", first, dir.File("folder")]);
        var twice = await CliRunner.RunAsync([.. score, "--data", first, Path.Combine(dir.File("folder"), "..", "mon.csv")]);
        var missing = await CliRunner.RunAsync([.. score, "--data", first, dir.File("wed.csv")]);
        var records = await CliRunner.RunAsync("score", "--model", dir.File("records"), "--data", first, second, "--out", dir.File("points.csv"));
        var same = await CliRunner.RunAsync([.. score, "--data", first, second, "--alarms", dir.File("points.csv")]);
        var input = await CliRunner.RunAsync("score", "--model", dir.File("bundle"), "--data", first, second, "--out", second, "--report", dir.File("report"), "--force");

        // Then
        Assert.True(trainExit == 0, trainText);
        Assert.True(recordsExit == 0, recordsText);
        Assert.Equal((1, true), (follow.ExitCode, CliRunner.Collapse(follow.Output).Contains("--follow scores one stream, and --data names 2 files", StringComparison.Ordinal)));
        Assert.Equal((1, true), (folder.ExitCode, CliRunner.Collapse(folder.Output).Contains($"'{dir.File("folder")}' is a folder", StringComparison.Ordinal)));
        Assert.Equal((1, true), (twice.ExitCode, CliRunner.Collapse(twice.Output).Contains($"--data names the file '{first}' 2 times", StringComparison.Ordinal)));
        Assert.Equal((1, true), (missing.ExitCode, CliRunner.Collapse(missing.Output).Contains($"'{dir.File("wed.csv")}' is not there", StringComparison.Ordinal)));
        Assert.Equal((1, true), (records.ExitCode, CliRunner.Collapse(records.Output).Contains("scores one file of records at a time", StringComparison.Ordinal)));
        Assert.Equal((1, true), (same.ExitCode, CliRunner.Collapse(same.Output).Contains("--alarms and --out both name", StringComparison.Ordinal)));
        Assert.Equal(1, input.ExitCode);
        Assert.False(File.Exists(dir.File("points.csv")));
        Assert.False(Directory.Exists(dir.File("report")));
        Assert.Equal(61, File.ReadAllLines(second).Length);
    }
}
