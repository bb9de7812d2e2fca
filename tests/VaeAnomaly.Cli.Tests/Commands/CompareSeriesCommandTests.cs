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

    [Fact]
    public async Task CompareSeries_ANormalAndALabelledSeries_GivesTheFiguresBenchmarkSeriesGivesThatPair()
    {
        // Given: the pair as two files of the user's, and the same two files as a pair of a benchmark folder
        var (train, test) = (Write("pump-normal.csv", 300, test: false), Write("pump-labelled.csv", 400, test: true));
        Directory.CreateDirectory(dir.File("pairs"));
        File.Copy(train, dir.File("pairs/pump.train.csv"));
        File.Copy(test, dir.File("pairs/pump.test.csv"));

        // When
        var (exit, text) = await CliRunner.RunAsync("compare", "series", "--train", train, "--test", test, "--models", "pca,range,iforest", "--target-columns", "v0", "--out", dir.File("out"));
        var (benchExit, benchText) = await CliRunner.RunAsync("benchmark", "series", "--data", dir.File("pairs"), "--models", "pca,range,iforest", "--target-columns", "v0", "--out", dir.File("bench"));

        // Then: every model's figures are those of the benchmark's pair but the training time; the jump is found
        Assert.True(exit == 0, text);
        Assert.True(benchExit == 0, benchText);
        Assert.Contains("pump-labelled.csv, causal point scores", CliRunner.Collapse(text));
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
