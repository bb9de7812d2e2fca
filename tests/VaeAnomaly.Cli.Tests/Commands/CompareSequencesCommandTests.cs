using System.Text.Json;

namespace VaeAnomaly.Cli.Tests.Commands;

/// <summary><c>compare sequences</c>: the models side by side on a folder of the user's sequences.</summary>
[Collection(TorchCollection.Name)]
public sealed class CompareSequencesCommandTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private async Task<string> Folder()
    {
        var data = dir.File("data");
        var (exit, text) = await CliRunner.RunAsync("generate", "synthetic", "--out", data, "--train", "120", "--val", "40", "--test", "60", "--channels", "3", "--min-length", "40", "--max-length", "60", "--seed", "4");
        Assert.True(exit == 0, text);
        return data;
    }

    [Fact]
    public async Task CompareSequences_AFolder_RunsEveryModelForEachSeedOnTheSameSequences_BesideARandomScore()
    {
        // Given
        var data = await Folder();
        var anomalous = File.ReadAllLines(Path.Combine(data, "test_labels.csv")).Skip(1).Count(l => l.Split(',')[1] == "1");

        // When
        var (exit, text) = await CliRunner.RunAsync("compare", "sequences", "--data", data, "--models", "pca,iforest", "--seeds", "2", "--jobs", "1", "--out", dir.File("out"));

        // Then: two runs per model; pca draws nothing, so its seeds agree, the forest's trees differ; the random row's
        // AUC-PR is the test file's anomalous share
        Assert.True(exit == 0, text);
        using var runs = JsonDocument.Parse(File.ReadAllText(dir.File("out/compare.json")));
        var byModel = runs.RootElement.EnumerateArray().GroupBy(x => x.GetProperty("model").GetString()!).ToDictionary(g => g.Key, g => g.Select(x => x.GetProperty("auc_pr").GetDouble()).ToArray());
        Assert.Equal(2, byModel["pca"].Length);
        Assert.Equal(byModel["pca"][0], byModel["pca"][1]);
        Assert.NotEqual(byModel["iforest"][0], byModel["iforest"][1]);
        Assert.Equal((double)anomalous / 60, byModel["random score"][0], 9);
        Assert.Contains("# Model comparison on data, seeds 1-2", File.ReadAllText(dir.File("out/compare.md")));
    }

    [Fact]
    public async Task CompareSequences_AFolderWithoutTestLabels_IsRefusedNamingTheFileAndWritesNothing()
    {
        // Given
        var data = await Folder();
        File.Delete(Path.Combine(data, "test_labels.csv"));

        // When
        var (exit, text) = await CliRunner.RunAsync("compare", "sequences", "--data", data, "--models", "pca", "--out", dir.File("out"));

        // Then
        Assert.Equal(1, exit);
        Assert.Contains("test_labels.csv: is missing", CliRunner.Collapse(text));
        Assert.False(Directory.Exists(dir.File("out")));
    }
}
