using System.Globalization;
using System.Text.Json;

namespace VaeAnomaly.Cli.Tests.Commands;

/// <summary><c>benchmark kdd99</c> on a small file in the KDD Cup 99 layout.</summary>
[Collection(TorchCollection.Name)]
public sealed class BenchmarkKddCommandTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private string Fixture()
    {
        // Normal http traffic with varying byte counts; attacks are icmp floods with other counts.
        var rng = new Random(1);
        string Line(bool attack)
        {
            var (protocol, service, bytes, count) = attack ? ("icmp", "ecr_i", 1032 + rng.Next(5), 500 + rng.Next(10)) : ("tcp", "http", 200 + rng.Next(300), 1 + rng.Next(20));
            var fields = new List<string> { "0", protocol, service, "SF", bytes.ToString(CultureInfo.InvariantCulture), attack ? "0" : (rng.Next(5000)).ToString(CultureInfo.InvariantCulture) };
            fields.AddRange(Enumerable.Range(0, 16).Select(_ => "0"));
            fields.AddRange([count.ToString(CultureInfo.InvariantCulture), count.ToString(CultureInfo.InvariantCulture)]);
            fields.AddRange(Enumerable.Range(0, 17).Select(_ => rng.NextDouble().ToString("F2", CultureInfo.InvariantCulture)));
            fields.Add(attack ? "smurf." : "normal.");
            return string.Join(',', fields);
        }

        var path = dir.File("kdd.csv");
        File.WriteAllLines(path, Enumerable.Range(0, 400).Select(i => Line(attack: i % 10 == 0)));
        return path;
    }

    [Fact]
    public async Task BenchmarkKdd99_SmallFile_WritesSummaryCurvesAndConfusionMatrices()
    {
        // Given
        var data = Fixture();

        // When
        var (exit, text) = await CliRunner.RunAsync("benchmark", "kdd99", "--data", data, "--config", "full", "--epochs", "3", "--out", dir.File("out"));

        // Then
        Assert.True(exit == 0, text);
        using var summary = JsonDocument.Parse(File.ReadAllText(dir.File("out/summary.json")));
        foreach (var model in new[] { "dense-vae", "dense-ae", "pca", "knn" })
        {
            var entry = summary.RootElement.GetProperty(model);
            foreach (var key in new[] { "auc_roc", "auc_pr", "f1", "threshold" })
            {
                Assert.True(double.IsFinite(entry.GetProperty(key).GetDouble()), $"{model}.{key}");
            }

            Assert.Equal(40, new[] { "tp", "fn" }.Sum(k => entry.GetProperty("confusion").GetProperty(k).GetInt32()));
            Assert.True(new FileInfo(dir.File($"out/confusion-{model}.png")).Length > 1000);
        }

        Assert.True(new FileInfo(dir.File("out/pr.png")).Length > 1000);
        Assert.Contains("train 216 / validation 72 normal; test 112 (40 attacks)", text);

        // Beside the models, what a random score gets on the same 112 test records: AUC-PR the attack share, F1 that of flagging all
        var random = summary.RootElement.GetProperty("random score");
        Assert.Equal(40.0 / 112, random.GetProperty("auc_pr").GetDouble(), 12);
        Assert.Equal(0.5, random.GetProperty("auc_roc").GetDouble(), 12);
        Assert.Equal(2 * (40.0 / 112) / (1 + (40.0 / 112)), random.GetProperty("best_f1").GetDouble(), 12);
        Assert.Contains("random score │ 0.500 │ 0.357 │ 0.526 │ flag all", System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " "));
    }

    [Fact]
    public async Task BenchmarkKdd99_MissingFile_FailsWithItsName()
    {
        var (exit, text) = await CliRunner.RunAsync("benchmark", "kdd99", "--data", dir.File("nope.gz"), "--out", dir.File("out"));

        Assert.Equal(1, exit);
        Assert.Contains("nope.gz", text);
        Assert.False(Directory.Exists(dir.File("out")));
    }
}
