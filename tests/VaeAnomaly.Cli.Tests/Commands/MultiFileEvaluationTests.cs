using System.Globalization;
using System.Text.Json;

namespace VaeAnomaly.Cli.Tests.Commands;

/// <summary><c>evaluate --data a.csv b.csv</c>: several labelled series files, each scored on its own and measured together.</summary>
[Collection(TorchCollection.Name)]
public sealed class MultiFileEvaluationTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>A labelled file of a in 0..1: rows in <paramref name="anomalous"/> lie above that range, <paramref name="labelled"/> are labelled 1.</summary>
    private string Day(string name, int rows, Func<int, bool> anomalous, Func<int, bool> labelled) =>
        SeriesFile.Write(dir.File(name), "t,a,anomaly", rows, t => string.Create(CultureInfo.InvariantCulture, $"{t},{(anomalous(t) ? 2 + (t % 3) : t % 10 / 9.0):0.####},{(labelled(t) ? 1 : 0)}"));

    private static JsonElement Metrics(string folder) => JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "metrics.json"))).RootElement;

    private static int[] Counts(JsonElement metrics, string name) =>
        [.. new[] { "tp", "fp", "tn", "fn" }.Select(k => metrics.GetProperty(name).GetProperty(k).GetInt32())];

    private static int[] Events(JsonElement metrics) =>
        [.. new[] { "segments", "found", "false_events" }.Select(k => metrics.GetProperty("events").GetProperty(k).GetInt32())];

    [Fact]
    public async Task Range_TwoDays_MeasuredTogether_AddUpTheDaysAlone_AndKeepASegmentAtTheirJoinApart()
    {
        // Given: a range model of a in 0..1; day 1 ends with an incident (rows 36-39 labelled, 37-39 out of range) and has a
        // false alarm at row 10; day 2 starts with one (rows 0-2 labelled, none out of range: missed)
        SeriesFile.Write(dir.File("train.csv"), "t,a", 200, t => string.Create(CultureInfo.InvariantCulture, $"{t},{t % 10 / 9.0:0.####}"));
        var one = Day("mon.csv", 40, t => t == 10 || t >= 37, t => t >= 36);
        var two = Day("tue.csv", 30, _ => false, t => t < 3);
        var joined = SeriesFile.Write(dir.File("joined.csv"), "t,a,anomaly", 70,
            t => t < 40 ? File.ReadAllLines(one)[t + 1] : string.Join(',', [$"{t}", .. File.ReadAllLines(two)[t - 40 + 1].Split(',').Skip(1)]));
        var (trainExit, trainText) = await CliRunner.RunAsync("train", "--model", "range", "--data", dir.File("train.csv"), "--out", dir.File("bundle"));
        string[] evaluate = ["evaluate", "--model", dir.File("bundle"), "--label-column", "anomaly", "--point-adjust"];

        // When: the two days together, each alone, and the two joined into one file
        var (exit, text) = await CliRunner.RunAsync([.. evaluate, "--data", one, two, "--out", dir.File("both")]);
        var alone = await CliRunner.RunAsync([.. evaluate, "--data", one, "--out", dir.File("mon")]);
        var join = await CliRunner.RunAsync([.. evaluate, "--data", joined, "--out", dir.File("joined")]);

        // Then: the counts at the threshold are the first day's plus the second's (which alone holds no normal label
        // flagged and no flag: TP 0, FP 0, TN 27, FN 3); the events are counted in each file: 2 segments, 1 found, 1 false
        Assert.True(trainExit == 0, trainText);
        Assert.True(exit == 0, text);
        Assert.True(alone.ExitCode == 0, alone.Output);
        Assert.True(join.ExitCode == 0, join.Output);
        var (both, mon, whole) = (Metrics(dir.File("both")), Metrics(dir.File("mon")), Metrics(dir.File("joined")));
        Assert.Equal([.. Counts(mon, "confusion").Zip(new[] { 0, 0, 27, 3 }, (a, b) => a + b)], Counts(both, "confusion"));
        Assert.Equal([3, 1, 35, 1], Counts(mon, "confusion"));
        Assert.Equal([2, 1, 1], Events(both));
        Assert.Equal([4, 1, 35, 0], Counts(mon, "point_adjusted"));
        Assert.Equal([4, 1, 62, 3], Counts(both, "point_adjusted"));

        // and a point's score does not depend on its neighbours for range, so the joined file ranks the same points the
        // same way (AUC-PR, AUC-ROC), while it joins the two incidents into one segment, found, and credits all 7 rows
        Assert.Equal(whole.GetProperty("auc_pr").GetDouble(), both.GetProperty("auc_pr").GetDouble(), 12);
        Assert.Equal(whole.GetProperty("auc_roc").GetDouble(), both.GetProperty("auc_roc").GetDouble(), 12);
        Assert.Equal([1, 1, 1], Events(whole));
        Assert.Equal([7, 1, 62, 0], Counts(whole, "point_adjusted"));

        // and every file has its line, its report and its rows in points.csv under its name
        var files = both.GetProperty("files").EnumerateArray().ToArray();
        Assert.Equal([one, two], files.Select(f => f.GetProperty("file").GetString()));
        Assert.Equal([40, 30], files.Select(f => f.GetProperty("points").GetInt32()));
        Assert.Equal([4, 0], files.Select(f => f.GetProperty("flagged").GetInt32()));
        Assert.All(files, f => Assert.True(File.Exists(Path.Combine(dir.File("both"), f.GetProperty("report").GetString()!))));
        Assert.Equal(mon.GetProperty("auc_pr").GetDouble(), files[0].GetProperty("auc_pr").GetDouble(), 12);
        var points = File.ReadAllLines(dir.File("both/points.csv"));
        Assert.Equal("file,timestamp,score,threshold,flag,label", points[0]);
        Assert.Equal(File.ReadAllLines(dir.File("mon/points.csv")).Skip(1).Select(l => $"{one},{l}"), points.Skip(1).Take(40));
        Assert.Contains("70 points of 2 files, 7 labelled anomalous", CliRunner.Collapse(text), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_SeveralFiles_ADayWithoutIncidentIsMeasuredAmongOthers_ButNotAllDaysWithoutOne()
    {
        // Given
        SeriesFile.Write(dir.File("train.csv"), "t,a", 200, t => string.Create(CultureInfo.InvariantCulture, $"{t},{t % 10 / 9.0:0.####}"));
        var quiet = Day("quiet.csv", 30, _ => false, _ => false);
        var calm = Day("calm.csv", 30, t => t == 5, _ => false);
        var incident = Day("incident.csv", 30, t => t >= 20, t => t >= 20);
        var (trainExit, trainText) = await CliRunner.RunAsync("train", "--model", "range", "--data", dir.File("train.csv"), "--out", dir.File("bundle"));
        string[] evaluate = ["evaluate", "--model", dir.File("bundle"), "--label-column", "anomaly"];

        // When
        var (exit, text) = await CliRunner.RunAsync([.. evaluate, "--data", quiet, incident, "--out", dir.File("mixed")]);
        var (normalExit, normalText) = await CliRunner.RunAsync([.. evaluate, "--data", quiet, calm, "--out", dir.File("normal")]);
        var (unlabelledExit, unlabelledText) = await CliRunner.RunAsync("evaluate", "--model", dir.File("bundle"), "--data", quiet, calm, "--out", dir.File("unlabelled"));

        // Then: the quiet day's report is written without metrics (it has no incident to measure), the two days measured together
        Assert.True(trainExit == 0, trainText);
        Assert.True(exit == 0, text);
        var files = Metrics(dir.File("mixed")).GetProperty("files").EnumerateArray().ToArray();
        Assert.Equal(JsonValueKind.Null, files[0].GetProperty("auc_pr").ValueKind);
        Assert.Equal(1, files[1].GetProperty("auc_pr").GetDouble(), 12);
        Assert.True(File.Exists(dir.File("mixed/01-quiet.csv/report.html")));
        Assert.True(File.Exists(dir.File("mixed/02-incident.csv/report.html")));
        Assert.Equal(1, normalExit);
        Assert.Contains($"{quiet}, {calm}", CliRunner.Collapse(normalText), StringComparison.Ordinal);
        Assert.Contains("labels every row 0 (normal)", CliRunner.Collapse(normalText), StringComparison.Ordinal);
        Assert.Equal(1, unlabelledExit);
        Assert.Contains("name the 0/1 column with --label-column", CliRunner.Collapse(unlabelledText), StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.File("normal")));
        Assert.False(Directory.Exists(dir.File("unlabelled")));
    }
}
