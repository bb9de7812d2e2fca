using System.Globalization;
using System.Text.Json;

namespace VaeAnomaly.Cli.Tests.Commands;

/// <summary><c>benchmark skab</c> on a small folder in SKAB's layout.</summary>
[Collection(TorchCollection.Name)]
public sealed class BenchmarkSkabCommandTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>Two sensors: a sine and its cosine; rows 500-560 of 650 break the pattern and are labelled.</summary>
    private void WriteFile(string folder, string name, int seed)
    {
        var rng = new Random(seed);
        var start = new DateTime(2020, 3, 9, 10, 0, 0, DateTimeKind.Unspecified);
        var lines = new List<string> { "datetime;Accelerometer1RMS;Pressure;anomaly;changepoint" };
        for (var t = 0; t < 650; t++)
        {
            var anomalous = t is >= 500 and < 560;
            var a = Math.Sin(t / 5.0) + (anomalous ? 2.0 : 0) + (0.05 * rng.NextDouble());
            var b = Math.Cos(t / 5.0) + (0.05 * rng.NextDouble());
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{start.AddSeconds(t):yyyy-MM-dd HH:mm:ss};{a:F5};{b:F5};{(anomalous ? "1.0" : "0.0")};{(t == 500 ? "1.0" : "0.0")}"));
        }

        Directory.CreateDirectory(dir.File(Path.Combine("skab", folder)));
        File.WriteAllLines(dir.File(Path.Combine("skab", folder, name)), lines);
    }

    [Fact]
    public async Task BenchmarkSkab_SmallFolder_WritesTestPartPredictionsAndSummedSummary()
    {
        // Given: two files (a subset of the benchmark is allowed), and an anomaly-free folder that is not part of it.
        WriteFile("valve1", "0.csv", 1);
        WriteFile("other", "3.csv", 2);
        WriteFile("anomaly-free", "anomaly-free.csv", 3);

        // When
        var (exit, text) = await CliRunner.RunAsync("benchmark", "skab", "--data", dir.File("skab"), "--epochs", "2", "--out", dir.File("out"));

        // Then: 250 test rows per file, in the leaderboard's format.
        Assert.True(exit == 0, text);
        var predictions = File.ReadAllLines(dir.File("out/predictions/valve1/0.csv"));
        Assert.Equal("datetime;anomaly", predictions[0]);
        Assert.Equal(250, predictions.Length - 1);
        Assert.StartsWith("2020-03-09 10:06:40;", predictions[1], StringComparison.Ordinal);
        Assert.True(File.Exists(dir.File("out/predictions/other/3.csv")));
        Assert.False(Directory.Exists(dir.File("out/predictions/anomaly-free")));
        using var summary = JsonDocument.Parse(File.ReadAllText(dir.File("out/summary.json")));
        var root = summary.RootElement;
        Assert.Equal(2, root.GetProperty("files").GetInt32());
        Assert.Equal(500, new[] { "tp", "tn", "fp", "fn" }.Sum(k => root.GetProperty(k).GetInt32()));
        Assert.Equal(120, root.GetProperty("tp").GetInt32() + root.GetProperty("fn").GetInt32());
        Assert.Contains("Conv-AE", text);
    }
}
