using System.Text.Json;

namespace VaeAnomaly.Cli.Tests.Commands;

/// <summary>generate, train, score and evaluate chained as a user would.</summary>
[Collection(TorchCollection.Name)]
public sealed class WorkflowCommandTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private async Task<string> TrainedBundle()
    {
        var data = dir.File("data");
        var (exit, text) = await CliRunner.RunAsync("generate", "synthetic", "--out", data, "--train", "60", "--val", "60", "--test", "40", "--channels", "3", "--min-length", "20", "--max-length", "40", "--seed", "4");
        Assert.True(exit == 0, text);
        (exit, text) = await CliRunner.RunAsync("train", "--data", data, "--out", dir.File("bundle"), "--epochs", "2", "--batch-size", "16", "--threshold", "pot");
        Assert.True(exit == 0, text);
        return dir.File("bundle");
    }

    [Fact]
    public async Task Score_Top_WithWatchedColumns_SharesTheErrorAmongThemOnly()
    {
        // Given: three channels, two of them watched
        var data = dir.File("data");
        var (exit, text) = await CliRunner.RunAsync("generate", "synthetic", "--out", data, "--train", "60", "--val", "60", "--test", "40", "--channels", "3", "--min-length", "20", "--max-length", "40", "--seed", "4");
        Assert.True(exit == 0, text);
        (exit, text) = await CliRunner.RunAsync("train", "--data", data, "--out", dir.File("bundle"), "--epochs", "2", "--batch-size", "16", "--target-columns", "ch0,ch2");
        Assert.True(exit == 0, text);

        // When
        var (scoreExit, scoreText) = await CliRunner.RunAsync("score", "--bundle", dir.File("bundle"), "--data", dir.File("data/test.csv"), "--out", dir.File("scores.csv"), "--top", "5");

        // Then: every row of the table names ch0 and ch2 only; ch1 is an input, not part of the score it explains
        Assert.True(scoreExit == 0, scoreText);
        var rows = scoreText.Split('\n').Where(l => l.Contains(" % ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(5, rows.Length);
        Assert.All(rows, r => Assert.Contains("ch0", r, StringComparison.Ordinal));
        Assert.All(rows, r => Assert.Contains("ch2", r, StringComparison.Ordinal));
        Assert.All(rows, r => Assert.DoesNotContain("ch1", r, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TrainScoreEvaluate_SmallData_WritesBundleScoresAndReport()
    {
        // Given
        var bundle = await TrainedBundle();

        // When
        var (scoreExit, scoreText) = await CliRunner.RunAsync("score", "--bundle", bundle, "--data", dir.File("data/test.csv"), "--out", dir.File("scores.csv"), "--top", "3");
        var (evalExit, evalText) = await CliRunner.RunAsync("evaluate", "--model", bundle, "--data", dir.File("data"), "--out", dir.File("eval")); // --model: the earlier name, kept

        // Then: the bundle
        Assert.Equal([".vae-anomaly-output", "history.csv", "model.json", "model.weights"], Directory.GetFiles(bundle).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(bundle, "model.json")));
        Assert.Equal("pot", manifest.RootElement.GetProperty("default_threshold").GetString());
        Assert.Equal(60, manifest.RootElement.GetProperty("training_data").GetProperty("train_sequences").GetInt32());

        // the scores: one row per sequence with every score, the threshold and the flag
        Assert.True(scoreExit == 0, scoreText);
        var rows = File.ReadAllLines(dir.File("scores.csv"));
        Assert.Equal("sequence_id,label,anomaly_type,reconstruction,kl,combined,mahalanobis,elbo,nll-is,threshold,flag", rows[0]); // test_labels.csv lies beside test.csv
        Assert.Equal(40, rows.Length - 1);
        Assert.All(rows.Skip(1), r => Assert.Contains(r.Split(',')[10], new[] { "0", "1" }));
        Assert.Contains("top 3 by combined score", scoreText);

        // the evaluation
        Assert.True(evalExit == 0, evalText);
        using var metrics = JsonDocument.Parse(File.ReadAllText(dir.File("eval/metrics.json")));
        var combined = metrics.RootElement.GetProperty("combined");
        Assert.Equal("pot", combined.GetProperty("threshold").GetProperty("rule").GetString()); // the bundle's rule when --threshold is not given
        var confusion = combined.GetProperty("threshold").GetProperty("confusion");
        Assert.Equal(40, new[] { "tp", "fp", "tn", "fn" }.Sum(k => confusion.GetProperty(k).GetInt32()));
        Assert.Equal(0.1, metrics.RootElement.GetProperty("random").GetProperty("auc_pr").GetDouble(), 9);
        var html = File.ReadAllText(dir.File("eval/report.html"));
        Assert.Contains("data:image/png;base64,", html);
        Assert.DoesNotContain("src=\"http", html);
        Assert.DoesNotContain("src=\"sequence", html);
        foreach (var png in new[] { "loss.png", "histogram.png", "pr.png", "roc.png", "confusion.png", "latent.png", "sequence-1.png" })
        {
            Assert.True(new FileInfo(dir.File($"eval/{png}")).Length > 1000, png);
        }
    }

    [Fact]
    public async Task TrainAndScore_SameSeedTwice_WriteByteIdenticalScores()
    {
        // Given: a second bundle trained with the same seed into another folder.
        var first = await TrainedBundle();
        var (exit, text) = await CliRunner.RunAsync("train", "--data", dir.File("data"), "--out", dir.File("bundle2"), "--epochs", "2", "--batch-size", "16", "--threshold", "pot");
        Assert.True(exit == 0, text);

        // When
        await CliRunner.RunAsync("score", "--model", first, "--data", dir.File("data/test.csv"), "--out", dir.File("a.csv"));
        await CliRunner.RunAsync("score", "--model", dir.File("bundle2"), "--data", dir.File("data/test.csv"), "--out", dir.File("b.csv"));

        // Then
        Assert.Equal(File.ReadAllBytes(dir.File("a.csv")), File.ReadAllBytes(dir.File("b.csv")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(first, "model.weights")), File.ReadAllBytes(dir.File("bundle2/model.weights")));
    }

    [Fact]
    public async Task Train_OutputInsideTheDataFolder_IsRefusedBeforeWork()
    {
        var data = dir.File("data");
        await CliRunner.RunAsync("generate", "synthetic", "--out", data, "--train", "10", "--val", "10", "--test", "10", "--channels", "2");

        var (exit, text) = await CliRunner.RunAsync("train", "--data", data, "--out", Path.Combine(data, "bundle"));

        Assert.Equal(1, exit);
        Assert.Contains("inside the input folder", text);
        Assert.False(Directory.Exists(Path.Combine(data, "bundle")));
    }

    [Fact]
    public async Task Train_ExistingBundle_RefusedWithoutForceAndKept()
    {
        var bundle = await TrainedBundle();
        var before = File.ReadAllBytes(Path.Combine(bundle, "model.weights"));

        var (exit, text) = await CliRunner.RunAsync("train", "--data", dir.File("data"), "--out", bundle, "--epochs", "1");

        Assert.Equal(1, exit);
        Assert.Contains("--force", text);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(bundle, "model.weights")));
    }

    [Fact]
    public async Task Score_ExistingOutput_RefusedWithoutForceThenReplacedWithItOnlyWhenItIsAScoresFile()
    {
        var bundle = await TrainedBundle();
        File.Copy(dir.File("data/test.csv"), dir.File("unlabelled.csv"));
        string[] Score(string output, bool force) =>
            ["score", "--model", bundle, "--data", dir.File("unlabelled.csv"), "--out", output, .. force ? new[] { "--force" } : []];

        // A file of the user's: refused, with --force too, and left as it was.
        File.WriteAllText(dir.File("mine.csv"), "mine");
        Assert.Equal(1, (await CliRunner.RunAsync(Score(dir.File("mine.csv"), force: false))).ExitCode);
        var (forcedMine, mineText) = await CliRunner.RunAsync(Score(dir.File("mine.csv"), force: true));
        Assert.Equal(1, forcedMine);
        Assert.Contains("was not written by vae-anomaly", mineText);
        Assert.Equal("mine", File.ReadAllText(dir.File("mine.csv")));

        // An earlier scores file: refused without --force, replaced with it.
        var (first, firstText) = await CliRunner.RunAsync(Score(dir.File("scores.csv"), force: false));
        Assert.True(first == 0, firstText);
        File.AppendAllText(dir.File("scores.csv"), "stale row\n");
        Assert.Equal(1, (await CliRunner.RunAsync(Score(dir.File("scores.csv"), force: false))).ExitCode);
        Assert.EndsWith("stale row\n", File.ReadAllText(dir.File("scores.csv")));
        var (forced, text) = await CliRunner.RunAsync(Score(dir.File("scores.csv"), force: true));
        Assert.True(forced == 0, text);
        Assert.StartsWith("sequence_id,reconstruction,kl,combined,mahalanobis,elbo,nll-is,threshold,flag", File.ReadAllText(dir.File("scores.csv")));
        Assert.DoesNotContain("stale row", File.ReadAllText(dir.File("scores.csv")));
    }

    [Fact]
    public async Task Score_SequencesWithGaps_RefusedByDefaultThenFilledWithMissingInterpolate()
    {
        // Given: the test file with one value blanked out (line 5, the third channel).
        var bundle = await TrainedBundle();
        var lines = File.ReadAllLines(dir.File("data/test.csv"));
        var cells = lines[4].Split(',');
        cells[^1] = "";
        lines[4] = string.Join(',', cells);
        File.WriteAllLines(dir.File("gappy.csv"), lines);

        // When
        var (refused, refusedText) = await CliRunner.RunAsync("score", "--model", bundle, "--data", dir.File("gappy.csv"), "--out", dir.File("s.csv"));
        var (filled, filledText) = await CliRunner.RunAsync("score", "--model", bundle, "--data", dir.File("gappy.csv"), "--out", dir.File("s.csv"), "--missing", "interpolate");

        // Then
        Assert.Equal(1, refused);
        Assert.Contains("gappy.csv:5: column 'ch2': found ''; expected a finite number (use --missing interpolate, ffill or drop", refusedText);
        Assert.True(filled == 0, filledText);
        Assert.Contains("Missing values: 1 filled, 0 rows dropped.", filledText);
        Assert.Equal(41, File.ReadAllLines(dir.File("s.csv")).Length);
    }

    [Fact]
    public async Task Score_BundleMissing_FailsWithClearMessage()
    {
        var (exit, text) = await CliRunner.RunAsync("score", "--model", dir.File("nothing"), "--data", dir.File("x.csv"), "--out", dir.File("s.csv"));

        Assert.Equal(1, exit);
        Assert.Contains("does not exist", text);
        Assert.False(File.Exists(dir.File("s.csv")));
    }
}
