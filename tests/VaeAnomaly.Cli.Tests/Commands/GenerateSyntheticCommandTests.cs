namespace VaeAnomaly.Cli.Tests.Commands;

public sealed class GenerateSyntheticCommandTests
{
    [Fact]
    public async Task Generate_SmallSet_WritesSpecLayout()
    {
        // Given
        using var dir = new TempDirectory();
        var output = Path.Combine(dir.Path, "data");

        // When
        var (exit, text) = await CliRunner.RunAsync("generate", "synthetic", "--out", output, "--train", "10", "--val", "5", "--test", "30", "--channels", "4", "--seed", "5");

        // Then
        Assert.True(exit == 0, text);
        Assert.Equal(
            new[] { ".vae-anomaly-output", "test.csv", "test_labels.csv", "train.csv", "train_labels.csv", "val.csv", "val_labels.csv" },
            Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var test = File.ReadAllLines(Path.Combine(output, "test.csv"));
        Assert.Equal("sequence_id,t,ch0,ch1,ch2,ch3", test[0]);
        var labels = File.ReadAllLines(Path.Combine(output, "test_labels.csv"));
        Assert.Equal("sequence_id,label,anomaly_type,length", labels[0]);
        Assert.Equal(30, labels.Length - 1);
        Assert.Equal(3, labels.Skip(1).Count(l => l.Split(',')[1] == "1"));
        Assert.Equal(test.Length - 1, labels.Skip(1).Sum(l => int.Parse(l.Split(',')[3])));
    }

    [Fact]
    public async Task Generate_SameSeedTwice_WritesIdenticalFiles()
    {
        using var dir = new TempDirectory();
        string[] Args(string name) => ["generate", "synthetic", "--out", Path.Combine(dir.Path, name), "--train", "5", "--val", "5", "--test", "10", "--seed", "9"];

        await CliRunner.RunAsync(Args("a"));
        await CliRunner.RunAsync(Args("b"));

        foreach (var file in Directory.GetFiles(Path.Combine(dir.Path, "a")).Select(Path.GetFileName))
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir.Path, "a", file!)), File.ReadAllBytes(Path.Combine(dir.Path, "b", file!)));
        }
    }

    [Fact]
    public async Task Generate_MissingOut_FailsWithUsageError()
    {
        var (exit, text) = await CliRunner.RunAsync("generate", "synthetic");

        Assert.NotEqual(0, exit);
        Assert.Contains("--out", text);
    }
}
