using System.Globalization;
using System.IO.Compression;
using System.Text.Json;

namespace VaeAnomaly.Cli.Tests.Commands;

/// <summary><c>benchmark series</c> on small folders in the telemetry layout (NAME.train.csv[.gz], NAME.test.csv[.gz]).</summary>
[Collection(TorchCollection.Name)]
public sealed class BenchmarkSeriesCommandTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>t, a watched sine v0 and an input c1; the test file's 20 rows from its middle (200-219 of 400) jump by 4 on v0 and are labelled.</summary>
    private void WritePair(string folder, string name, bool gzip = false, bool label = true, string input = "c1", int trainRows = 300, int testRows = 400)
    {
        Directory.CreateDirectory(dir.File(folder));
        bool Anomalous(int t) => t >= testRows / 2 && t < testRows / 2 + 20;
        string Rows(int n, bool test) => string.Join("\n", [
            $"t,v0,{input}{(test && label ? ",anomaly" : "")}",
            .. Enumerable.Range(0, n).Select(t => string.Create(CultureInfo.InvariantCulture,
                $"{t},{Math.Sin(t / 5.0) + (test && Anomalous(t) ? 4 : 0):F4},{(t % 7 == 0 ? 1 : 0)}{(test && label ? $",{(Anomalous(t) ? 1 : 0)}" : "")}")),
        ]);
        File.WriteAllText(dir.File($"{folder}/{name}.train.csv"), Rows(trainRows, test: false));
        var test = dir.File($"{folder}/{name}.test.csv");
        if (gzip)
        {
            using var file = File.Create(test + ".gz");
            using var zip = new GZipStream(file, CompressionLevel.Fastest);
            using var writer = new StreamWriter(zip);
            writer.Write(Rows(testRows, test: true));
        }
        else
        {
            File.WriteAllText(test, Rows(testRows, test: true));
        }
    }

    [Fact]
    public async Task BenchmarkSeries_TwoPairs_WritesTheSummaryOfEveryModelAndEveryFile()
    {
        // Given
        WritePair("pairs", "a-1");
        WritePair("pairs", "b-2", gzip: true);

        // When
        var (exit, text) = await CliRunner.RunAsync("benchmark", "series", "--data", dir.File("pairs"), "--models", "pca,range,gaussian", "--target-columns", "v0", "--out", dir.File("out"));

        // Then
        Assert.True(exit == 0, text);
        using var summary = JsonDocument.Parse(File.ReadAllText(dir.File("out/summary.json")));
        var pca = summary.RootElement.GetProperty("models").GetProperty("pca");
        Assert.Equal(2, pca.GetProperty("files").GetInt32());
        foreach (var key in new[] { "mean_auc_pr", "mean_auc_roc", "mean_f1_at_threshold", "mean_best_f1", "mean_pa_f1", "event_recall", "event_precision", "train_seconds" })
        {
            var value = pca.GetProperty(key).GetDouble();
            Assert.True(value >= 0 && (key == "train_seconds" || value <= 1), $"{key} = {value}");
        }

        // A jump of 4 on a sine of amplitude 1 is far outside the training range: every model finds the one event
        Assert.Equal(1.0, pca.GetProperty("event_recall").GetDouble());
        Assert.Equal(1.0, summary.RootElement.GetProperty("models").GetProperty("range").GetProperty("event_recall").GetDouble());
        Assert.Equal(1.0, summary.RootElement.GetProperty("models").GetProperty("gaussian").GetProperty("event_recall").GetDouble());
        Assert.Equal(6, summary.RootElement.GetProperty("files").GetArrayLength());
        Assert.Equal(7, File.ReadAllLines(dir.File("out/files.csv")).Length);
        Assert.Contains("a-1,pca,v0,", File.ReadAllText(dir.File("out/files.csv")));
        Assert.Contains("scored causally", text);
        var quantile = pca.GetProperty("rules").GetProperty("quantile");
        Assert.Equal(2, quantile.GetProperty("files").GetInt32());
        Assert.InRange(quantile.GetProperty("mean_flagged_normal").GetDouble(), 0, 1);
        Assert.Contains("each label-free rule", text);
        Assert.InRange(pca.GetProperty("rules").GetProperty("surprise").GetProperty("mean_flagged_normal").GetDouble(), 0, 1);
        Assert.Equal(2, pca.GetProperty("rules").GetProperty("dynamic").GetProperty("files").GetInt32());
        Assert.InRange(pca.GetProperty("rules").GetProperty("dynamic").GetProperty("mean_f1").GetDouble(), 0, 1);

        // The smoothed rule: an F1 at its threshold no better than the best F1 of the same averaged scores
        var smoothed = pca.GetProperty("rules").GetProperty("smoothed");
        Assert.Equal(2, smoothed.GetProperty("files").GetInt32());
        Assert.InRange(smoothed.GetProperty("mean_f1").GetDouble(), 0, smoothed.GetProperty("mean_best_f1").GetDouble() + 1e-12);
        Assert.True(smoothed.GetProperty("mean_best_f1").GetDouble() > 0.2, smoothed.ToString()); // flagging every row: F1 2 x 0.05 / 1.05 = 0.1
        Assert.Equal(JsonValueKind.Null, quantile.GetProperty("mean_best_f1").ValueKind);
        Assert.Contains("best F1", text);

        // The random row every model is read against: 20 of each file's 400 test rows are anomalous
        var random = summary.RootElement.GetProperty("random");
        Assert.Equal(0.05, random.GetProperty("auc_pr").GetDouble(), 12);
        Assert.Equal(0.5, random.GetProperty("auc_roc").GetDouble(), 12);
        Assert.Equal(2 * 0.05 / 1.05, random.GetProperty("best_f1").GetDouble(), 12); // flagging every row
        Assert.Contains("random score │ 2 │ 0.050 │ 0.500 │ – │ 0.095 │", System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " "));
    }

    [Fact]
    public async Task BenchmarkSeries_APairTooShortForOneModel_IsSaidAndLeftOutOfThatModelsMeans_TheOthersRun()
    {
        // Given: b-2's train file (30 rows) fits pca on 24 rows, shorter than its 32-row window; range reads rows, not windows
        WritePair("pairs", "a-1");
        WritePair("pairs", "b-2", trainRows: 30);

        // When
        var (exit, text) = await CliRunner.RunAsync("benchmark", "series", "--data", dir.File("pairs"), "--models", "pca,range", "--target-columns", "v0", "--out", dir.File("out"));

        // Then: the run finishes; pca's means are over a-1 alone, and why b-2 was left out is written and printed
        Assert.True(exit == 0, text);
        using var summary = JsonDocument.Parse(File.ReadAllText(dir.File("out/summary.json")));
        Assert.Equal(1, summary.RootElement.GetProperty("models").GetProperty("pca").GetProperty("files").GetInt32());
        Assert.Equal(2, summary.RootElement.GetProperty("models").GetProperty("range").GetProperty("files").GetInt32());
        var notRun = Assert.Single(summary.RootElement.GetProperty("not_run").EnumerateArray());
        Assert.Equal("b-2", notRun.GetProperty("file").GetString());
        Assert.Equal("pca", notRun.GetProperty("model").GetString());
        Assert.Contains("b-2.train.csv: pca cannot use it: Sequence 'train' has 24 steps; the pca reads windows of 32 steps: choose a smaller --window", notRun.GetProperty("reason").GetString());
        Assert.Equal(["a-1,pca", "a-1,range", "b-2,range"], File.ReadAllLines(dir.File("out/files.csv")).Skip(1).Select(l => string.Join(',', l.Split(',')[..2])));
        Assert.Contains("b-2 pca: not run", text);
        Assert.Contains("Not run: 1 of 4 model and pair combinations", string.Join(' ', text.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries)));

        // and the figures to compare are over a-1 alone, where both ran: range's there are its a-1 file's, not its mean of two
        var common = summary.RootElement.GetProperty("common");
        Assert.Equal(["a-1"], common.GetProperty("files").EnumerateArray().Select(f => f.GetString()));
        var rangeOverA1 = common.GetProperty("models").GetProperty("range");
        Assert.Equal(1, rangeOverA1.GetProperty("files").GetInt32());
        var rangeA1 = summary.RootElement.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("file").GetString() == "a-1" && f.GetProperty("model").GetString() == "range");
        Assert.Equal(rangeA1.GetProperty("auc_pr").GetDouble(), rangeOverA1.GetProperty("mean_auc_pr").GetDouble(), 12);
        Assert.Equal(rangeA1.GetProperty("best_f1").GetDouble(), rangeOverA1.GetProperty("mean_best_f1").GetDouble(), 12);
        Assert.NotEqual(summary.RootElement.GetProperty("models").GetProperty("range").GetProperty("mean_flagged_normal").GetDouble(), rangeOverA1.GetProperty("mean_flagged_normal").GetDouble());
        Assert.Equal(0.05, common.GetProperty("random").GetProperty("auc_pr").GetDouble(), 12);
        Assert.Contains("The 1 of 2 pairs every model ran on", string.Join(' ', text.Split((char[])[' ', '\n', '│'], StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public async Task BenchmarkSeries_Seasonal_SaysThePeriodItFound_AndAPairWithoutOneIsNotRun()
    {
        // Given: a-1's v0 is sin(t / 5), a period of 2 pi 5 = 31.4 rows; n-1's v0 is noise, which has none
        WritePair("pairs", "a-1");
        var random = new Random(3);
        string Noise(int n, bool test) => string.Join("\n", [
            test ? "t,v0,c1,anomaly" : "t,v0,c1",
            .. Enumerable.Range(0, n).Select(t => string.Create(CultureInfo.InvariantCulture, $"{t},{random.NextDouble() + (test && t is >= 200 and < 220 ? 4 : 0):F4},0{(test ? $",{(t is >= 200 and < 220 ? 1 : 0)}" : "")}")),
        ]);
        File.WriteAllText(dir.File("pairs/n-1.train.csv"), Noise(300, test: false));
        File.WriteAllText(dir.File("pairs/n-1.test.csv"), Noise(400, test: true));

        // When
        var (exit, text) = await CliRunner.RunAsync("benchmark", "series", "--data", dir.File("pairs"), "--models", "seasonal,range", "--target-columns", "v0", "--out", dir.File("out"));

        // Then: the seasonal ran on a-1 with the sine's period, and n-1's refusal is said; range ran on both
        Assert.True(exit == 0, text);
        using var summary = JsonDocument.Parse(File.ReadAllText(dir.File("out/summary.json")));
        var seasonal = summary.RootElement.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("model").GetString() == "seasonal");
        Assert.Equal("a-1", seasonal.GetProperty("file").GetString());
        Assert.InRange(seasonal.GetProperty("period").GetInt32(), 31, 32);
        Assert.Contains($"a-1 seasonal (period {seasonal.GetProperty("period").GetInt32()})", text);
        Assert.Equal(JsonValueKind.Null, summary.RootElement.GetProperty("files").EnumerateArray().First(f => f.GetProperty("model").GetString() == "range").GetProperty("period").ValueKind);
        var lines = File.ReadAllLines(dir.File("out/files.csv"));
        Assert.EndsWith(",period,refits", lines[0]);
        Assert.EndsWith($",{seasonal.GetProperty("period").GetInt32()},", lines.Single(l => l.StartsWith("a-1,seasonal,", StringComparison.Ordinal)));
        Assert.EndsWith(",,", lines.Single(l => l.StartsWith("n-1,range,", StringComparison.Ordinal)));
        var notRun = Assert.Single(summary.RootElement.GetProperty("not_run").EnumerateArray());
        Assert.Equal(("n-1", "seasonal"), (notRun.GetProperty("file").GetString(), notRun.GetProperty("model").GetString()));
        Assert.Contains("show no period", notRun.GetProperty("reason").GetString());
        Assert.Equal(["a-1"], summary.RootElement.GetProperty("common").GetProperty("files").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public async Task BenchmarkSeries_CrossFit_ReportsTheRuleOnlyWhenAsked_AndOneBlockIsRefused()
    {
        // Given
        WritePair("pairs", "a-1");

        // When
        var (exit, text) = await CliRunner.RunAsync("benchmark", "series", "--data", dir.File("pairs"), "--models", "pca", "--target-columns", "v0", "--cross-fit", "3", "--out", dir.File("out"));
        var (plainExit, plainText) = await CliRunner.RunAsync("benchmark", "series", "--data", dir.File("pairs"), "--models", "pca", "--target-columns", "v0", "--out", dir.File("plain"));
        var (oneExit, oneText) = await CliRunner.RunAsync("benchmark", "series", "--data", dir.File("pairs"), "--models", "pca", "--cross-fit", "1", "--out", dir.File("one"));

        // Then: the held-out scores' threshold flags some of the jump of 4 (its figures are checked by hand in CrossFitTests)
        Assert.True(exit == 0, text);
        using var summary = JsonDocument.Parse(File.ReadAllText(dir.File("out/summary.json")));
        var crossFit = summary.RootElement.GetProperty("models").GetProperty("pca").GetProperty("rules").GetProperty("crossfit");
        Assert.Equal(1, crossFit.GetProperty("files").GetInt32());
        Assert.InRange(crossFit.GetProperty("mean_f1").GetDouble(), 0.01, 1);
        Assert.InRange(crossFit.GetProperty("mean_flagged_normal").GetDouble(), 0, 1);
        Assert.Contains("crossfit", text);
        Assert.True(plainExit == 0, plainText);
        Assert.DoesNotContain("crossfit", plainText);
        Assert.Equal(1, oneExit);
        Assert.Contains("--cross-fit 1 leaves no rows to fit a fold on", System.Text.RegularExpressions.Regex.Replace(oneText, @"\s+", " "));
        Assert.False(Directory.Exists(dir.File("one")));
    }

    [Fact]
    public async Task BenchmarkSeries_Online_MeasuresTheScoresScoreFollowOnlineOnGivesTheTrainRowsThenTheTestRows_AndRefusesAModelThatDoesNotLearn()
    {
        // Given: a pair, and a bundle trained on its train file as the benchmark trains (its last 20% validating, seed 42)
        WritePair("pairs", "a-1");
        var (trainExit, trainText) = await CliRunner.RunAsync("train", "--data", dir.File("pairs/a-1.train.csv"), "--model", "knn", "--target-columns", "v0", "--split", "80/20/0", "--seed", "42", "--out", dir.File("bundle"));
        Assert.True(trainExit == 0, trainText);
        string[] Rows(string file) => [.. File.ReadAllLines(dir.File($"pairs/a-1.{file}.csv")).Skip(1)];
        var (train, test) = (Rows("train"), Rows("test"));
        var stream = string.Join("\n", ["t,v0,c1", .. train.Concat(test).Select((row, t) => $"{t},{string.Join(',', row.Split(',')[1..3])}")]) + "\n";

        // When
        var (exit, text) = await CliRunner.RunAsync("benchmark", "series", "--data", dir.File("pairs"), "--models", "knn", "--target-columns", "v0", "--online", "on", "--out", dir.File("out"));
        var (followExit, followText) = await CliRunner.WithStandardInput(stream, () => CliRunner.RunAsync("score", "--bundle", dir.File("bundle"), "--data", "-", "--out", dir.File("follow.csv"), "--follow", "--online", "on"));
        var (crossExit, crossText) = await CliRunner.RunAsync("benchmark", "series", "--data", dir.File("pairs"), "--models", "knn", "--online", "on", "--cross-fit", "3", "--out", dir.File("cross"));
        var (seasonalExit, seasonalText) = await CliRunner.RunAsync("benchmark", "series", "--data", dir.File("pairs"), "--models", "seasonal", "--online", "on", "--out", dir.File("seasonal"));

        // Then: the benchmark's figures are those of the followed stream's scores and flags of the test rows
        Assert.True(exit == 0, text);
        Assert.True(followExit == 0, followText);
        var labels = test.Select(row => row.Split(',')[3] == "1").ToArray();
        var followed = File.ReadAllLines(dir.File("follow.csv")).Skip(1 + train.Length).Select(line => line.Split(',')).ToArray();
        Assert.Equal(test.Length, followed.Length);
        var scores = followed.Select(f => double.Parse(f[1], CultureInfo.InvariantCulture)).ToArray();
        var flags = followed.Select(f => f[3] == "1").ToArray();
        var result = File.ReadAllLines(dir.File("out/files.csv"))[1].Split(',');
        Assert.Equal(Evaluation.RankingMetrics.AveragePrecision(labels, scores), double.Parse(result[3], CultureInfo.InvariantCulture), 5);
        Assert.Equal((double)labels.Zip(flags).Count(p => !p.First && p.Second) / labels.Count(l => !l), double.Parse(result[10], CultureInfo.InvariantCulture), 5);
        Assert.True(flags.Where((_, t) => labels[t]).Any(), "the jump of 4 is flagged");
        Assert.True(int.Parse(result[16], CultureInfo.InvariantCulture) > 0, "it kept learning: " + string.Join(',', result));
        Assert.Contains("the surprise of a detector that keeps learning", CliRunner.Collapse(text));
        Assert.DoesNotContain("each label-free rule", text);
        Assert.Equal(1, crossExit);
        Assert.Contains("give one or the other", CliRunner.Collapse(crossText));
        Assert.False(Directory.Exists(dir.File("cross")));
        Assert.Equal(1, seasonalExit);
        Assert.Contains("a seasonal does not keep learning while it streams, so --online on cannot run it", CliRunner.Collapse(seasonalText));
        Assert.False(Directory.Exists(dir.File("seasonal")));
    }

    [Fact]
    public async Task BenchmarkSeries_WindowAuto_GivesEachWindowModelThePairsPeriod_AndABadWindowIsRefused()
    {
        // Given: v0 = sin(t / 5), a period of 2 pi 5 = 31.4 rows; the autocorrelation of the 240 fit rows peaks at 31
        WritePair("pairs", "a-1");

        // When
        var (exit, text) = await CliRunner.RunAsync("benchmark", "series", "--data", dir.File("pairs"), "--models", "pca,conv-ae,range", "--epochs", "1",
            "--target-columns", "v0", "--window", "auto", "--out", dir.File("out"));
        var (badExit, badText) = await CliRunner.RunAsync("benchmark", "series", "--data", dir.File("pairs"), "--window", "often", "--out", dir.File("bad"));
        var (oddExit, oddText) = await CliRunner.RunAsync("benchmark", "series", "--data", dir.File("pairs"), "--models", "pca,conv-ae", "--window", "30", "--out", dir.File("odd"));

        // Then: pca reads 31 rows, conv-ae the next multiple of 4 (its pooling), range no window at all
        Assert.True(exit == 0, text);
        using var summary = JsonDocument.Parse(File.ReadAllText(dir.File("out/summary.json")));
        var windows = summary.RootElement.GetProperty("files").EnumerateArray()
            .ToDictionary(f => f.GetProperty("model").GetString()!, f => f.GetProperty("window").ValueKind == JsonValueKind.Null ? (int?)null : f.GetProperty("window").GetInt32());
        Assert.Equal(31, windows["pca"]);
        Assert.Equal(32, windows["conv-ae"]);
        Assert.Null(windows["range"]);
        Assert.Contains("a-1 pca (window 31)", text);
        Assert.Equal(1, badExit);
        Assert.Contains("--window takes auto or a whole number of rows from 1 to", badText);
        Assert.False(Directory.Exists(dir.File("bad")));
        Assert.Equal(1, oddExit);
        Assert.Contains("--window 30: conv-ae reads windows that are a multiple of 4 rows", oddText);
        Assert.False(Directory.Exists(dir.File("odd")));
    }

    /// <summary>Sets every row's label (the last cell) of a test file to <paramref name="label"/>.</summary>
    private void Relabel(string file, string label)
    {
        var test = File.ReadAllLines(dir.File(file));
        File.WriteAllLines(dir.File(file), [test[0], .. test.Skip(1).Select(row => row[..(row.LastIndexOf(',') + 1)] + label)]);
    }

    [Fact]
    public async Task BenchmarkSeries_ATestFileWithoutAnomalies_CountsInTheFalseAlarmsOnly()
    {
        // Given: b-2's test file is the same series with its jump kept but every row labelled 0, so each model's flags on
        // the jump are false alarms there; a-1 is labelled as usual
        WritePair("pairs", "a-1");
        WritePair("pairs", "b-2");
        Relabel("pairs/b-2.test.csv", "0");

        // When
        var (exit, text) = await CliRunner.RunAsync("benchmark", "series", "--data", dir.File("pairs"), "--models", "range,gaussian", "--target-columns", "v0", "--out", dir.File("out"));

        // Then: the figures that need an anomaly are a-1's alone, the false-alarm figures are over both files
        Assert.True(exit == 0, text);
        using var summary = JsonDocument.Parse(File.ReadAllText(dir.File("out/summary.json")));
        var files = summary.RootElement.GetProperty("files").EnumerateArray().ToDictionary(f => (f.GetProperty("file").GetString(), f.GetProperty("model").GetString()));
        foreach (var model in new[] { "range", "gaussian" })
        {
            var (a, b) = (files[("a-1", model)], files[("b-2", model)]);
            var m = summary.RootElement.GetProperty("models").GetProperty(model);
            Assert.Equal(2, m.GetProperty("files").GetInt32());
            Assert.Equal(1, m.GetProperty("files_with_anomalies").GetInt32());
            foreach (var (mean, each) in new[] { ("mean_auc_pr", "auc_pr"), ("mean_auc_roc", "auc_roc"), ("mean_f1_at_threshold", "f1_at_threshold"), ("mean_best_f1", "best_f1"),
                ("mean_pa_f1", "point_adjusted_f1"), ("event_recall", "event_recall"), ("event_precision", "event_precision") })
            {
                Assert.Equal(JsonValueKind.Null, b.GetProperty(each).ValueKind);
                Assert.Equal(a.GetProperty(each).GetDouble(), m.GetProperty(mean).GetDouble(), 12);
            }

            // Every row of b-2 is normal, so its share flagged counts the 20-row jump the model flags: more than a-1's
            Assert.True(b.GetProperty("flagged_normal").GetDouble() > a.GetProperty("flagged_normal").GetDouble(), $"{model}: {b}");
            Assert.True(b.GetProperty("false_events").GetInt32() > a.GetProperty("false_events").GetInt32(), $"{model}: {b}");
            Assert.Equal((a.GetProperty("flagged_normal").GetDouble() + b.GetProperty("flagged_normal").GetDouble()) / 2, m.GetProperty("mean_flagged_normal").GetDouble(), 12);
            Assert.Equal(a.GetProperty("false_events").GetInt32() + b.GetProperty("false_events").GetInt32(), m.GetProperty("false_events").GetInt32());
            var quantile = m.GetProperty("rules").GetProperty("quantile");
            Assert.Equal(2, quantile.GetProperty("files").GetInt32());
            Assert.Equal(a.GetProperty("rules").GetProperty("quantile").GetProperty("f1").GetDouble(), quantile.GetProperty("mean_f1").GetDouble(), 12);
            Assert.Equal(JsonValueKind.Null, b.GetProperty("rules").GetProperty("quantile").GetProperty("f1").ValueKind);
        }

        // The random row is a-1's (20 of 400 rows), not diluted by a file where it is not defined
        Assert.Equal(0.05, summary.RootElement.GetProperty("random").GetProperty("auc_pr").GetDouble(), 12);
        Assert.Contains("b-2,range,v0,,,,,,,,", File.ReadAllText(dir.File("out/files.csv")));
        Assert.Contains("1 test file labels no anomaly", text);
        Assert.Contains("b-2 range: no anomaly labelled, normal rows flagged", text);
    }

    [Fact]
    public async Task BenchmarkSeries_TestColumnsInAnotherOrder_AreReadByName()
    {
        // Given: the same pair twice, the second's test file with its value columns swapped
        WritePair("plain", "a-1");
        WritePair("swapped", "a-1");
        File.WriteAllLines(dir.File("swapped/a-1.test.csv"), File.ReadAllLines(dir.File("swapped/a-1.test.csv")).Select(l => l.Split(',') is var f ? string.Join(',', f[0], f[2], f[1], f[3]) : l));

        // When
        var (plainExit, plainText) = await CliRunner.RunAsync("benchmark", "series", "--data", dir.File("plain"), "--models", "pca", "--target-columns", "v0", "--out", dir.File("plain-out"));
        var (exit, text) = await CliRunner.RunAsync("benchmark", "series", "--data", dir.File("swapped"), "--models", "pca", "--target-columns", "v0", "--out", dir.File("out"));

        // Then: the same figures, where the swapped file was refused as having other columns
        Assert.True(plainExit == 0 && exit == 0, plainText + text);
        Assert.Equal(File.ReadAllLines(dir.File("plain-out/files.csv")).Select(l => string.Join(',', l.Split(',')[..12])), File.ReadAllLines(dir.File("out/files.csv")).Select(l => string.Join(',', l.Split(',')[..12])));
    }

    [Theory]
    [InlineData("gap", "--missing", "interpolate", "a-1.train.csv:51: column 'v0': found ''; expected a finite number (use --missing interpolate")]
    [InlineData("text", "--columns", "v0,c1", "column 'status': found 'ok'; expected a finite number; every column but the time and label columns is read as a value: leave this one out by naming the value columns, e.g. --columns v0,c1")]
    public async Task BenchmarkSeries_APairTheDefaultsRefuse_IsRefusedNamingAnOptionTheCommandTakes_WhichThenReadsIt(string problem, string option, string value, string expected)
    {
        // Given: a-1's train file with an empty v0 on line 51 and its test file with a NaN on line 102; or both files with a text column, status
        WritePair("pairs", "a-1");
        foreach (var (file, line) in new[] { ("pairs/a-1.train.csv", 50), ("pairs/a-1.test.csv", 101) })
        {
            var lines = File.ReadAllLines(dir.File(file));
            File.WriteAllLines(dir.File(file), problem == "gap"
                ? lines.Select((l, i) => i == line ? string.Join(',', l.Split(',').Select((f, k) => k == 1 ? (file.Contains("test", StringComparison.Ordinal) ? "NaN" : "") : f)) : l)
                : lines.Select((l, i) => l + (i == 0 ? ",status" : ",ok")));
        }

        // When
        var (refusedExit, refusedText) = await CliRunner.RunAsync("benchmark", "series", "--data", dir.File("pairs"), "--models", "range", "--out", dir.File("refused"));
        var (exit, text) = await CliRunner.RunAsync("benchmark", "series", "--data", dir.File("pairs"), "--models", "range", option, value, "--out", dir.File("out"));

        // Then: the advice names an option the command takes (it named --missing and --columns, which benchmark series did not have), and with it the pair is read
        Assert.Equal(1, refusedExit);
        Assert.Contains(expected, CliRunner.Collapse(refusedText));
        Assert.False(Directory.Exists(dir.File("refused")));
        Assert.True(exit == 0, text);
        if (problem == "gap")
        {
            Assert.Contains("Missing values: 2 filled, 0 rows dropped (--missing interpolate), in 1 of the pairs.", CliRunner.Collapse(text));
        }

        using var summary = JsonDocument.Parse(File.ReadAllText(dir.File("out/summary.json")));
        Assert.Equal(1.0, summary.RootElement.GetProperty("models").GetProperty("range").GetProperty("event_recall").GetDouble());
    }

    [Fact]
    public async Task BenchmarkSeries_NoTestFileWithAnomalies_ReportsTheFalseAlarmsAndNoRankingFigure()
    {
        // Given: a folder of normal test files only, as a user checking a detector's false alarms has
        WritePair("pairs", "a-1");
        Relabel("pairs/a-1.test.csv", "0");

        // When
        var (exit, text) = await CliRunner.RunAsync("benchmark", "series", "--data", dir.File("pairs"), "--models", "range", "--target-columns", "v0", "--out", dir.File("out"));

        // Then
        Assert.True(exit == 0, text);
        using var summary = JsonDocument.Parse(File.ReadAllText(dir.File("out/summary.json")));
        var range = summary.RootElement.GetProperty("models").GetProperty("range");
        Assert.Equal(0, range.GetProperty("files_with_anomalies").GetInt32());
        Assert.Equal(JsonValueKind.Null, range.GetProperty("mean_auc_pr").ValueKind);
        Assert.InRange(range.GetProperty("mean_flagged_normal").GetDouble(), 0.01, 1); // the unlabelled jump
        Assert.Equal(JsonValueKind.Null, summary.RootElement.GetProperty("random").ValueKind);
        Assert.Contains("random score │ 0 │ – │ – │", System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " "));
    }

    [Theory]
    [InlineData("missing-test", "is missing: a-1 has a train file but no test file")]
    [InlineData("no-label", "a-1.test.csv:1: column 'anomaly': is not in the header")]
    [InlineData("other-columns", "its train file a-1.train.csv has [v0,c1]")]
    [InlineData("unknown-target", "has no column 'v9' named by --target-columns")]
    [InlineData("all-anomalous", "a-1.test.csv: column 'anomaly': labels every row 1 (anomalous); measuring scores against labels needs normal (0) rows")]
    [InlineData("two-trains", "a-1.train.csv: is one of 2 train files of a-1 (a-1.train.csv, a-1.train.csv.gz); keep one")]
    [InlineData("short-train", "a-1.train.csv: pca cannot use it: Sequence 'train' has 24 steps; the pca reads windows of 32 steps: choose a smaller --window")]
    [InlineData("short-test", "a-1.test.csv: pca cannot use it: The series has 24 steps; the pca reads windows of 32.")]
    public async Task BenchmarkSeries_BadFolder_RefusedNamingTheFileAndWritesNothing(string problem, string expected)
    {
        // Given: a short train file (30 rows) fits on its first 24; a short test file (24 rows) is shorter than one window
        WritePair("pairs", "a-1", label: problem != "no-label", trainRows: problem == "short-train" ? 30 : 300, testRows: problem == "short-test" ? 24 : 400);
        if (problem == "all-anomalous")
        {
            Relabel("pairs/a-1.test.csv", "1");
        }
        else if (problem == "two-trains")
        {
            File.Copy(dir.File("pairs/a-1.train.csv"), dir.File("pairs/a-1.train.csv.gz"));
        }
        else if (problem == "missing-test")
        {
            File.Delete(dir.File("pairs/a-1.test.csv"));
        }
        else if (problem == "other-columns")
        {
            var test = File.ReadAllLines(dir.File("pairs/a-1.test.csv"));
            test[0] = test[0].Replace("c1", "c2", StringComparison.Ordinal);
            File.WriteAllLines(dir.File("pairs/a-1.test.csv"), test);
        }

        // When
        var (exit, text) = await CliRunner.RunAsync("benchmark", "series", "--data", dir.File("pairs"), "--models", problem.StartsWith("short", StringComparison.Ordinal) ? "pca" : "range",
            "--target-columns", problem == "unknown-target" ? "v9" : "v0", "--out", dir.File("out"));

        // Then
        Assert.Equal(1, exit);
        Assert.Contains(string.Concat(expected.Where(c => !char.IsWhiteSpace(c))), string.Concat(text.Where(c => !char.IsWhiteSpace(c)))); // the console wraps long lines
        Assert.Contains("a-1", text);
        Assert.False(Directory.Exists(dir.File("out")));
    }
}
