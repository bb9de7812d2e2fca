using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Cli.Tests.Commands;

/// <summary><c>calibrate</c>: a bundle's thresholds fitted anew on other normal data, the model unchanged, written as a new bundle.</summary>
[Collection(TorchCollection.Name)]
public sealed class CalibrateCommandTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static string Flat(string text) => Regex.Replace(text, @"\s+", " ");

    /// <summary>Two waves with a little noise, <paramref name="rows"/> rows; from row <paramref name="shiftFrom"/> on, a is 0.6 higher.</summary>
    private string Waves(string name, int rows, int shiftFrom = int.MaxValue)
    {
        var rng = new Random(3);
        var csv = new StringBuilder("t,a,b\n");
        for (var t = 0; t < rows; t++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{t},{Math.Sin(t / 10.0) + (t >= shiftFrom ? 0.6 : 0) + (0.05 * rng.NextDouble()):0.#####},{Math.Cos(t / 7.0) + (0.05 * rng.NextDouble()):0.#####}\n");
        }

        File.WriteAllText(dir.File(name), csv.ToString());
        return dir.File(name);
    }

    /// <summary>The header and lines <paramref name="from"/>..<paramref name="to"/> (0-based data rows, end excluded) of a CSV file, as written.</summary>
    private string Rows(string source, string name, int from, int to)
    {
        var lines = File.ReadAllLines(source);
        File.WriteAllLines(dir.File(name), [lines[0], .. lines[(from + 1)..(to + 1)]]);
        return dir.File(name);
    }

    [Theory]
    [InlineData("range", new string[0])]
    [InlineData("pca", new string[0])]
    [InlineData("knn", new string[0])]
    [InlineData("conv-ae", new[] { "--epochs", "1", "--window", "16" })]
    [InlineData("gru-vae", new[] { "--epochs", "1", "--window", "16" })]
    public async Task Calibrate_OnTheSeriesOwnValidationRows_GivesBackEveryThresholdItWasTrainedWith(string model, string[] settings)
    {
        // Given: 400 rows, the last 30% validating (rows 280-399), and those rows alone in a file as written
        var series = Waves("series.csv", 400);
        var (exit, text) = await CliRunner.RunAsync(["train", "--model", model, "--data", series, "--split", "70/30/0", "--out", dir.File("bundle"), .. settings]);
        Assert.True(exit == 0, text);
        var validation = Rows(series, "validation.csv", 280, 400);

        // When
        var (calibrateExit, calibrateText) = await CliRunner.RunAsync("calibrate", "--bundle", dir.File("bundle"), "--data", validation, "--out", dir.File("calibrated"));

        // Then: the same scores of the same rows, so the same thresholds, by every rule, of every score; a record of the data
        Assert.True(calibrateExit == 0, calibrateText);
        using var trained = DetectorRegistry.Load(dir.File("bundle"));
        using var calibrated = DetectorRegistry.Load(dir.File("calibrated"));
        Assert.NotEmpty(trained.Thresholds.ByScore);
        Assert.Equal(trained.Thresholds.ByScore.Keys, calibrated.Thresholds.ByScore.Keys);
        foreach (var (score, byRule) in trained.Thresholds.ByScore)
        {
            Assert.Equal(byRule.Keys, calibrated.Thresholds.Of(score).Keys);
            Assert.All(byRule, kv => Assert.Equal(kv.Value, calibrated.Thresholds.Of(score)[kv.Key], 1e-9 * Math.Max(1, Math.Abs(kv.Value))));
        }

        Assert.Null(trained.TrainingData.Calibration);
        Assert.Equal((1, 120L, validation), (calibrated.TrainingData.Calibration!.Sequences, calibrated.TrainingData.Calibration.Steps, calibrated.TrainingData.Calibration.Source));
        Assert.Equal(trained.TrainingData with { Calibration = null }, calibrated.TrainingData with { Calibration = null });
    }

    [Theory]
    [InlineData("pca")]
    [InlineData("knn")]
    public async Task Calibrate_OnTwoFilesValidationRows_GivesBackTheThresholdsOfAModelTrainedOnBothFiles(string model)
    {
        // Given: a model trained on two files, each split 70/30 on its own; each file's validation rows in a file of their own
        var first = Waves("day1.csv", 300);
        var second = Waves("day2.csv", 200, shiftFrom: 0);
        var (exit, text) = await CliRunner.RunAsync("train", "--model", model, "--data", first, second, "--split", "70/30/0", "--out", dir.File("bundle"));
        Assert.True(exit == 0, text);
        var (one, two) = (Rows(first, "v1.csv", 210, 300), Rows(second, "v2.csv", 140, 200));

        // When
        var (calibrateExit, calibrateText) = await CliRunner.RunAsync("calibrate", "--bundle", dir.File("bundle"), "--data", one, two, "--out", dir.File("calibrated"));
        Directory.CreateDirectory(dir.File("folder"));
        var (mixedExit, mixedText) = await CliRunner.RunAsync("calibrate", "--bundle", dir.File("bundle"), "--data", one, dir.File("folder"), "--out", dir.File("c2"));

        // Then: each file's windows stay within it, as in training, so every threshold comes back
        Assert.True(calibrateExit == 0, calibrateText);
        Assert.Contains("Of these 150 rows", Flat(calibrateText), StringComparison.Ordinal);
        using var trained = DetectorRegistry.Load(dir.File("bundle"));
        using var calibrated = DetectorRegistry.Load(dir.File("calibrated"));
        foreach (var (score, byRule) in trained.Thresholds.ByScore)
        {
            Assert.All(byRule, kv => Assert.Equal(kv.Value, calibrated.Thresholds.Of(score)[kv.Key], 1e-9 * Math.Max(1, Math.Abs(kv.Value))));
        }

        Assert.Equal((2, 150L, $"{one}, {two}"), (calibrated.TrainingData.Calibration!.Sequences, calibrated.TrainingData.Calibration.Steps, calibrated.TrainingData.Calibration.Source));
        Assert.Equal(1, mixedExit);
        Assert.Contains($"'{dir.File("folder")}' is a folder", Flat(mixedText), StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.File("c2")));
    }

    [Theory]
    [InlineData("gaussian", new[] { "--window", "20" }, 20)]
    [InlineData("seasonal", new[] { "--window", "20", "--period", "63" }, (3 * 63) + 20)]
    public async Task Calibrate_ADetectorThatStartsFromItsTrainingRows_LeavesOutTheRowsItWouldJudgeAgainstThem(string model, string[] settings, int leftOut)
    {
        // Given: a model of two waves at their trained level, and later normal rows with a 5 higher: a row is judged by
        // the rows before it, and the first rows of the later file would be judged against the training rows, 5 lower
        var series = Waves("series.csv", 800);
        var (exit, text) = await CliRunner.RunAsync(["train", "--model", model, "--data", series, "--split", "70/30/0", "--out", dir.File("bundle"), .. settings]);
        Assert.True(exit == 0, text);
        var later = dir.File("later.csv");
        File.WriteAllLines(later, ["t,a,b", .. File.ReadAllLines(series).Skip(201).Select(l => l.Split(',')).Select(r =>
            string.Create(CultureInfo.InvariantCulture, $"{r[0]},{double.Parse(r[1], CultureInfo.InvariantCulture) + 5:0.#####},{r[2]}"))]);

        // When
        var (calibrateExit, calibrateText) = await CliRunner.RunAsync("calibrate", "--bundle", dir.File("bundle"), "--data", later, "--out", dir.File("calibrated"));
        var (shortExit, shortText) = await CliRunner.RunAsync("calibrate", "--bundle", dir.File("bundle"), "--data", Rows(later, "short.csv", 0, leftOut), "--out", dir.File("short"));

        // Then: the thresholds are those of the scores of the rows after the first ones, every rule; with the first rows
        // in, their deviations from rows that did not come before them would have raised the 0.99 quantile
        Assert.True(calibrateExit == 0, calibrateText);
        Assert.Contains($"Left out the first {leftOut} rows of each file", Flat(calibrateText), StringComparison.Ordinal);
        using var trained = DetectorRegistry.Load(dir.File("bundle"));
        using var calibrated = DetectorRegistry.Load(dir.File("calibrated"));
        var rows = File.ReadAllLines(later).Skip(1).Select(l => l.Split(',')).ToArray();
        var set = new VaeAnomaly.Data.SequenceSet(["a", "b"], [new VaeAnomaly.Data.Sequence("later", [.. rows.SelectMany(r => new[] { float.Parse(r[1], CultureInfo.InvariantCulture), float.Parse(r[2], CultureInfo.InvariantCulture) })])]);
        var all = ((IScoresPoints)trained).ScorePoints(set, new VaeAnomaly.Scoring.PointScoreRequest()).Scores;
        float[] kept = [.. all.Skip(leftOut)];
        var expected = VaeAnomaly.Thresholds.ThresholdSet.Fit([new("score", [kept.Max()]), new("step", kept)], "quantile", "score").AtLeast(2.5758293035489004);
        Assert.Equal(expected.Value("step", "quantile"), calibrated.Thresholds.Value("step", "quantile"), 9);
        Assert.Equal(expected.Value("step", "mean-std"), calibrated.Thresholds.Value("step", "mean-std"), 9);
        var withThem = VaeAnomaly.Thresholds.ThresholdSet.Fit([new("score", [all.Max()]), new("step", all)], "quantile", "score");
        Assert.True(withThem.Value("step", "quantile") > calibrated.Thresholds.Value("step", "quantile"), $"with the first rows {withThem.Value("step", "quantile")}, without {calibrated.Thresholds.Value("step", "quantile")}");
        Assert.Equal(1, shortExit);
        Assert.Contains($"would judge the first {leftOut} rows of each series here against its training rows", Flat(shortText), StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.File("short")));
    }

    [Theory]
    [InlineData("gru-vae", new[] { "--config", "seed", "--epochs", "1" })]
    [InlineData("gru-vae", new[] { "--epochs", "1" })]
    [InlineData("dense-vae", new[] { "--epochs", "1" })]
    public async Task Calibrate_SequencesOnTheirOwnValidationFile_GivesBackEveryThresholdTheyWereTrainedWith(string model, string[] settings)
    {
        // Given: generated sequences (train.csv and val.csv, normal)
        var data = dir.File("syn");
        var (generated, generateText) = await CliRunner.RunAsync("generate", "synthetic", "--out", data, "--train", "40", "--val", "20", "--test", "10", "--channels", "2", "--min-length", "40", "--max-length", "50", "--seed", "2");
        Assert.True(generated == 0, generateText);
        var (exit, text) = await CliRunner.RunAsync(["train", "--model", model, "--data", data, "--out", dir.File("bundle"), .. settings]);
        Assert.True(exit == 0, text);

        // When
        var (calibrateExit, calibrateText) = await CliRunner.RunAsync("calibrate", "--bundle", dir.File("bundle"), "--data", Path.Combine(data, "val.csv"), "--out", dir.File("calibrated"));

        // Then
        Assert.True(calibrateExit == 0, calibrateText);
        using var trained = DetectorRegistry.Load(dir.File("bundle"));
        using var calibrated = DetectorRegistry.Load(dir.File("calibrated"));
        Assert.Equal(trained.Thresholds.ByScore.Keys, calibrated.Thresholds.ByScore.Keys);
        foreach (var (score, byRule) in trained.Thresholds.ByScore)
        {
            Assert.All(byRule, kv => Assert.Equal(kv.Value, calibrated.Thresholds.Of(score)[kv.Key], 1e-9 * Math.Max(1, Math.Abs(kv.Value))));
        }

        Assert.Equal(20, calibrated.TrainingData.Calibration!.Sequences);
    }

    [Fact]
    public async Task Calibrate_OnRecentRowsAfterADrift_FlagsAboutTheRulesShareOfThem_WhereTheTrainedThresholdFlaggedMany_AndLeavesTheBundleAsItWas()
    {
        // Given: pca trained on rows 0-599; a is 0.6 higher from row 600 on; rows 600-899 to calibrate on, 900-1199 later
        var series = Waves("series.csv", 1200, shiftFrom: 600);
        var (exit, text) = await CliRunner.RunAsync("train", "--model", "pca", "--data", series, "--train-rows", "600", "--split", "70/30/0", "--out", dir.File("bundle"));
        Assert.True(exit == 0, text);
        var recent = Rows(series, "recent.csv", 600, 900);
        var later = Rows(series, "later.csv", 900, 1200);
        var files = Directory.EnumerateFiles(dir.File("bundle")).ToDictionary(f => f, File.ReadAllBytes);

        // When
        var (calibrateExit, calibrateText) = await CliRunner.RunAsync("calibrate", "--bundle", dir.File("bundle"), "--data", recent, "--out", dir.File("calibrated"));
        var (_, before) = await CliRunner.RunAsync("score", "--bundle", dir.File("bundle"), "--data", later, "--out", dir.File("before.csv"));
        var (_, after) = await CliRunner.RunAsync("score", "--bundle", dir.File("calibrated"), "--data", later, "--out", dir.File("after.csv"));
        var (_, inspected) = await CliRunner.RunAsync("inspect", "--bundle", dir.File("calibrated"));

        // Then: the trained threshold flagged most of the recent rows, as it does of the later ones; the one fitted on
        // the recent rows flags a few (the rule leaves 1% of the step errors of the windows above it; a row's score is
        // the mean of its windows' errors)
        Assert.True(calibrateExit == 0, calibrateText);
        var line = Regex.Match(Flat(calibrateText), @"Of these 300 rows, the bundle's quantile threshold of the step score, [0-9.e+-]+, flagged ([0-9,]+) \([0-9.]+%\); the new one, [0-9.e+-]+, flags ([0-9,]+) \([0-9.]+%\)\.");
        Assert.True(line.Success, calibrateText);
        Assert.True(int.Parse(line.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) > 150, calibrateText);
        Assert.True(int.Parse(line.Groups[2].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) < 9, calibrateText);
        int Flagged(string scores) => File.ReadAllLines(scores).Skip(1).Count(l => l.EndsWith(",1", StringComparison.Ordinal));
        Assert.True(Flagged(dir.File("before.csv")) > 150, before);
        Assert.True(Flagged(dir.File("after.csv")) < 10, after);
        Assert.Contains("calibrated thresholds fitted anew after training (vae-anomaly calibrate) on " + recent, Flat(inspected), StringComparison.Ordinal);
        Assert.All(files, kv => Assert.Equal(kv.Value, File.ReadAllBytes(kv.Key)));
        Assert.Equal(files.Keys.Order(StringComparer.Ordinal), Directory.EnumerateFiles(dir.File("bundle")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Calibrate_Records_LeavesOutTheRecordsLabelledAnomalous_AndFitsOnTheRest()
    {
        // Given: records of two related numbers and a colour; a dense VAE of records
        var rng = new Random(5);
        var normal = new StringBuilder("x,y,colour\n");
        for (var i = 0; i < 300; i++)
        {
            var x = rng.NextDouble() * 10;
            normal.Append(CultureInfo.InvariantCulture, $"{x:0.###},{(2 * x) + rng.NextDouble():0.###},{(i % 3 == 0 ? "red" : "blue")}\n");
        }

        File.WriteAllText(dir.File("normal.csv"), normal.ToString());
        var (exit, text) = await CliRunner.RunAsync("train", "--records", "--model", "pca", "--data", dir.File("normal.csv"), "--out", dir.File("bundle"));
        Assert.True(exit == 0, text);
        var labelled = new StringBuilder("x,y,colour,label\n");
        for (var i = 0; i < 100; i++)
        {
            var x = rng.NextDouble() * 10;
            labelled.Append(i < 90
                ? string.Create(CultureInfo.InvariantCulture, $"{x:0.###},{(2 * x) + rng.NextDouble():0.###},blue,0\n")
                : string.Create(CultureInfo.InvariantCulture, $"{x:0.###},{(-2 * x) + 40:0.###},red,1\n"));
        }

        File.WriteAllText(dir.File("recent.csv"), labelled.ToString());

        // When
        var (calibrateExit, calibrateText) = await CliRunner.RunAsync("calibrate", "--bundle", dir.File("bundle"), "--data", dir.File("recent.csv"), "--label-column", "label", "--out", dir.File("calibrated"));

        // Then
        Assert.True(calibrateExit == 0, calibrateText);
        Assert.Contains("Left out the 10 records labelled anomalous; the thresholds are fitted on the 90 labelled normal.", Flat(calibrateText), StringComparison.Ordinal);
        using var calibrated = DetectorRegistry.Load(dir.File("calibrated"));
        Assert.Equal(90, calibrated.TrainingData.Calibration!.Sequences);
        var (evaluateExit, evaluateText) = await CliRunner.RunAsync("evaluate", "--bundle", dir.File("calibrated"), "--data", dir.File("recent.csv"), "--label-column", "label", "--out", dir.File("eval"));
        Assert.True(evaluateExit == 0, evaluateText);
        Assert.Contains($"fitted on normal data only, of {dir.File("recent.csv")} (vae-anomaly calibrate)", File.ReadAllText(dir.File("eval/report.html")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calibrate_DataItCannotTakeOrAnOutputThatExists_IsRefusedNamingWhy_AndWritesNothing()
    {
        // Given
        var series = Waves("series.csv", 300);
        var (exit, text) = await CliRunner.RunAsync("train", "--model", "range", "--data", series, "--out", dir.File("bundle"));
        Assert.True(exit == 0, text);
        File.WriteAllText(dir.File("other.csv"), "t,a,c\n0,1,2\n1,1,2\n");
        File.WriteAllText(dir.File("labelled.csv"), "t,a,b,anomaly\n0,1,2,0\n1,1,2,1\n");
        Directory.CreateDirectory(dir.File("taken"));
        File.WriteAllText(dir.File("taken/mine.txt"), "mine");

        // When
        var columns = await CliRunner.RunAsync("calibrate", "--bundle", dir.File("bundle"), "--data", dir.File("other.csv"), "--out", dir.File("c1"));
        var labels = await CliRunner.RunAsync("calibrate", "--bundle", dir.File("bundle"), "--data", dir.File("labelled.csv"), "--label-column", "anomaly", "--out", dir.File("c2"));
        var taken = await CliRunner.RunAsync("calibrate", "--bundle", dir.File("bundle"), "--data", series, "--out", dir.File("taken"), "--force");
        var itself = await CliRunner.RunAsync("calibrate", "--bundle", dir.File("bundle"), "--data", series, "--out", dir.File("bundle"), "--force");
        var rule = await CliRunner.RunAsync("calibrate", "--bundle", dir.File("bundle"), "--data", series, "--out", dir.File("c3"), "--threshold", "2.5");
        var (pcaExit, pcaText) = await CliRunner.RunAsync("train", "--model", "pca", "--data", series, "--out", dir.File("pca"));
        Assert.True(pcaExit == 0, pcaText);
        var shortSeries = Rows(series, "short.csv", 0, 10);
        var tooShort = await CliRunner.RunAsync("calibrate", "--bundle", dir.File("pca"), "--data", shortSeries, "--out", dir.File("c4"));

        // Then
        Assert.Equal(1, columns.ExitCode);
        Assert.Contains("'b'", Flat(columns.Output), StringComparison.Ordinal);
        Assert.Equal(1, labels.ExitCode);
        Assert.Contains("--label-column: calibrate takes series of normal rows", Flat(labels.Output), StringComparison.Ordinal);
        Assert.Equal(1, taken.ExitCode);
        Assert.Equal("mine", File.ReadAllText(dir.File("taken/mine.txt")));
        Assert.Equal(1, itself.ExitCode);
        Assert.Equal(1, rule.ExitCode);
        Assert.Contains("--threshold is '2.5'; calibrate fits a rule", Flat(rule.Output), StringComparison.Ordinal);
        Assert.Equal(1, tooShort.ExitCode);
        Assert.Contains($"{shortSeries}: has 10 data rows; the pca scores series of at least 32 rows", Flat(tooShort.Output), StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.File("c1")) || Directory.Exists(dir.File("c2")) || Directory.Exists(dir.File("c3")) || Directory.Exists(dir.File("c4")));
        using var bundle = DetectorRegistry.Load(dir.File("bundle"));
        Assert.Null(bundle.TrainingData.Calibration);
    }
}
