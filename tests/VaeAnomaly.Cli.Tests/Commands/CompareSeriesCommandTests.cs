using System.Globalization;
using System.Text.Json;

namespace VaeAnomaly.Cli.Tests.Commands;

/// <summary><c>compare series</c>: the models side by side on one normal series and one labelled series of the user's.</summary>
[Collection(TorchCollection.Name)]
public sealed class CompareSeriesCommandTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>t, a watched sine v0 and an input c1; with <paramref name="test"/> its rows 200-219 jump by 4 on v0 and are labelled in <c>anomaly</c>.</summary>
    private string Write(string file, int rows, bool test, bool label = true, string input = "c1")
    {
        bool Anomalous(int t) => test && t >= 200 && t < 220;
        File.WriteAllLines(dir.File(file), [
            $"t,v0,{input}{(test && label ? ",anomaly" : "")}",
            .. Enumerable.Range(0, rows).Select(t => string.Create(CultureInfo.InvariantCulture,
                $"{t},{Math.Sin(t / 5.0) + (Anomalous(t) ? 4 : 0):F4},{(t % 7 == 0 ? 1 : 0)}{(test && label ? $",{(Anomalous(t) ? 1 : 0)}" : "")}")),
        ]);
        return dir.File(file);
    }

    [Theory]
    [InlineData("off", "pump-labelled.csv, causal point scores")]
    [InlineData("on", "pump-labelled.csv, the surprise of a detector that keeps learning")]
    public async Task CompareSeries_ANormalAndALabelledSeries_GivesTheFiguresBenchmarkSeriesGivesThatPair(string online, string title)
    {
        // Given: the pair as two files of the user's, and the same two files as a pair of a benchmark folder
        var (train, test) = (Write("pump-normal.csv", 300, test: false), Write("pump-labelled.csv", 400, test: true));
        Directory.CreateDirectory(dir.File("pairs"));
        File.Copy(train, dir.File("pairs/pump.train.csv"));
        File.Copy(test, dir.File("pairs/pump.test.csv"));

        // When
        var (exit, text) = await CliRunner.RunAsync("compare", "series", "--train", train, "--test", test, "--models", "pca,range,iforest", "--target-columns", "v0", "--online", online, "--out", dir.File("out"));
        var (benchExit, benchText) = await CliRunner.RunAsync("benchmark", "series", "--data", dir.File("pairs"), "--models", "pca,range,iforest", "--target-columns", "v0", "--online", online, "--out", dir.File("bench"));

        // Then: every model's figures are those of the benchmark's pair but the training time; the jump is found (frozen, or
        // keeping learning as it streams)
        Assert.True(exit == 0, text);
        Assert.True(benchExit == 0, benchText);
        Assert.Contains(title, CliRunner.Collapse(text));
        Assert.Contains("Read 1 pair;", text);
        using var mine = JsonDocument.Parse(File.ReadAllText(dir.File("out/summary.json")));
        using var theirs = JsonDocument.Parse(File.ReadAllText(dir.File("bench/summary.json")));
        foreach (var model in new[] { "pca", "range", "iforest" })
        {
            var (a, b) = (mine.RootElement.GetProperty("models").GetProperty(model), theirs.RootElement.GetProperty("models").GetProperty(model));
            foreach (var key in new[] { "files", "mean_auc_pr", "mean_auc_roc", "mean_f1_at_threshold", "mean_best_f1", "event_recall", "event_precision", "mean_flagged_normal", "false_events" })
            {
                Assert.Equal(b.GetProperty(key).GetRawText(), a.GetProperty(key).GetRawText());
            }

            Assert.Equal(1.0, a.GetProperty("event_recall").GetDouble());
        }

        Assert.Equal(theirs.RootElement.GetProperty("random").GetRawText(), mine.RootElement.GetProperty("random").GetRawText());
        Assert.Equal(4, File.ReadAllLines(dir.File("out/files.csv")).Length);
    }

    [Fact]
    public async Task CompareSeries_OneLabelledSeriesCutAtTrainRows_GivesTheFiguresOfItsTwoPartsAsTwoFiles()
    {
        // Given: one labelled series of 700 rows, its jump at rows 500-519; and its first 300 rows and its last 400 as two files
        bool Anomalous(int t) => t >= 500 && t < 520;
        string Row(int t, bool label) => string.Create(CultureInfo.InvariantCulture, $"{t},{Math.Sin(t / 5.0) + (Anomalous(t) ? 4 : 0):F4},{(t % 7 == 0 ? 1 : 0)}{(label ? $",{(Anomalous(t) ? 1 : 0)}" : "")}");
        File.WriteAllLines(dir.File("whole.csv"), ["t,v0,c1,anomaly", .. Enumerable.Range(0, 700).Select(t => Row(t, true))]);
        File.WriteAllLines(dir.File("first.csv"), ["t,v0,c1", .. Enumerable.Range(0, 300).Select(t => Row(t, false))]);
        File.WriteAllLines(dir.File("rest.csv"), ["t,v0,c1,anomaly", .. Enumerable.Range(300, 400).Select(t => Row(t, true))]);

        // When
        var (exit, text) = await CliRunner.RunAsync("compare", "series", "--data", dir.File("whole.csv"), "--train-rows", "300", "--models", "pca,gaussian", "--target-columns", "v0", "--out", dir.File("one"));
        var (twoExit, twoText) = await CliRunner.RunAsync("compare", "series", "--train", dir.File("first.csv"), "--test", dir.File("rest.csv"), "--models", "pca,gaussian", "--target-columns", "v0", "--out", dir.File("two"));

        // Then
        Assert.True(exit == 0, text);
        Assert.True(twoExit == 0, twoText);
        using var one = JsonDocument.Parse(File.ReadAllText(dir.File("one/summary.json")));
        using var two = JsonDocument.Parse(File.ReadAllText(dir.File("two/summary.json")));
        foreach (var model in new[] { "pca", "gaussian" })
        {
            var (a, b) = (one.RootElement.GetProperty("models").GetProperty(model), two.RootElement.GetProperty("models").GetProperty(model));
            foreach (var key in new[] { "mean_auc_pr", "mean_auc_roc", "mean_f1_at_threshold", "mean_best_f1", "event_recall", "mean_flagged_normal", "false_events" })
            {
                Assert.Equal(b.GetProperty(key).GetRawText(), a.GetProperty(key).GetRawText());
            }

            Assert.Equal(1.0, a.GetProperty("event_recall").GetDouble());
        }
    }

    [Theory]
    [InlineData("600", "labels its row 501 (time 500) anomalous, within the first 600 rows that train", "give --train-rows 500 or fewer")]
    [InlineData("700", "has 700 rows; --train-rows 700 leaves none to measure", "give fewer")]
    [InlineData(null, "give --train-rows N with it", "--data names one labelled series")]
    public async Task CompareSeries_OneLabelledSeries_TrainRowsThatHoldAnAnomalyLeaveNothingOrAreMissing_IsRefusedAndWritesNothing(string? rows, string expected, string remedy)
    {
        // Given
        File.WriteAllLines(dir.File("whole.csv"), ["t,v0,anomaly", .. Enumerable.Range(0, 700).Select(t => string.Create(CultureInfo.InvariantCulture, $"{t},{Math.Sin(t / 5.0):F4},{(t is >= 500 and < 520 ? 1 : 0)}"))]);

        // When
        var (exit, text) = await CliRunner.RunAsync(["compare", "series", "--data", dir.File("whole.csv"), .. rows is null ? Array.Empty<string>() : ["--train-rows", rows], "--models", "range", "--out", dir.File("out")]);

        // Then
        Assert.Equal(1, exit);
        Assert.Contains(expected, CliRunner.Collapse(text));
        Assert.Contains(remedy, CliRunner.Collapse(text));
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public async Task CompareSeries_TheSameFileTwice_IsRefusedAndWritesNothing()
    {
        // Given
        var test = Write("labelled.csv", 400, test: true);

        // When
        var (exit, text) = await CliRunner.RunAsync("compare", "series", "--train", test, "--test", test, "--models", "range", "--out", dir.File("out"));

        // Then
        Assert.Equal(1, exit);
        Assert.Contains("--train and --test both name", CliRunner.Collapse(text));
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Theory]
    [InlineData("nolabel", "column 'anomaly': is not in the header [t,v0,c1]")]
    [InlineData("othercolumns", "has the columns [v0,c2]; its train file normal.csv has [v0,c1]")]
    public async Task CompareSeries_ATestFileThatDoesNotFit_IsRefusedNamingItAndWritesNothing(string kind, string expected)
    {
        // Given
        var train = Write("normal.csv", 300, test: false);
        var test = kind == "nolabel" ? Write("labelled.csv", 400, test: true, label: false) : Write("labelled.csv", 400, test: true, input: "c2");

        // When
        var (exit, text) = await CliRunner.RunAsync("compare", "series", "--train", train, "--test", test, "--models", "range", "--out", dir.File("out"));

        // Then
        Assert.Equal(1, exit);
        Assert.Contains("labelled.csv", text);
        Assert.Contains(expected, CliRunner.Collapse(text));
        Assert.False(Directory.Exists(dir.File("out")));
    }
}
