using System.Globalization;
using System.Text;
using System.Text.Json;

namespace VaeAnomaly.Cli.Tests.Commands;

[Collection(TorchCollection.Name)]
public sealed class SeriesCommandTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>
    /// 200 rows of <see cref="WriteSeries"/>'s waves where temp jumps by 8 at rows 120-124 and pressure at rows 170-172;
    /// labelled, rows 60-64 (unchanged) and 120-124 are anomalous.
    /// </summary>
    private void WriteJumps(string name, bool labelled)
    {
        var csv = new StringBuilder(labelled ? "timestamp;temp;pressure;anomaly\n" : "timestamp;temp;pressure\n");
        var rng = new Random(1);
        for (var t = 0; t < 200; t++)
        {
            var temp = Math.Sin(t / 10.0) + (0.05 * rng.NextDouble()) + (t is >= 120 and < 125 ? 8 : 0);
            var pressure = Math.Cos(t / 7.0) + (t is >= 170 and < 173 ? 8 : 0);
            csv.Append(CultureInfo.InvariantCulture, $"2024-01-01T00:{t / 60:00}:{t % 60:00};{temp};{pressure}{(labelled ? $";{(t is (>= 60 and < 65) or (>= 120 and < 125) ? 1 : 0)}" : "")}\n");
        }

        File.WriteAllText(dir.File(name), csv.ToString());
    }

    /// <summary>A range check fitted on 600 rows of the waves into <c>bundle</c>, and <see cref="WriteJumps"/>'s test.csv.</summary>
    private async Task TrainRangeAndWriteJumps(bool labelled)
    {
        var train = WriteSeries("train.csv", 600);
        WriteJumps("test.csv", labelled);
        var (exit, text) = await CliRunner.RunAsync("train", "--model", "range", "--data", train, "--out", dir.File("bundle"), "--split", "80/20/0");
        Assert.True(exit == 0, text);
    }

    private string WriteSeries(string name, int rows, int spikeAt = -1, bool labelled = false, int from = 0)
    {
        var csv = new StringBuilder(labelled ? "timestamp;temp;pressure;anomaly\n" : "timestamp;temp;pressure\n");
        var rng = new Random(1);
        for (var t = from; t < from + rows; t++)
        {
            var spike = t >= spikeAt && t < spikeAt + 5 && spikeAt >= 0 ? 8.0 : 0.0;
            csv.Append(CultureInfo.InvariantCulture, $"2024-01-01T{t / 3600:00}:{t / 60 % 60:00}:{t % 60:00};{Math.Sin(t / 10.0) + (0.05 * rng.NextDouble()) + spike};{Math.Cos(t / 7.0)}{(labelled ? (spike > 0 ? ";1" : ";0") : "")}\n");
        }

        File.WriteAllText(dir.File(name), csv.ToString());
        return dir.File(name);
    }

    [Fact]
    public async Task TrainAndScore_SeriesFile_WritesOneRowPerTimeStep()
    {
        // Given
        var train = WriteSeries("train.csv", 600);
        var test = WriteSeries("test.csv", 200, spikeAt: 120);

        // When
        var (trainExit, trainText) = await CliRunner.RunAsync("train", "--data", train, "--out", dir.File("bundle"), "--window", "16", "--epochs", "2", "--split", "80/20/0");
        var (scoreExit, scoreText) = await CliRunner.RunAsync("score", "--model", dir.File("bundle"), "--data", test, "--out", dir.File("points.csv"), "--top", "3");

        // Then
        Assert.True(trainExit == 0, trainText);
        Assert.Contains("480 training and 120 validation rows", trainText);
        Assert.Contains("step error (--point-score step)", trainText); // a series' thresholds are its points', not its one validation sequence's
        Assert.True(scoreExit == 0, scoreText);
        var rows = File.ReadAllLines(dir.File("points.csv"));
        Assert.Equal("timestamp,score,threshold,flag", rows[0]);
        Assert.Equal(200, rows.Length - 1);
        Assert.DoesNotContain('\r', File.ReadAllText(dir.File("points.csv"))); // Unix line ends, so grep and awk see a clean last field
        Assert.DoesNotContain('\r', File.ReadAllText(dir.File("bundle/history.csv")));
        var scores = rows.Skip(1).Select(r => double.Parse(r.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
        var worst = Enumerable.Range(0, 200).MaxBy(t => scores[t]);
        Assert.InRange(worst, 110, 134); // the spike at steps 120..124, seen by windows of 16 steps
    }

    [Theory]
    [InlineData("gru-vae")]
    [InlineData("conv-ae")]
    [InlineData("dense-vae")]
    [InlineData("pca")]
    [InlineData("knn")]
    [InlineData("range")]
    [InlineData("gaussian")]
    public async Task Score_TopOfASeries_NamesTheChannelOfTheSpike(string model)
    {
        // Given: a spike of 8 on temp at steps 120..124 of rows that continue the training rows (the gaussian judges the
        // first ones by the last rows it was fitted on); every model watching temp and pressure
        var train = WriteSeries("train.csv", 600);
        var test = WriteSeries("test.csv", 200, spikeAt: 720, from: 600);
        string[] settings = model switch
        {
            "range" => [],
            "pca" or "knn" or "gaussian" => ["--window", "16"],
            _ => ["--window", "16", "--epochs", "3"],
        };
        var (trainExit, trainText) = await CliRunner.RunAsync(["train", "--model", model, "--data", train, "--out", dir.File("bundle"), "--split", "80/20/0", .. settings]);
        Assert.True(trainExit == 0, trainText);

        // When
        var (exit, text) = await CliRunner.RunAsync("score", "--bundle", dir.File("bundle"), "--data", test, "--point-score", "last", "--out", dir.File("points.csv"), "--top", "3");

        // Then: each of the top steps (windows that end on the spike) puts temp first
        Assert.True(exit == 0, text);
        Assert.Contains("strongest channels", text);
        var rows = text.Split('\n').Where(l => l.Contains(" % ", StringComparison.Ordinal) && l.Contains('│', StringComparison.Ordinal)).ToArray(); // the table's rows, not a note
        Assert.Equal(3, rows.Length);
        Assert.All(rows, r => Assert.Matches(@"│\s*temp \d+ %(, pressure \d+ %)?\s", r)); // a share that would print as 0 % is left out
        Assert.All(rows, r => Assert.Contains("yes", r, StringComparison.Ordinal)); // flagged
    }

    [Fact]
    public async Task Score_PointScoreLast_NeverLooksAheadAndUsesWindowThresholds()
    {
        // Given
        var train = WriteSeries("train.csv", 600);
        var test = WriteSeries("test.csv", 200, spikeAt: 120);
        var (trainExit, trainText) = await CliRunner.RunAsync("train", "--data", train, "--out", dir.File("bundle"), "--window", "16", "--epochs", "2", "--split", "80/20/0", "--score-stride", "1");
        Assert.True(trainExit == 0, trainText);

        // When
        var (exit, text) = await CliRunner.RunAsync("score", "--model", dir.File("bundle"), "--data", test, "--out", dir.File("last.csv"), "--point-score", "last", "--score", "reconstruction");
        var (badExit, badText) = await CliRunner.RunAsync("score", "--model", dir.File("bundle"), "--data", test, "--out", dir.File("x.csv"), "--point-score", "median");

        // Then
        Assert.True(exit == 0, text);
        Assert.Contains("last point scores", text);
        var scores = File.ReadAllLines(dir.File("last.csv")).Skip(1).Select(r => double.Parse(r.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(200, scores.Length);
        Assert.All(scores.Take(15), s => Assert.Equal(0.0, s)); // no 16-step window has ended before point 15
        Assert.All(scores.Take(120).Skip(15), s => Assert.True(s > 0));
        // The spike starts at point 120: the windows ending before it cannot see it, the first one ending on it can.
        Assert.True(scores[120] > scores.Take(120).Max(), $"{scores[120]} vs {scores.Take(120).Max()}");
        Assert.NotEqual(0, badExit);
        Assert.Contains("median", badText);
        Assert.False(File.Exists(dir.File("x.csv")));
    }

    [Fact]
    public async Task TrainAndScore_SeriesWithPotRule_FitsItOnPointsNotOnTheOneValidationSequence()
    {
        // A series validates on one sequence, where POT cannot be fitted; its points have plenty of scores.
        var train = WriteSeries("train.csv", 600);
        var test = WriteSeries("test.csv", 200, spikeAt: 120);

        var (trainExit, trainText) = await CliRunner.RunAsync("train", "--data", train, "--out", dir.File("bundle"), "--window", "16", "--epochs", "2", "--split", "80/20/0", "--threshold", "pot");
        var (scoreExit, scoreText) = await CliRunner.RunAsync("score", "--model", dir.File("bundle"), "--data", test, "--out", dir.File("points.csv"));

        Assert.True(trainExit == 0, trainText);
        Assert.True(scoreExit == 0, scoreText);
        Assert.Contains("above the pot threshold", scoreText);
        var threshold = double.Parse(File.ReadAllLines(dir.File("points.csv"))[1].Split(',')[2], CultureInfo.InvariantCulture);
        Assert.True(double.IsFinite(threshold) && threshold > 0, $"{threshold}");
    }

    [Fact]
    public async Task Evaluate_LabelledSeries_WritesPointMetricsAndLabelsPointAdjustment()
    {
        // Given
        var train = WriteSeries("train.csv", 600);
        var test = WriteSeries("test.csv", 200, spikeAt: 120, labelled: true);
        var (trainExit, trainText) = await CliRunner.RunAsync("train", "--data", train, "--out", dir.File("bundle"), "--window", "16", "--epochs", "2", "--split", "80/20/0");
        Assert.True(trainExit == 0, trainText);

        // When
        var (exit, text) = await CliRunner.RunAsync("evaluate", "--model", dir.File("bundle"), "--data", test, "--label-column", "anomaly", "--point-adjust", "--out", dir.File("eval"));
        var (plainExit, plainText) = await CliRunner.RunAsync("evaluate", "--model", dir.File("bundle"), "--data", test, "--label-column", "anomaly", "--out", dir.File("plain"));
        var (noLabelExit, noLabelText) = await CliRunner.RunAsync("evaluate", "--model", dir.File("bundle"), "--data", test, "--out", dir.File("none"));

        // Then
        Assert.True(exit == 0, text);
        using var metrics = JsonDocument.Parse(File.ReadAllText(dir.File("eval/metrics.json")));
        var root = metrics.RootElement;
        Assert.Equal(200, root.GetProperty("points").GetInt32());
        Assert.Equal(5, root.GetProperty("anomalous").GetInt32());
        var plain = root.GetProperty("confusion");
        var adjusted = root.GetProperty("point_adjusted");
        Assert.Equal(200, new[] { "tp", "fp", "tn", "fn" }.Sum(k => plain.GetProperty(k).GetInt32()));
        Assert.True(adjusted.GetProperty("recall").GetDouble() >= plain.GetProperty("recall").GetDouble());
        Assert.Equal(plain.GetProperty("fp").GetInt32(), adjusted.GetProperty("fp").GetInt32()); // adjustment never touches normal points
        Assert.InRange(root.GetProperty("rmse").GetDouble(), root.GetProperty("mae").GetDouble(), double.MaxValue);
        Assert.Contains("point-adjusted", text);
        Assert.Equal(5.0 / 200, root.GetProperty("random").GetProperty("auc_pr").GetDouble(), 12); // 5 of the 200 points are anomalous
        Assert.Equal(2 * (5.0 / 200) / (1 + (5.0 / 200)), root.GetProperty("random").GetProperty("best_f1").GetDouble(), 12);
        var said = System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");
        Assert.Contains("(a random score: 0.025)", said);
        Assert.Contains("flag every point │ 0.025 │ 1.000 │ 0.049 │", said); // precision = the share, recall 1, F1 2 x 0.025 / 1.025
        Assert.Equal(201, File.ReadAllLines(dir.File("eval/points.csv")).Length);
        Assert.True(plainExit == 0, plainText);
        Assert.DoesNotContain("point-adjusted", plainText);
        using var plainMetrics = JsonDocument.Parse(File.ReadAllText(dir.File("plain/metrics.json")));
        Assert.Equal(JsonValueKind.Null, plainMetrics.RootElement.GetProperty("point_adjusted").ValueKind);
        Assert.Equal(1, noLabelExit);
        Assert.Contains("--label-column", noLabelText);
        Assert.False(Directory.Exists(dir.File("none")));
    }

    [Fact]
    public async Task Evaluate_LabelledSeries_ReportsEachEventFoundOrMissed_TheFalseEvents_AndTheColumnsBehindTheTopRows()
    {
        // Given: range fitted on the two waves; a test file where rows 60-64 are labelled but unchanged (a missed event),
        // temp jumps by 8 at the labelled rows 120-124 (a found event) and pressure by 8 at the unlabelled rows 170-172
        // (one false event)
        await TrainRangeAndWriteJumps(labelled: true);

        // When
        var (exit, text) = await CliRunner.RunAsync("evaluate", "--bundle", dir.File("bundle"), "--data", dir.File("test.csv"), "--label-column", "anomaly", "--point-score", "last", "--out", dir.File("eval"));

        // Then: the events counted by hand, in metrics.json, on the console and in the report
        Assert.True(exit == 0, text);
        using var metrics = JsonDocument.Parse(File.ReadAllText(dir.File("eval/metrics.json")));
        var events = metrics.RootElement.GetProperty("events");
        Assert.Equal((2, 1, 1), (events.GetProperty("segments").GetInt32(), events.GetProperty("found").GetInt32(), events.GetProperty("false_events").GetInt32()));
        Assert.Equal(0.5, events.GetProperty("recall").GetDouble());
        Assert.Equal(0.5, events.GetProperty("precision").GetDouble());
        Assert.Contains("Events: 1 of 2 labelled segments hold a flag (event recall 0.500); 1 runs of flags touch none (event precision 0.500).", System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " "));
        var report = File.ReadAllText(dir.File("eval/report.html"));
        Assert.Contains("1 of 2 labelled segments hold a flag", report);
        Assert.Contains("<tr><td>2024-01-01T00:01:00 to 2024-01-01T00:01:04</td><td>5</td><td>no</td><td>-</td>", report);
        Assert.Contains("<tr><td>2024-01-01T00:02:00 to 2024-01-01T00:02:04</td><td>5</td><td><span class=\"flag\">yes</span></td><td>2024-01-01T00:02:00 (0)</td>", report);

        // each top row names the column that left its range, with the whole share (the other column is inside its range)
        Assert.Contains("<td>anomalous</td><td>temp 100 %</td>", report);
        Assert.Contains("<td>normal</td><td>pressure 100 %</td>", report);
        Assert.Equal(6, System.Text.RegularExpressions.Regex.Matches(report, "data:image/png;base64,").Count); // scores, columns, histogram, PR, ROC, confusion, and no loss curve
        Assert.True(File.Exists(dir.File("eval/scores.png")) && File.Exists(dir.File("eval/columns.png")));
    }

    [Fact]
    public async Task Score_Report_ListsEachAlarmWithTheColumnThatMadeIt_WrittenWithThePointsOrNotAtAll()
    {
        // Given: range fitted on the two waves; an unlabelled file where temp jumps at rows 120-124 and pressure at 170-172
        await TrainRangeAndWriteJumps(labelled: false);
        Directory.CreateDirectory(dir.File("mine"));
        File.WriteAllText(dir.File("mine/notes.txt"), "a user's file");

        // When: a report; a report into a folder of the user's (refused); a report of a followed stream (refused)
        var (exit, text) = await CliRunner.RunAsync("score", "--bundle", dir.File("bundle"), "--data", dir.File("test.csv"), "--point-score", "last", "--out", dir.File("points.csv"), "--report", dir.File("report"));
        var (mineExit, mineText) = await CliRunner.RunAsync("score", "--bundle", dir.File("bundle"), "--data", dir.File("test.csv"), "--out", dir.File("points2.csv"), "--report", dir.File("mine"), "--force");
        var (followExit, followText) = await CliRunner.RunAsync("score", "--bundle", dir.File("bundle"), "--data", dir.File("test.csv"), "--follow", "--out", dir.File("points3.csv"), "--report", dir.File("report3"));

        // Then: two alarms, each naming the column that left its range with the whole share; no labelled part
        Assert.True(exit == 0, text);
        var report = File.ReadAllText(dir.File("report/report.html"));
        Assert.Contains("2 runs of consecutive flagged rows.", report);
        Assert.Matches("<tr><td>2024-01-01T00:02:00 to 2024-01-01T00:02:04</td><td>5</td><td>[0-9.E+-]+</td><td>temp 100 %</td></tr>", report);
        Assert.Matches("<tr><td>2024-01-01T00:02:50 to 2024-01-01T00:02:52</td><td>3</td><td>[0-9.E+-]+</td><td>pressure 100 %</td></tr>", report);
        Assert.DoesNotContain("Labelled events", report);
        Assert.DoesNotContain("<th>truth</th>", report);
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Matches(report, "data:image/png;base64,").Count); // scores, columns, histogram
        Assert.Equal(201, File.ReadAllLines(dir.File("points.csv")).Length);

        // the user's folder is kept as it was, and the points of that run were not written either
        Assert.Equal(1, mineExit);
        Assert.Contains("mine", mineText);
        Assert.Equal(["notes.txt"], Directory.GetFiles(dir.File("mine")).Select(Path.GetFileName));
        Assert.False(File.Exists(dir.File("points2.csv")));
        Assert.Equal(1, followExit);
        Assert.Contains("--report and --alarms do not apply", System.Text.RegularExpressions.Regex.Replace(followText, @"\s+", " "));
        Assert.False(Directory.Exists(dir.File("report3")));
    }

    [Fact]
    public async Task Score_Alarms_OneLinePerRunOfFlaggedPoints_WithItsPeakAndTheColumnThatMadeIt()
    {
        // Given: range fitted on the two waves; an unlabelled file where temp jumps at rows 120-124 and pressure at 170-172
        await TrainRangeAndWriteJumps(labelled: false);
        File.WriteAllText(dir.File("mine.csv"), "a user's file\n");
        string[] score = ["score", "--bundle", dir.File("bundle"), "--data", dir.File("test.csv"), "--point-score", "last"];

        // When: the alarms with the points; again without --force; into a file of the user's; into the points file itself
        var (exit, text) = await CliRunner.RunAsync([.. score, "--out", dir.File("points.csv"), "--alarms", dir.File("alarms.csv")]);
        var written = File.ReadAllText(dir.File("alarms.csv"));
        var (againExit, againText) = await CliRunner.RunAsync([.. score, "--out", dir.File("points2.csv"), "--alarms", dir.File("alarms.csv")]);
        var (mineExit, mineText) = await CliRunner.RunAsync([.. score, "--out", dir.File("points3.csv"), "--alarms", dir.File("mine.csv"), "--force"]);
        var (sameExit, sameText) = await CliRunner.RunAsync([.. score, "--out", dir.File("points4.csv"), "--alarms", dir.File("points4.csv")]);

        // Then: the runs of flagged rows of the points file, each with its first highest row, and the column that left its range
        Assert.True(exit == 0, text);
        Assert.Contains("Wrote 2 alarms", CliRunner.Collapse(text));
        var points = File.ReadAllLines(dir.File("points.csv")).Skip(1).Select(l => l.Split(',')).ToArray(); // timestamp,score,threshold,flag
        var expected = new List<string> { "alarm,first,last,rows,peak,peak_score,threshold,columns" };
        for (var t = 0; t < points.Length; t++)
        {
            if (points[t][3] != "1" || (t > 0 && points[t - 1][3] == "1"))
            {
                continue;
            }

            var last = t;
            while (last + 1 < points.Length && points[last + 1][3] == "1")
            {
                last++;
            }

            var peak = Enumerable.Range(t, last - t + 1).MaxBy(i => float.Parse(points[i][1], CultureInfo.InvariantCulture));
            expected.Add($"{expected.Count},{points[t][0]},{points[last][0]},{last - t + 1},{points[peak][0]},{points[peak][1]},{points[peak][2]},{(t < 150 ? "temp" : "pressure")}=1");
        }

        Assert.Equal(3, expected.Count);
        Assert.StartsWith("1,2024-01-01T00:02:00,2024-01-01T00:02:04,5,", expected[1]);
        Assert.Equal(expected, File.ReadAllLines(dir.File("alarms.csv")));

        // an existing alarms file is replaced only with --force, a user's file never, and the points file is not the alarms file; nothing else is written
        Assert.Equal(1, againExit);
        Assert.Contains("already exists", CliRunner.Collapse(againText));
        Assert.Equal(written, File.ReadAllText(dir.File("alarms.csv")));
        Assert.Equal(1, mineExit);
        Assert.Contains("was not written by vae-anomaly (its first line is not 'alarm,first,", CliRunner.Collapse(mineText));
        Assert.Equal("a user's file\n", File.ReadAllText(dir.File("mine.csv")));
        Assert.Equal(1, sameExit);
        Assert.Contains("--alarms and --out both name", CliRunner.Collapse(sameText));
        Assert.All(["points2.csv", "points3.csv", "points4.csv"], f => Assert.False(File.Exists(dir.File(f))));
    }

    [Theory]
    [InlineData("conv-ae")]
    [InlineData("lstm-ae")]
    public async Task Baseline_SeriesFile_TrainsScoresPerStepAndEvaluates(string model)
    {
        // Given: a baseline trained on windows of a series
        var train = WriteSeries("train.csv", 600);
        var test = WriteSeries("test.csv", 200, spikeAt: 120, labelled: true);
        var (trainExit, trainText) = await CliRunner.RunAsync("train", "--data", train, "--model", model, "--out", dir.File("bundle"), "--window", "16", "--epochs", "3", "--split", "80/20/0", "--score-stride", "1");
        Assert.True(trainExit == 0, trainText);
        Assert.Contains("window score (last, mean, max)", trainText);

        // When
        var (scoreExit, scoreText) = await CliRunner.RunAsync("score", "--model", dir.File("bundle"), "--data", test, "--label-column", "anomaly", "--point-score", "last", "--out", dir.File("points.csv"));
        var (evalExit, evalText) = await CliRunner.RunAsync("evaluate", "--model", dir.File("bundle"), "--data", test, "--label-column", "anomaly", "--out", dir.File("eval"));

        // Then: one row per step; last never scores before the first window ends; flags agree with the stored window threshold
        Assert.True(scoreExit == 0, scoreText);
        using var manifest = JsonDocument.Parse(File.ReadAllText(dir.File("bundle/model.json")));
        var windowThreshold = manifest.RootElement.GetProperty("window_thresholds").GetProperty("quantile").GetDouble();
        var rows = File.ReadAllLines(dir.File("points.csv"));
        Assert.Equal("timestamp,score,threshold,flag,label", rows[0]);
        Assert.Equal(200, rows.Length - 1);
        var cells = rows.Skip(1).Select(r => r.Split(',')).ToArray();
        Assert.All(cells.Take(15), c => Assert.Equal(0.0, double.Parse(c[1], CultureInfo.InvariantCulture)));
        Assert.All(cells, c => Assert.Equal(windowThreshold, double.Parse(c[2], CultureInfo.InvariantCulture), 4));
        Assert.All(cells, c => Assert.Equal(double.Parse(c[1], CultureInfo.InvariantCulture) > windowThreshold ? "1" : "0", c[3]));
        var scores = cells.Select(c => double.Parse(c[1], CultureInfo.InvariantCulture)).ToArray();
        Assert.InRange(Enumerable.Range(0, 200).MaxBy(t => scores[t]), 120, 139); // the first windows that end on the spike (120..124)

        // the step scores are evaluated against the labels, with the reconstruction's errors in the data's units
        Assert.True(evalExit == 0, evalText);
        using var metrics = JsonDocument.Parse(File.ReadAllText(dir.File("eval/metrics.json")));
        Assert.Equal(5, metrics.RootElement.GetProperty("anomalous").GetInt32());
        Assert.InRange(metrics.RootElement.GetProperty("auc_roc").GetDouble(), 0.9, 1.0);
        Assert.InRange(metrics.RootElement.GetProperty("mae").GetDouble(), 0.0, 1.0); // the spike adds 8 to 5 of 400 cells
    }

    [Fact]
    public async Task Train_TrainRows_FitsOnTheFirstRowsOnlyAndRefusesMoreThanThereAre()
    {
        var train = WriteSeries("train.csv", 600);

        var (exit, text) = await CliRunner.RunAsync("train", "--data", train, "--out", dir.File("b"), "--window", "16", "--epochs", "1", "--train-rows", "300", "--split", "80/20/0");
        var (tooManyExit, tooManyText) = await CliRunner.RunAsync("train", "--data", train, "--out", dir.File("c"), "--window", "16", "--epochs", "1", "--train-rows", "700");

        Assert.True(exit == 0, text);
        Assert.Contains("240 training and 60 validation rows (split 80/20/0 of the first 300 rows)", text);
        Assert.Equal(1, tooManyExit);
        Assert.Contains("train.csv: has 600 rows; --train-rows asked for the first 700", tooManyText);
        Assert.False(Directory.Exists(dir.File("c")));
    }

    [Fact]
    public async Task TrainAndScore_AGapInTime_IsSaidWithItsRowsAndSize()
    {
        // Given: one row a second, then an hour's gap after data row 150
        var rows = File.ReadAllLines(WriteSeries("even.csv", 300));
        File.WriteAllLines(dir.File("gap.csv"), rows.Select((l, k) => k <= 150 ? l : $"2024-01-01T{(k - 1 + 3600) / 3600:00}:{(k - 1) / 60 % 60:00}:{(k - 1) % 60:00};{l.Split(';', 2)[1]}"));

        // When
        var (exit, text) = await CliRunner.RunAsync("train", "--model", "range", "--data", dir.File("gap.csv"), "--out", dir.File("b"));
        var (evenExit, evenText) = await CliRunner.RunAsync("train", "--model", "range", "--data", dir.File("even.csv"), "--out", dir.File("c"));

        // Then
        Assert.True(exit == 0, text);
        Assert.Contains("gap.csv: the rows are not evenly spaced: data rows 150 and 151 ('2024-01-01T00:02:29' and '2024-01-01T01:02:30') are 1 hour apart, 3,601 times the usual step of 1 second", CliRunner.Collapse(text));
        Assert.True(evenExit == 0, evenText);
        Assert.DoesNotContain("not evenly spaced", evenText);
    }

    [Fact]
    public async Task Train_AColumnNamedLikeALabel_IsSaidToBeLearntAsAValue_UnlessNamed()
    {
        // Given: a series whose 'anomaly' column holds 0/1 labels
        var data = WriteSeries("labelled.csv", 200, spikeAt: 100, labelled: true);

        // When
        var (exit, text) = await CliRunner.RunAsync("train", "--model", "range", "--data", data, "--out", dir.File("a"));
        var (namedExit, namedText) = await CliRunner.RunAsync("train", "--model", "range", "--data", data, "--label-column", "anomaly", "--out", dir.File("b"));

        // Then: both train; only the first, where anomaly became a channel, says so
        Assert.True(exit == 0, text);
        Assert.True(namedExit == 0, namedText);
        Assert.Contains("labelled.csv: the column 'anomaly' looks like a label but is learnt as a value; name a label with --label-column", CliRunner.Collapse(text));
        Assert.DoesNotContain("looks like a label", namedText);
        Assert.Contains("\"anomaly\"", File.ReadAllText(dir.File("a/model.json")));
        Assert.DoesNotContain("\"anomaly\"", File.ReadAllText(dir.File("b/model.json")));
    }

    [Fact]
    public async Task ScoreAndEvaluate_TheModelsColumnsInAnotherOrderWithOthers_ReadByName_AMissingOneRefused()
    {
        // Given: a model of temp and pressure; a file with its columns in the other order and a column the model never saw;
        // a file without pressure
        var (trainExit, trainText) = await CliRunner.RunAsync("train", "--model", "range", "--data", WriteSeries("train.csv", 200), "--out", dir.File("b"));
        Assert.True(trainExit == 0, trainText);
        var test = File.ReadAllLines(WriteSeries("test.csv", 100, labelled: true, spikeAt: 40));
        var swapped = dir.File("swapped.csv");
        File.WriteAllLines(swapped, test.Select((l, k) => l.Split(';') is var f ? string.Join(';', f[0], k == 0 ? "PRESSURE" : f[2], k == 0 ? "host" : "web-1", f[1], f[3]) : l)); // names match without regard to case
        var missing = dir.File("missing.csv");
        File.WriteAllLines(missing, test.Select(l => l.Split(';') is var f ? string.Join(';', f[0], f[1], f[3]) : l));

        // When
        var (exit, text) = await CliRunner.RunAsync("score", "--bundle", dir.File("b"), "--data", swapped, "--label-column", "anomaly", "--out", dir.File("points.csv"));
        var (asIsExit, asIsText) = await CliRunner.RunAsync("score", "--bundle", dir.File("b"), "--data", dir.File("test.csv"), "--label-column", "anomaly", "--out", dir.File("as-is.csv"));
        var (evalExit, evalText) = await CliRunner.RunAsync("evaluate", "--bundle", dir.File("b"), "--data", swapped, "--label-column", "anomaly", "--out", dir.File("eval"));
        var (missingExit, missingText) = await CliRunner.RunAsync("score", "--bundle", dir.File("b"), "--data", missing, "--label-column", "anomaly", "--out", dir.File("none.csv"));
        var (orderExit, orderText) = await CliRunner.RunAsync("score", "--bundle", dir.File("b"), "--data", swapped, "--label-column", "anomaly", "--columns", "PRESSURE,temp", "--out", dir.File("order.csv"));

        // Then: the model's columns read by name score as the file in the model's order does, the other column said and
        // left out; a missing column, or --columns in another order than the model's, is refused naming both lists
        Assert.True(exit == 0, text);
        Assert.True(asIsExit == 0, asIsText);
        Assert.Equal(File.ReadAllLines(dir.File("as-is.csv")), File.ReadAllLines(dir.File("points.csv")));
        Assert.Contains("the columns [host] are not the model's; they are left out", CliRunner.Collapse(text));
        Assert.True(evalExit == 0, evalText);
        Assert.Equal(1, missingExit);
        Assert.Contains("missing.csv:1: column 'pressure': is not in the header [timestamp,temp,anomaly]; the model reads [temp,pressure] (by name, in any order)", CliRunner.Collapse(missingText));
        Assert.False(File.Exists(dir.File("none.csv")));
        Assert.Equal(1, orderExit);
        Assert.Contains("has the value columns [PRESSURE,temp]; the model reads [temp,pressure], in that order", CliRunner.Collapse(orderText));
        Assert.False(File.Exists(dir.File("order.csv")));
    }

    [Theory]
    [InlineData("knn", 32)]
    [InlineData("conv-ae", 16)]
    [InlineData("gru-vae", 16)]
    public async Task ScoreAndEvaluate_SeriesShorterThanTheWindow_RefusedNamingTheFile(string model, int window)
    {
        // Given: a window model, and a labelled file a few rows shorter than its window
        string[] epochs = model == "knn" ? [] : ["--epochs", "1"];
        var (trainExit, trainText) = await CliRunner.RunAsync(["train", "--model", model, "--data", WriteSeries("train.csv", 300), "--out", dir.File("b"), "--window", $"{window}", .. epochs]);
        Assert.True(trainExit == 0, trainText);
        var shorter = WriteSeries("short.csv", window - 3, labelled: true);

        // When
        var (exit, text) = await CliRunner.RunAsync("score", "--bundle", dir.File("b"), "--data", shorter, "--label-column", "anomaly", "--point-score", "last", "--out", dir.File("points.csv"));
        var (evalExit, evalText) = await CliRunner.RunAsync("evaluate", "--bundle", dir.File("b"), "--data", shorter, "--label-column", "anomaly", "--out", dir.File("eval"));

        // Then: refused before scoring, naming the file, its rows and the window; nothing written
        Assert.Equal(1, exit);
        Assert.Contains($"short.csv: has {window - 3} data rows; the {model} scores series of at least {window} rows (its window)", System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " "));
        Assert.False(File.Exists(dir.File("points.csv")));
        Assert.Equal(1, evalExit);
        Assert.Contains($"has {window - 3} data rows", evalText);
        Assert.False(Directory.Exists(dir.File("eval")));
    }

    [Fact]
    public async Task TrainAndScore_NewestFirst_NoteTheFirstRowOutOfOrderAndGoOn()
    {
        // Given: the series written newest first
        var ordered = File.ReadAllLines(WriteSeries("ordered.csv", 200));
        var reversed = dir.File("reversed.csv");
        File.WriteAllLines(reversed, [ordered[0], .. ordered.Skip(1).Reverse()]);

        // When
        var (trainExit, trainText) = await CliRunner.RunAsync("train", "--model", "range", "--data", reversed, "--out", dir.File("b"));
        var (exit, text) = await CliRunner.RunAsync("score", "--bundle", dir.File("b"), "--data", reversed, "--out", dir.File("points.csv"));
        var (orderedExit, orderedText) = await CliRunner.RunAsync("score", "--bundle", dir.File("b"), "--data", dir.File("ordered.csv"), "--out", dir.File("ordered-points.csv"));

        // Then: both name the file and the first row whose time goes backwards, and the work is done; an ordered file has no note
        Assert.True(trainExit == 0 && exit == 0 && orderedExit == 0, trainText + text + orderedText);
        var expected = "reversed.csv: the time '2024-01-01T00:03:18' of data row 2 is earlier than the row before it ('2024-01-01T00:03:19'); rows are used in the file's order";
        Assert.Contains(expected, System.Text.RegularExpressions.Regex.Replace(trainText, @"\s+", " "));
        Assert.Contains(expected, System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " "));
        Assert.DoesNotContain("Note:", orderedText);
        Assert.Equal(201, File.ReadAllLines(dir.File("points.csv")).Length);
    }

    [Fact]
    public async Task Train_TooFewRowsForTheSplit_RefusedNamingTheFileAndTheParts()
    {
        // Given: 3 rows; 70% of 3 is 2 rows for training, 15% is none for validation
        var train = WriteSeries("tiny.csv", 3);

        // When
        var (exit, text) = await CliRunner.RunAsync("train", "--model", "range", "--data", train, "--out", dir.File("b"));

        // Then
        Assert.Equal(1, exit);
        Assert.Contains("tiny.csv: gives 3 rows to train on; a split of 70% and 15% leaves 2 for training and 0 for validation", System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ")); // the console wraps long lines
        Assert.False(Directory.Exists(dir.File("b")));
    }

    [Fact]
    public async Task Train_ValidationPartShorterThanTheWindow_RefusedNamingTheFilePartAndWhatHelps()
    {
        // Given: 60 rows; the 15% validation part holds 9 rows, fewer than knn's window of 32
        var train = WriteSeries("short.csv", 60);

        // When
        var (exit, text) = await CliRunner.RunAsync("train", "--model", "knn", "--data", train, "--out", dir.File("b"));

        // Then
        Assert.Equal(1, exit);
        Assert.Contains("short.csv: the knn cannot train on it: Sequence 'validation' has 9 steps; the knn reads windows of 32 steps: choose a smaller --window", System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " "));
        Assert.False(Directory.Exists(dir.File("b")));
    }

    [Fact]
    public async Task Train_WindowZeroOnASeries_RefusedSayingWhatToGive()
    {
        var (exit, text) = await CliRunner.RunAsync("train", "--model", "knn", "--window", "0", "--data", WriteSeries("s.csv", 200), "--out", dir.File("b"));

        Assert.Equal(1, exit);
        Assert.Contains("--window is 0; a time series is one long sequence, learnt in windows of at least 1 step: give --window W, or leave it out for the knn's default", System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " "));
        Assert.False(Directory.Exists(dir.File("b")));
    }

    [Theory]
    [InlineData("100/0/0")]
    [InlineData("70/40/0")]
    [InlineData("70/15")]
    public async Task Train_SplitWithoutValidationOrNotSummingTo100_RefusedSayingWhatIsAccepted(string split)
    {
        var (exit, text) = await CliRunner.RunAsync("train", "--model", "range", "--split", split, "--data", WriteSeries("s.csv", 200), "--out", dir.File("b"));

        Assert.NotEqual(0, exit);
        Assert.Contains($"--split takes three percentages summing to 100, training and validation above 0 (the test share may be 0), like 70/15/15 or 80/20/0; got '{split}'", System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " "));
        Assert.False(Directory.Exists(dir.File("b")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TrainAndScore_AColumnFloatsHoldOnlyCoarsely_IsNotedWithTheOffsetToSubtract(bool records)
    {
        // Given: 'amount' near 10,000,000 varying by 0.5 at most (32-bit floats there are 1 apart) beside an ordinary
        // column, as a series or as records
        var path = dir.File("counter.csv");
        File.WriteAllLines(path, [records ? "size;amount" : "timestamp;size;amount", .. Enumerable.Range(0, 300).Select(t =>
            string.Create(CultureInfo.InvariantCulture, $"{(records ? "" : $"{t};")}{Math.Sin(t / 10.0):F4};{1e7 + (0.5 * Math.Cos(t / 7.0)):F4}"))]);
        string[] model = records ? ["--records", "--model", "pca"] : ["--model", "range"];

        // When
        var (trainExit, trainText) = await CliRunner.RunAsync(["train", .. model, "--data", path, "--out", dir.File("b")]);
        var (exit, text) = await CliRunner.RunAsync("score", "--bundle", dir.File("b"), "--data", path, "--out", dir.File("points.csv"));

        // Then: both say so, naming the column and an offset; the work is done
        Assert.True(trainExit == 0 && exit == 0, trainText + text);
        foreach (var output in new[] { trainText, text })
        {
            var said = System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " ");
            Assert.Contains("counter.csv: column 'amount' varies by 0.35", said);
            Assert.Contains("Subtract an offset from the column (e.g. 10000000)", said);
            Assert.DoesNotContain("column 'size'", said);
        }
    }

    [Fact]
    public async Task ScoreSequences_AChannelFloatsHoldOnlyCoarsely_IsNotedAsForASeries()
    {
        // Given: sequence files (read in chunks when scored) whose 'amount' is near 10,000,000 varying by 0.5 at most
        Directory.CreateDirectory(dir.File("seq"));
        foreach (var (split, count) in new[] { ("train", 20), ("val", 8), ("test", 8) })
        {
            File.WriteAllLines(dir.File($"seq/{split}.csv"), ["sequence_id,t,size,amount", .. Enumerable.Range(0, count).SelectMany(i => Enumerable.Range(0, 30).Select(t =>
                string.Create(CultureInfo.InvariantCulture, $"{split}{i},{t},{Math.Sin((t / 5.0) + i):F4},{1e7 + (0.5 * Math.Cos((t / 7.0) + i)):F4}")))]);
        }

        var (trainExit, trainText) = await CliRunner.RunAsync("train", "--data", dir.File("seq"), "--model", "pca", "--window", "8", "--out", dir.File("b"));
        Assert.True(trainExit == 0, trainText);

        // When
        var (exit, text) = await CliRunner.RunAsync("score", "--bundle", dir.File("b"), "--data", dir.File("seq/test.csv"), "--out", dir.File("scores.csv"));

        // Then: as train said of its file, score says it of the file it scored (it said nothing)
        Assert.True(exit == 0, text);
        var said = CliRunner.Collapse(text);
        Assert.Contains("test.csv: column 'amount' varies by 0.35", said);
        Assert.Contains("Subtract an offset from the column (e.g. 10000000)", said);
        Assert.DoesNotContain("column 'size'", said);
    }

    [Theory]
    [InlineData("knn", true)]
    [InlineData("gaussian", false)] // judges each row against its recent rows' own spread: the note would be wrong
    public async Task Train_AColumnThatNeverChangesInTraining_IsNotedWithItsValue(string model, bool noted)
    {
        // Given: 'stuck' is 5 in every training row (the first 70%) and 5.1 after
        var path = dir.File("stuck.csv");
        File.WriteAllLines(path, ["timestamp;temp;stuck", .. Enumerable.Range(0, 300).Select(t => string.Create(CultureInfo.InvariantCulture, $"{t};{Math.Sin(t / 10.0):F4};{(t < 210 ? 5.0 : 5.1):F1}"))]);

        // When
        var (exit, text) = await CliRunner.RunAsync("train", "--model", model, "--data", path, "--split", "70/30/0", "--out", dir.File("b"));

        // Then
        Assert.True(exit == 0, text);
        var said = System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");
        Assert.Equal(noted, said.Contains("stuck.csv: the column 'stuck' holds one value (5) in every training row", StringComparison.Ordinal));
        Assert.DoesNotContain("column 'temp' holds", said);
    }

    [Fact]
    public async Task Train_WindowsTooWideForKnn_SaysTheWindowThatFits_AndTheReadLineNamesTenColumns()
    {
        // Given: 2,100 columns; knn's 32-row windows would hold 67,200 values, above the 65,536 accepted (31 rows fit)
        var path = dir.File("wide.csv");
        File.WriteAllLines(path, [
            "timestamp," + string.Join(",", Enumerable.Range(0, 2100).Select(c => $"c{c}")),
            .. Enumerable.Range(0, 100).Select(t => $"{t}," + string.Join(",", Enumerable.Range(0, 2100).Select(c => ((t + c) % 7).ToString(CultureInfo.InvariantCulture))))]);

        // When
        var (exit, text) = await CliRunner.RunAsync("train", "--model", "knn", "--data", path, "--out", dir.File("b"));

        // Then: before, the line listed all 2,100 names and the refusal said nothing of what fits
        var said = System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");
        Assert.Equal(1, exit);
        Assert.Contains("2,100 channels (c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, ...)", said);
        Assert.DoesNotContain("c2099", said);
        Assert.Contains("at most 65,536 are accepted: a window of at most 31 steps (--window 31), or fewer columns (--columns)", said);
        Assert.False(Directory.Exists(dir.File("b")));
    }

    [Fact]
    public async Task Train_Series_NotesOnlyThePointScoresRulesThatCouldNotBeFitted()
    {
        // Given: the GRU-VAE on a series: its one validation sequence gives each per-sequence score one value, too few
        // for POT, and its point scores enough for every rule

        // When
        var (exit, text) = await CliRunner.RunAsync("train", "--data", WriteSeries("s.csv", 600), "--out", dir.File("b"), "--epochs", "1");

        // Then: no note about the per-sequence scores, which a series does not flag by (before: six, 'got 0 of 1' each)
        Assert.True(exit == 0, text);
        Assert.DoesNotContain("got 0 of 1", text);
        Assert.DoesNotContain("of the mahalanobis score", text);
        using var manifest = JsonDocument.Parse(File.ReadAllText(dir.File("b/model.json")));
        Assert.Contains("mahalanobis/pot", manifest.RootElement.GetProperty("threshold_notes").EnumerateObject().Select(p => p.Name)); // still stored, and refused if asked for
    }

    [Fact]
    public async Task TrainAndScore_ALabelAmongDates_IsNotedWithItsRow()
    {
        // Given: a dated series whose 50th row's time is a stray label
        var lines = File.ReadAllLines(WriteSeries("labelled.csv", 200));
        lines[50] = "x" + lines[50][lines[50].IndexOf(';', StringComparison.Ordinal)..];
        File.WriteAllLines(dir.File("labelled.csv"), lines);

        // When
        var (trainExit, trainText) = await CliRunner.RunAsync("train", "--model", "range", "--data", dir.File("labelled.csv"), "--out", dir.File("b"));
        var (exit, text) = await CliRunner.RunAsync("score", "--bundle", dir.File("b"), "--data", dir.File("labelled.csv"), "--out", dir.File("points.csv"));

        // Then: named, and the work is done
        Assert.True(trainExit == 0 && exit == 0, trainText + text);
        var expected = "labelled.csv: the time 'x' of data row 50 is not a date as the first row's ('2024-01-01T00:00:00') is";
        Assert.Contains(expected, System.Text.RegularExpressions.Regex.Replace(trainText, @"\s+", " "));
        Assert.Contains(expected, System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " "));
    }

    [Fact]
    public async Task Train_MinMaxScaler_StoresTheTrainingMinimumAndRange()
    {
        // Given: 'pressure' is cos(t / 7), whose minimum and range over 480 training rows are computed here
        var train = WriteSeries("train.csv", 600);
        var pressure = Enumerable.Range(0, 480).Select(t => Math.Cos(t / 7.0)).ToArray();

        // When
        var (exit, text) = await CliRunner.RunAsync("train", "--data", train, "--out", dir.File("b"), "--window", "16", "--epochs", "1", "--split", "80/20/0", "--scaler", "minmax");

        // Then
        Assert.True(exit == 0, text);
        using var manifest = JsonDocument.Parse(File.ReadAllText(dir.File("b/model.json")));
        Assert.Equal("min_max", manifest.RootElement.GetProperty("model_options").GetProperty("scaler").GetString());
        var scaler = manifest.RootElement.GetProperty("scaler");
        Assert.Equal(pressure.Min(), scaler.GetProperty("mean")[1].GetDouble(), 5);
        Assert.Equal(pressure.Max() - pressure.Min(), scaler.GetProperty("std")[1].GetDouble(), 5);
    }

    [Fact]
    public async Task Train_SeriesWithWholeSequenceModel_IsRefused()
    {
        var train = WriteSeries("train.csv", 100);

        var (exit, text) = await CliRunner.RunAsync("train", "--data", train, "--out", dir.File("b"), "--config", "seed");

        Assert.Equal(1, exit);
        Assert.Contains("--window", text);
        Assert.False(Directory.Exists(dir.File("b")));
    }
}
