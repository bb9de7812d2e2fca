using System.Text.Json;

namespace VaeAnomaly.Cli.Tests.Commands;

/// <summary><c>compare synthetic</c> on tiny generated data.</summary>
[Collection(TorchCollection.Name)]
public sealed class CompareCommandTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public async Task CompareSynthetic_TwoModelsTwoSeeds_WritesOneRowPerModelAndEveryRun()
    {
        // When
        var (exit, text) = await CliRunner.RunAsync("compare", "synthetic", "--models", "dense-ae v1,conv-ae v1", "--seeds", "2",
            "--train", "60", "--val", "30", "--test", "40", "--jobs", "2", "--out", dir.File("cmp"));

        // Then
        Assert.True(exit == 0, text);
        var table = File.ReadAllLines(dir.File("cmp/compare.md")).Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| ---", StringComparison.Ordinal)).ToArray();
        Assert.Equal(4, table.Length); // header, two models and the random score
        Assert.StartsWith("| dense-ae v1 |", table[1], StringComparison.Ordinal);
        Assert.StartsWith("| conv-ae v1 |", table[2], StringComparison.Ordinal);
        using var runs = JsonDocument.Parse(File.ReadAllText(dir.File("cmp/compare.json")));
        Assert.Equal(6, runs.RootElement.GetArrayLength());
        Assert.All(runs.RootElement.EnumerateArray(), r => Assert.InRange(r.GetProperty("auc_pr").GetDouble(), 0, 1));
        Assert.Equal([1, 1, 1, 2, 2, 2], runs.RootElement.EnumerateArray().Select(r => r.GetProperty("seed").GetInt32()).Order());

        // The random row: 4 of the 40 test sequences of synthetic-v1 are anomalous (its anomaly ratio, 0.1), on every seed
        Assert.StartsWith("| random score | what an uninformative score gets", table[3], StringComparison.Ordinal);
        Assert.Contains("| 0.100 ± 0.000 | 0.000 ± 0.000 | 0.182 ± 0.000 | – |", table[3], StringComparison.Ordinal); // F1 of flagging all: 2 x 0.1 / 1.1
        Assert.Contains("random score", text);
    }

    [Fact]
    public async Task CompareSynthetic_UnknownModel_FailsBeforeAnyWork()
    {
        var (exit, text) = await CliRunner.RunAsync("compare", "synthetic", "--models", "tcn", "--out", dir.File("cmp"));

        Assert.Equal(1, exit);
        Assert.Contains("Unknown model 'tcn'", text);
        Assert.False(Directory.Exists(dir.File("cmp")));
    }
}
