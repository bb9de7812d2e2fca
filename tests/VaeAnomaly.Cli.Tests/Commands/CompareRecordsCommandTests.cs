using System.Globalization;
using System.Text.Json;

namespace VaeAnomaly.Cli.Tests.Commands;

/// <summary><c>compare records</c>: the models of records side by side on one labelled CSV of the user's.</summary>
[Collection(TorchCollection.Name)]
public sealed class CompareRecordsCommandTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>300 records around a line (x, 2x, category a or b), every tenth far above it and labelled 'attack' (<paramref name="attacks"/>).</summary>
    private string Records(bool attacks = true)
    {
        var rng = new Random(9);
        var lines = new List<string> { "id,x,y,kind,label" };
        for (var i = 0; i < 300; i++)
        {
            var x = rng.NextDouble();
            var attack = attacks && i % 10 == 0;
            var y = attack ? 5 + rng.NextDouble() : (2 * x) + (0.05 * rng.NextDouble());
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{i},{x:F4},{y:F4},{(i % 3 == 0 ? "a" : "b")},{(attack ? "attack" : "normal")}"));
        }

        File.WriteAllLines(dir.File("records.csv"), lines);
        return dir.File("records.csv");
    }

    [Fact]
    public async Task CompareRecords_ALabelledFile_MeasuresEachModelOnTheHeldOutNormalsAndEveryAnomaly()
    {
        // Given: 270 normal records (162 train, 54 validate, 54 measured) and 30 anomalies
        var records = Records();

        // When
        var (exit, text) = await CliRunner.RunAsync("compare", "records", "--data", records, "--label-column", "label", "--columns", "x,y,kind", "--models", "pca,knn,iforest", "--out", dir.File("out"));

        // Then: every model measured on the same 84 records; pca and knn rank the far-off anomalies first; the random row is
        // the anomalies' share (30 of 84)
        Assert.True(exit == 0, text);
        Assert.Contains("162 normal train and 54 validate; 84 are measured, 30 of them labelled anomalous", CliRunner.Collapse(text));
        using var summary = JsonDocument.Parse(File.ReadAllText(dir.File("out/summary.json")));
        foreach (var model in new[] { "pca", "knn", "iforest" })
        {
            var confusion = summary.RootElement.GetProperty(model).GetProperty("confusion");
            Assert.Equal(30, confusion.GetProperty("tp").GetInt32() + confusion.GetProperty("fn").GetInt32());
            Assert.Equal(54, confusion.GetProperty("tn").GetInt32() + confusion.GetProperty("fp").GetInt32());
        }

        Assert.Equal(1.0, summary.RootElement.GetProperty("pca").GetProperty("auc_roc").GetDouble(), 9);
        Assert.Equal(1.0, summary.RootElement.GetProperty("knn").GetProperty("auc_roc").GetDouble(), 9);
        Assert.Equal(30.0 / 84, summary.RootElement.GetProperty("random score").GetProperty("auc_pr").GetDouble(), 9);
        Assert.True(File.Exists(dir.File("out/pr.png")) && File.Exists(dir.File("out/confusion-iforest.png")));
    }

    [Theory]
    [InlineData("gru-vae", true, "gru-vae does not take records; the models of records are dense-ae, dense-vae, pca, knn, iforest")]
    [InlineData("pca", false, "labels no record anomalous")]
    public async Task CompareRecords_AModelOfSeriesOrNoLabelledAnomaly_IsRefusedAndWritesNothing(string model, bool attacks, string expected)
    {
        // Given
        var records = Records(attacks);

        // When
        var (exit, text) = await CliRunner.RunAsync("compare", "records", "--data", records, "--label-column", "label", "--columns", "x,y,kind", "--models", model, "--out", dir.File("out"));

        // Then
        Assert.Equal(1, exit);
        Assert.Contains(expected, CliRunner.Collapse(text));
        Assert.False(Directory.Exists(dir.File("out")));
    }
}
