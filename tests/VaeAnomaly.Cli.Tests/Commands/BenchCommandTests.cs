namespace VaeAnomaly.Cli.Tests.Commands;

/// <summary><c>bench</c> refuses before measuring anything when its output would replace a user's files.</summary>
[Collection(TorchCollection.Name)]
public sealed class BenchCommandTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public async Task Bench_NonEmptyOutputFolderWithoutForce_IsRefusedAndLeftAsItWas()
    {
        Directory.CreateDirectory(dir.File("out"));
        File.WriteAllText(dir.File("out/bench.json"), "{\"mine\": true}");

        var (exit, text) = await CliRunner.RunAsync("bench", "--quick", "--out", dir.File("out"));

        Assert.NotEqual(0, exit);
        Assert.Contains("--force", text);
        Assert.Equal("{\"mine\": true}", File.ReadAllText(dir.File("out/bench.json")));
        Assert.DoesNotContain("sgemm", text); // refused before any measurement
    }
}
