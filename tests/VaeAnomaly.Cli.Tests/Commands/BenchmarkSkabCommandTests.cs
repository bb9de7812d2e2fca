using System.Globalization;
using System.Text.Json;

namespace VaeAnomaly.Cli.Tests.Commands;

/// <summary><c>benchmark skab</c> on a small folder in SKAB's layout.</summary>
[Collection(TorchCollection.Name)]
public sealed class BenchmarkSkabCommandTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>
    /// Two sensors: a sine and its cosine; rows 500-560 of 650 break the pattern and are labelled (unless <paramref name="labelled"/>
    /// is false: SKAB's anomaly-free layout, no label columns, and no break unless <paramref name="broken"/>).
    /// </summary>
    private void WriteFile(string folder, string name, int seed, bool labelled = true, bool broken = false)
    {
        var rng = new Random(seed);
        var start = new DateTime(2020, 3, 9, 10, 0, 0, DateTimeKind.Unspecified);
        var lines = new List<string> { labelled ? "datetime;Accelerometer1RMS;Pressure;anomaly;changepoint" : "datetime;Accelerometer1RMS;Pressure" };
        for (var t = 0; t < 650; t++)
        {
            var anomalous = (labelled || broken) && t is >= 500 and < 560;
            var a = Math.Sin(t / 5.0) + (anomalous ? 2.0 : 0) + (0.05 * rng.NextDouble());
            var b = Math.Cos(t / 5.0) + (0.05 * rng.NextDouble());
            var row = string.Create(CultureInfo.InvariantCulture, $"{start.AddSeconds(t):yyyy-MM-dd HH:mm:ss};{a:F5};{b:F5}");
            lines.Add(labelled ? string.Create(CultureInfo.InvariantCulture, $"{row};{(anomalous ? "1.0" : "0.0")};{(t == 500 ? "1.0" : "0.0")}") : row);
        }

        Directory.CreateDirectory(dir.File(Path.Combine("skab", folder)));
        File.WriteAllLines(dir.File(Path.Combine("skab", folder, name)), lines);
    }

    [Fact]
    public async Task BenchmarkSkab_AModelThatRefusesAFile_StopsTheRunNamingTheFileAndWritesNothing()
    {
        // Given: valve1/0.csv holds 650 rows of noise on both sensors, in which the seasonal finds no period
        var rng = new Random(4);
        var start = new DateTime(2020, 3, 9, 10, 0, 0, DateTimeKind.Unspecified);
        Directory.CreateDirectory(dir.File(Path.Combine("skab", "valve1")));
        File.WriteAllLines(dir.File(Path.Combine("skab", "valve1", "0.csv")), [
            "datetime;Accelerometer1RMS;Pressure;anomaly;changepoint",
            .. Enumerable.Range(0, 650).Select(t => string.Create(CultureInfo.InvariantCulture, $"{start.AddSeconds(t):yyyy-MM-dd HH:mm:ss};{rng.NextDouble():F5};{rng.NextDouble():F5};{(t is >= 500 and < 560 ? "1.0" : "0.0")};{(t == 500 ? "1.0" : "0.0")}")),
        ]);

        // When
        var (exit, text) = await CliRunner.RunAsync("benchmark", "skab", "--data", dir.File("skab"), "--protocol", "ours", "--model", "seasonal", "--out", dir.File("out"));

        // Then: the file and the model are named with the reason, and nothing is written
        Assert.Equal(1, exit);
        var said = string.Join(' ', text.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(Path.Combine("valve1", "0.csv") + ": seasonal cannot use it: The training rows of [Accelerometer1RMS,Pressure] show no period", said);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public async Task BenchmarkSkab_SmallFolder_WritesTestPartPredictionsAndSummedSummary()
    {
        // Given: two files (a subset of the benchmark is allowed), and an anomaly-free recording that is not part of it.
        WriteFile("valve1", "0.csv", 1);
        WriteFile("other", "3.csv", 2);
        WriteFile("anomaly-free", "anomaly-free.csv", 3, labelled: false);

        // When
        var (exit, text) = await CliRunner.RunAsync("benchmark", "skab", "--data", dir.File("skab"), "--epochs", "2", "--out", dir.File("out"));

        // Then: 250 test rows per file, in the leaderboard's format.
        Assert.True(exit == 0, text);
        var predictions = File.ReadAllLines(dir.File("out/predictions/valve1/0.csv"));
        Assert.Equal("datetime;anomaly", predictions[0]);
        Assert.Equal(250, predictions.Length - 1);
        Assert.StartsWith("2020-03-09 10:06:40;", predictions[1], StringComparison.Ordinal);
        Assert.True(File.Exists(dir.File("out/predictions/other/3.csv")));
        Assert.False(Directory.Exists(dir.File("out/predictions/anomaly-free")));
        using var summary = JsonDocument.Parse(File.ReadAllText(dir.File("out/summary.json")));
        var root = summary.RootElement;
        Assert.Equal(2, root.GetProperty("files").GetInt32());
        Assert.Equal(500, new[] { "tp", "tn", "fp", "fn" }.Sum(k => root.GetProperty(k).GetInt32()));
        Assert.Equal(120, root.GetProperty("tp").GetInt32() + root.GetProperty("fn").GetInt32());
        Assert.Contains("Conv-AE", text);

        // Beside it, flagging every test row: 120 of the 500 rows are anomalous, F1 = 120 / (120 + 380 / 2)
        Assert.Equal(120.0 / 310, root.GetProperty("flag_all_f1").GetDouble(), 12);
        Assert.Contains("flag every row (from the labels) │ 0.39 │ 100.00 │ 0.00", System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " "));

        // The anomaly-free recording (650 rows, shorter than one 1,150-row piece) is run once, apart from the counts.
        Assert.Equal(1, root.GetProperty("anomaly_free_pieces").GetInt32());
        Assert.Equal(250, root.GetProperty("anomaly_free_test_rows").GetInt32());
        Assert.InRange(root.GetProperty("anomaly_free_flagged").GetInt32(), 0, 250);
        Assert.Equal("keep", root.GetProperty("window_levels").GetString());
        Assert.Contains("Anomaly-free recording (1 piece", text);

        // Its flags are written apart from the leaderboard's predictions, row by row, and add up to the summary's count.
        var piece = File.ReadAllLines(dir.File("out/anomaly-free/piece-1.csv"));
        Assert.Equal("datetime;anomaly", piece[0]);
        Assert.Equal(250, piece.Length - 1);
        Assert.All(piece.Skip(1), line => Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d;[01]$", line));
        Assert.Equal(root.GetProperty("anomaly_free_flagged").GetInt32(), piece.Skip(1).Count(line => line.EndsWith(";1", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task BenchmarkSkab_AnomalyFreeRecordingWithABreak_WritesItsFlagsWhereTheyFall()
    {
        // Given: an "anomaly-free" recording whose rows 500-559 leave the training range by 2, unlabelled (as SKAB ships it).
        WriteFile("valve1", "0.csv", 1);
        WriteFile("anomaly-free", "anomaly-free.csv", 3, labelled: false, broken: true);

        // When: range, frozen, flags whatever leaves the first 300 rows' range.
        var (exit, text) = await CliRunner.RunAsync("benchmark", "skab", "--data", dir.File("skab"), "--protocol", "ours", "--model", "range", "--online", "off", "--out", dir.File("out"));

        // Then: the piece's file holds one line per test row (rows 400-649), the flags where the break is (a break row whose
        // sine is near -1 stays inside the range, so not all 60), and as many as the summary counts.
        Assert.True(exit == 0, text);
        var piece = File.ReadAllLines(dir.File("out/anomaly-free/piece-1.csv")).Skip(1).ToArray();
        Assert.Equal(250, piece.Length);
        Assert.StartsWith("2020-03-09 10:06:40;", piece[0], StringComparison.Ordinal);
        static bool Flagged(string line) => line.EndsWith(";1", StringComparison.Ordinal);
        Assert.InRange(piece[100..160].Count(Flagged), 50, 60);
        Assert.InRange(piece[..100].Concat(piece[160..]).Count(Flagged), 0, 5);
        using var summary = JsonDocument.Parse(File.ReadAllText(dir.File("out/summary.json")));
        Assert.Equal(summary.RootElement.GetProperty("anomaly_free_flagged").GetInt32(), piece.Count(Flagged));
    }

    [Fact]
    public async Task BenchmarkSkab_WindowLevelsRemove_IsRecordedAndNamedInTheTable()
    {
        WriteFile("valve1", "0.csv", 1);

        var (exit, text) = await CliRunner.RunAsync("benchmark", "skab", "--data", dir.File("skab"), "--epochs", "1", "--window-levels", "remove", "--out", dir.File("out"));

        Assert.True(exit == 0, text);
        using var summary = JsonDocument.Parse(File.ReadAllText(dir.File("out/summary.json")));
        Assert.Equal("remove", summary.RootElement.GetProperty("window_levels").GetString());
        Assert.False(summary.RootElement.TryGetProperty("anomaly_free_pieces", out _));
        Assert.Contains("levels removed", text);
    }

    [Theory]
    [InlineData("leaderboard", "valve1/1.csv", "has 420 rows; the protocol needs at least 460")]
    [InlineData("ours", "valve1/1.csv", "has 400 rows; the protocol trains on the first 400 and needs more to test")]
    [InlineData("ours", "anomaly-free/anomaly-free.csv", "has 400 rows; the protocol trains on the first 400 and needs more to test")]
    public async Task BenchmarkSkab_AShortFileAfterAFullOne_StopsTheRunBeforeAnyFileIsRun(string protocol, string shortFile, string expected)
    {
        // Given: a full file first, then one cut short (or an anomaly-free recording too short for its one piece)
        WriteFile("valve1", "0.csv", 1);
        WriteFile("valve1", "1.csv", 2);
        WriteFile("anomaly-free", "anomaly-free.csv", 3, labelled: false);
        var lines = File.ReadAllLines(dir.File("skab/" + shortFile));
        File.WriteAllLines(dir.File("skab/" + shortFile), lines[..(1 + (protocol == "ours" ? 400 : 420))]);

        // When
        var (exit, text) = await CliRunner.RunAsync("benchmark", "skab", "--data", dir.File("skab"), "--protocol", protocol, "--model", "range", "--out", dir.File("out"));

        // Then: refused naming the short file, and the full one was never run
        Assert.Equal(1, exit);
        Assert.Contains(Path.GetFileName(shortFile) + ": " + expected, CliRunner.Collapse(text));
        Assert.DoesNotContain("valve1/0.csv: TP", text);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public async Task BenchmarkSkab_BaselineModel_RunsTheLeaderboardProtocolAndUnknownOrOnlineIsRefused()
    {
        WriteFile("valve1", "0.csv", 1);

        var (exit, text) = await CliRunner.RunAsync("benchmark", "skab", "--data", dir.File("skab"), "--epochs", "2", "--model", "conv-ae v2", "--out", dir.File("out"));
        var (unknownExit, unknownText) = await CliRunner.RunAsync("benchmark", "skab", "--data", dir.File("skab"), "--model", "gru-ae", "--out", dir.File("unknown"));
        var (oursExit, oursText) = await CliRunner.RunAsync("benchmark", "skab", "--data", dir.File("skab"), "--model", "lstm-ae", "--online", "on", "--out", dir.File("ours"));

        Assert.True(exit == 0, text);
        using var summary = JsonDocument.Parse(File.ReadAllText(dir.File("out/summary.json")));
        Assert.Equal("conv-ae v2", summary.RootElement.GetProperty("model").GetString());
        Assert.Equal(250, new[] { "tp", "tn", "fp", "fn" }.Sum(k => summary.RootElement.GetProperty(k).GetInt32()));
        Assert.Equal(251, File.ReadAllLines(dir.File("out/predictions/valve1/0.csv")).Length);
        Assert.Contains("VaeAnomaly conv-ae v2, leaderboard protocol", text);
        Assert.Equal(1, unknownExit);
        Assert.Contains("Unknown model 'gru-ae'", unknownText);
        Assert.Contains("expected one of dense-ae, lstm-ae, conv-ae, dense-vae, gru-vae", unknownText);
        Assert.Equal(1, oursExit);
        Assert.Contains("--online on applies to --protocol ours", oursText);
        Assert.False(Directory.Exists(dir.File("unknown")));
        Assert.False(Directory.Exists(dir.File("ours")));
    }

    [Fact]
    public async Task BenchmarkSkab_OursOnline_ARangeCheckThatKeepsLearning_IsRecordedAndNamedInTheTable()
    {
        WriteFile("valve1", "0.csv", 1);

        var (exit, text) = await CliRunner.RunAsync("benchmark", "skab", "--data", dir.File("skab"), "--protocol", "ours", "--model", "range", "--online", "on", "--out", dir.File("out"));
        var (frozenExit, frozenText) = await CliRunner.RunAsync("benchmark", "skab", "--data", dir.File("skab"), "--protocol", "ours", "--model", "range", "--flag-by", "surprise", "--out", dir.File("frozen"));

        Assert.True(exit == 0, text);
        Assert.True(frozenExit == 0, frozenText);
        using var summary = JsonDocument.Parse(File.ReadAllText(dir.File("out/summary.json")));
        Assert.True(summary.RootElement.GetProperty("online").GetBoolean());
        Assert.Equal("surprise", summary.RootElement.GetProperty("flag_by").GetString());
        Assert.Equal(250, new[] { "tp", "tn", "fp", "fn" }.Sum(k => summary.RootElement.GetProperty(k).GetInt32()));
        Assert.Contains("VaeAnomaly range, ours, online", text);

        // 650 rows: no refit is due before row 500, so the first 100 test rows are flagged as the frozen run flags them
        var online = File.ReadAllLines(dir.File("out/predictions/valve1/0.csv")).Skip(1).Take(100).ToArray();
        var frozen = File.ReadAllLines(dir.File("frozen/predictions/valve1/0.csv")).Skip(1).Take(100).ToArray();
        Assert.Equal(frozen, online);
    }

    [Fact]
    public async Task BenchmarkSkab_OursOnlineSmoothed_JudgesTheAverageScores_AndIsRefusedWithoutOnlineLearning()
    {
        WriteFile("valve1", "0.csv", 1);

        var (exit, text) = await CliRunner.RunAsync("benchmark", "skab", "--data", dir.File("skab"), "--protocol", "ours", "--model", "range", "--online", "on", "--smooth", "10", "--out", dir.File("smooth"));
        var (rawExit, rawText) = await CliRunner.RunAsync("benchmark", "skab", "--data", dir.File("skab"), "--protocol", "ours", "--model", "range", "--online", "on", "--out", dir.File("raw"));
        var (frozenExit, frozenText) = await CliRunner.RunAsync("benchmark", "skab", "--data", dir.File("skab"), "--protocol", "ours", "--model", "range", "--flag-by", "surprise", "--smooth", "10", "--out", dir.File("frozen"));

        Assert.True(exit == 0, text);
        Assert.True(rawExit == 0, rawText);
        using var summary = JsonDocument.Parse(File.ReadAllText(dir.File("smooth/summary.json")));
        Assert.Equal("10", summary.RootElement.GetProperty("smooth").GetString());
        Assert.NotEqual(File.ReadAllLines(dir.File("raw/predictions/valve1/0.csv")), File.ReadAllLines(dir.File("smooth/predictions/valve1/0.csv")));
        Assert.Equal(1, frozenExit);
        Assert.Contains("--smooth averages the scores whose surprise is judged while the model keeps learning", frozenText);
        Assert.False(Directory.Exists(dir.File("frozen")));
    }

    [Fact]
    public async Task BenchmarkSkab_OursFlaggedBySurprise_IsRecordedAndNamedInTheTable()
    {
        WriteFile("valve1", "0.csv", 1);

        var (exit, text) = await CliRunner.RunAsync("benchmark", "skab", "--data", dir.File("skab"), "--epochs", "1", "--protocol", "ours", "--flag-by", "surprise", "--out", dir.File("out"));

        Assert.True(exit == 0, text);
        using var summary = JsonDocument.Parse(File.ReadAllText(dir.File("out/summary.json")));
        Assert.Equal("surprise", summary.RootElement.GetProperty("flag_by").GetString());
        Assert.Equal(250, new[] { "tp", "tn", "fp", "fn" }.Sum(k => summary.RootElement.GetProperty(k).GetInt32()));
        Assert.Contains("ours, surprise", text);
    }

    [Fact]
    public async Task BenchmarkSkab_FlagByWithTheLeaderboardProtocolOrSurpriseWithAThreshold_IsRefusedBeforeTraining()
    {
        WriteFile("valve1", "0.csv", 1);

        var (exit, text) = await CliRunner.RunAsync("benchmark", "skab", "--data", dir.File("skab"), "--flag-by", "surprise", "--out", dir.File("out"));
        var (thresholdExit, thresholdText) = await CliRunner.RunAsync("benchmark", "skab", "--data", dir.File("skab"), "--protocol", "ours", "--flag-by", "surprise", "--threshold", "pot", "--out", dir.File("out"));

        Assert.NotEqual(0, exit);
        Assert.Contains("--flag-by applies to --protocol ours", text);
        Assert.NotEqual(0, thresholdExit);
        Assert.Contains("--threshold does not apply with --flag-by surprise", thresholdText);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public async Task BenchmarkSkab_WindowLevelsWithOurProtocol_IsRefusedBeforeTraining()
    {
        WriteFile("valve1", "0.csv", 1);

        var (exit, text) = await CliRunner.RunAsync("benchmark", "skab", "--data", dir.File("skab"), "--protocol", "ours", "--window-levels", "remove", "--out", dir.File("out"));

        Assert.NotEqual(0, exit);
        Assert.Contains("--window-levels applies to the leaderboard protocol", text);
        Assert.False(Directory.Exists(dir.File("out")));
    }
}
