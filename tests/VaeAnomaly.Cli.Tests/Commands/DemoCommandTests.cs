using System.Text.Json;

namespace VaeAnomaly.Cli.Tests.Commands;

[Collection(TorchCollection.Name)]
public sealed class DemoCommandTests
{
    [Fact]
    public async Task Demo_Quick_WritesMetricsScoresAndHistory()
    {
        // Given
        using var dir = new TempDirectory();
        var output = Path.Combine(dir.Path, "out");

        // When
        var (exit, text) = await CliRunner.RunAsync("demo", "--quick", "--out", output, "--seed", "3");

        // Then
        Assert.True(exit == 0, text);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")));
        foreach (var score in new[] { "reconstruction", "kl", "combined", "mahalanobis", "elbo", "nll-is" })
        {
            var m = metrics.RootElement.GetProperty(score);
            foreach (var key in new[] { "auc_pr", "auc_roc", "recall_at_95_precision", "precision_at_k" })
            {
                Assert.InRange(m.GetProperty(key).GetDouble(), 0, 1);
            }

            Assert.Equal(3, m.GetProperty("by_type").EnumerateObject().Count());
        }

        var scores = File.ReadAllLines(Path.Combine(output, "scores.csv"));
        Assert.Equal("sequence_id,label,anomaly_type,reconstruction,kl,combined,mahalanobis,elbo,nll-is", scores[0]);
        Assert.Equal(200, scores.Length - 1);
        Assert.Equal(20, scores.Skip(1).Count(l => l.Split(',')[1] == "1"));
        var history = File.ReadAllLines(Path.Combine(output, "history.csv"));
        Assert.Equal(3, history.Length); // header + 2 epochs of --quick
        Assert.Contains("recall@95%P", text);
        Assert.Contains("Wall time", text);
        Assert.Empty(Directory.GetDirectories(dir.Path, ".*partial*"));
        Assert.Contains("data:image/png;base64,", File.ReadAllText(Path.Combine(output, "report.html")));
        Assert.Equal(0.1, metrics.RootElement.GetProperty("random").GetProperty("auc_pr").GetDouble(), 9);
        var latent = metrics.RootElement.GetProperty("latent");
        Assert.Equal(16, latent.GetProperty("validation").GetProperty("kl_per_dimension").GetArrayLength());
        Assert.InRange(latent.GetProperty("validation").GetProperty("active_units").GetInt32(), 0, 16);
        Assert.InRange(latent.GetProperty("separation").GetProperty("silhouette").GetDouble(), -1, 1);
    }

    [Fact]
    public async Task Demo_OutputFolderNotEmpty_RefusesBeforeWorkAndKeepsFiles()
    {
        // Given
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("precious.txt"), "keep me");

        // When
        var (exit, text) = await CliRunner.RunAsync("demo", "--quick", "--out", dir.Path);

        // Then
        Assert.Equal(1, exit);
        Assert.Contains("--force", text);
        Assert.Equal("keep me", File.ReadAllText(dir.File("precious.txt")));
        Assert.Single(Directory.GetFileSystemEntries(dir.Path));
    }

    [Theory]
    [InlineData("--epochs", "0")]
    [InlineData("--lambda", "-1")]
    [InlineData("--batch-size", "-5")]
    [InlineData("--mc-samples", "-1")]
    public async Task Demo_InvalidOption_FailsWithMessage(string option, string value)
    {
        using var dir = new TempDirectory();

        var (exit, text) = await CliRunner.RunAsync("demo", "--quick", "--out", Path.Combine(dir.Path, "o"), option, value);

        Assert.NotEqual(0, exit);
        Assert.Contains(option, text);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "o")));
    }
}
