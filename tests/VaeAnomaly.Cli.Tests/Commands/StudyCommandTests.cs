namespace VaeAnomaly.Cli.Tests.Commands;

[Collection(TorchCollection.Name)]
public sealed class StudyCommandTests
{
    [Fact]
    public async Task Study_TinyRun_WritesTablesJsonAndLatentPlots()
    {
        // Given
        using var dir = new TempDirectory();
        var output = dir.File("study");

        // When
        var (exit, text) = await CliRunner.RunAsync("study", "synthetic", "--seeds", "2", "--beta", "3", "--lambda", "0,1", "--epochs", "1",
            "--train", "30", "--val", "20", "--test", "40", "--jobs", "2", "--out", output);

        // Then
        Assert.True(exit == 0, text);
        var md = File.ReadAllText(Path.Combine(output, "study.md"));
        Assert.Contains("| combined@1 |", md);
        Assert.Contains("| nll-is |", md);
        Assert.Contains("\"runs\"", File.ReadAllText(Path.Combine(output, "study.json")));
        Assert.True(File.Exists(Path.Combine(output, "latent-seed1-beta3.png")));
        Assert.True(File.Exists(Path.Combine(output, "latent-seed2-beta3.png")));
    }

    [Fact]
    public async Task Study_BadLambdaList_FailsBeforeWork()
    {
        using var dir = new TempDirectory();

        var (exit, text) = await CliRunner.RunAsync("study", "synthetic", "--lambda", "0,x", "--out", dir.File("s"));

        Assert.NotEqual(0, exit);
        Assert.Contains("--lambda", text);
        Assert.False(Directory.Exists(dir.File("s")));
    }
}
