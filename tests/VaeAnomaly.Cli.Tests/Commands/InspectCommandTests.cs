using System.Globalization;
using System.Text.Json;

namespace VaeAnomaly.Cli.Tests.Commands;

/// <summary><c>inspect</c>: what a bundle is, checked by loading it, and the same thresholds <c>score</c> flags with.</summary>
[Collection(TorchCollection.Name)]
public sealed class InspectCommandTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>A series with a watched column v0 (a sine) and an input column c1 (a square wave), 400 rows.</summary>
    private string Series()
    {
        var lines = new List<string> { "t,v0,c1" };
        lines.AddRange(Enumerable.Range(0, 400).Select(i => string.Create(CultureInfo.InvariantCulture, $"{i},{Math.Sin(i / 6.0):F5},{(i / 25 % 2 == 0 ? 0 : 1)}")));
        File.WriteAllLines(dir.File("series.csv"), lines);
        return dir.File("series.csv");
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    /// <summary>The threshold column of a scores file written by <c>score</c> (one value on every row).</summary>
    private double ThresholdOf(string scores) =>
        double.Parse(Assert.Single(File.ReadLines(dir.File(scores)).Skip(1).Select(l => l.Split(',')[2]).Distinct()), CultureInfo.InvariantCulture);

    [Fact]
    public async Task Inspect_ASeriesBundle_SaysWhatItWatchesAndTheThresholdsScoreFlagsWith()
    {
        // Given: a pca of the series that watches v0, and the series scored by it whole and row by row (last mode)
        var data = Series();
        var (trainExit, trainText) = await CliRunner.RunAsync("train", "--model", "pca", "--data", data, "--target-columns", "v0", "--window", "16", "--out", dir.File("pca"));
        Assert.True(trainExit == 0, trainText);
        var (stepExit, stepText) = await CliRunner.RunAsync("score", "--bundle", dir.File("pca"), "--data", data, "--out", dir.File("step.csv"));
        var (lastExit, lastText) = await CliRunner.RunAsync("score", "--bundle", dir.File("pca"), "--data", data, "--out", dir.File("last.csv"), "--point-score", "last");
        Assert.True(stepExit == 0, stepText);
        Assert.True(lastExit == 0, lastText);

        // When
        var (textExit, text) = await CliRunner.RunAsync("inspect", "--bundle", dir.File("pca"));
        var (jsonExit, json, jsonError) = await CliRunner.RunSplitAsync(CancellationToken.None, "inspect", "--bundle", dir.File("pca"), "--json");

        // Then: the model, its columns and watched column, and the two thresholds score used, in both forms
        Assert.True(textExit == 0, text);
        Assert.True(jsonExit == 0, jsonError);
        var flat = CliRunner.Collapse(text);
        Assert.Contains("a pca bundle, written by vae-anomaly", flat);
        Assert.Contains("watches v0 (the others are inputs only)", flat);
        Assert.Contains("each row scored from it and the 15 rows before it", flat);
        var d = Json(json);
        Assert.Equal("pca", d.GetProperty("model").GetString());
        Assert.Equal("series", d.GetProperty("input").GetString());
        Assert.Equal(["v0", "c1"], d.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(["v0"], d.GetProperty("watches").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(16, d.GetProperty("lookback").GetInt32());
        Assert.Equal("refits", d.GetProperty("learns").GetString());
        Assert.Equal(["interpolate", "ffill", "drop"], d.GetProperty("fills").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(JsonValueKind.Null, d.GetProperty("onnx_refusal").ValueKind);
        var threshold = d.GetProperty("threshold");
        Assert.Equal("quantile", threshold.GetProperty("rule").GetString());
        Assert.Equal(ThresholdOf("step.csv"), threshold.GetProperty("value").GetDouble(), 1e-9);
        Assert.Equal(ThresholdOf("last.csv"), threshold.GetProperty("last").GetDouble(), 1e-9);
        Assert.Contains(threshold.GetProperty("value").GetDouble().ToString("G6", CultureInfo.InvariantCulture), flat);
        Assert.Equal(new FileInfo(dir.File("pca/model.json")).Length, d.GetProperty("files").GetProperty("model.json").GetInt64());
    }

    [Fact]
    public async Task Inspect_ARecordsBundle_NamesItsCsvColumnsAndWhyItDoesNotExport()
    {
        // Given: a knn of records with a number and a text column
        var lines = new List<string> { "x,kind" };
        lines.AddRange(Enumerable.Range(0, 120).Select(i => string.Create(CultureInfo.InvariantCulture, $"{i % 17 / 17.0:F4},{(i % 3 == 0 ? "a" : "b")}")));
        File.WriteAllLines(dir.File("records.csv"), lines);
        var (trainExit, trainText) = await CliRunner.RunAsync("train", "--records", "--model", "knn", "--data", dir.File("records.csv"), "--out", dir.File("knn"));
        Assert.True(trainExit == 0, trainText);

        // When
        var (exit, json, error) = await CliRunner.RunSplitAsync(CancellationToken.None, "inspect", "--bundle", dir.File("knn"), "--json");

        // Then
        Assert.True(exit == 0, error);
        var d = Json(json);
        Assert.Equal("records", d.GetProperty("input").GetString());
        Assert.Equal(["x", "kind"], d.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(JsonValueKind.Null, d.GetProperty("lookback").ValueKind);
        Assert.Equal(JsonValueKind.Null, d.GetProperty("learns").ValueKind);
        Assert.Equal(["conditional", "mean", "drop"], d.GetProperty("fills").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(JsonValueKind.Null, d.GetProperty("onnx_refusal").ValueKind); // the encoder is exported as the graph's first nodes
        Assert.Equal(96, d.GetProperty("training_data").GetProperty("train_sequences").GetInt32()); // 80% of the 120 records
    }

    [Fact]
    public async Task Inspect_NotABundleOrATamperedOne_FailsNamingTheFolder()
    {
        // Given: a folder without a manifest, and a pca bundle whose weights were changed after training
        Directory.CreateDirectory(dir.File("empty"));
        var data = Series();
        var (trainExit, trainText) = await CliRunner.RunAsync("train", "--model", "pca", "--data", data, "--out", dir.File("pca"));
        Assert.True(trainExit == 0, trainText);
        var weights = File.ReadAllBytes(dir.File("pca/model.weights"));
        weights[^1] ^= 0x5a;
        File.WriteAllBytes(dir.File("pca/model.weights"), weights);

        // When
        var (emptyExit, emptyText) = await CliRunner.RunAsync("inspect", "--bundle", dir.File("empty"));
        var (tamperedExit, tamperedText) = await CliRunner.RunAsync("inspect", "--bundle", dir.File("pca"), "--json");

        // Then: nothing is described; each error names the bundle
        Assert.Equal(1, emptyExit);
        Assert.Contains("has no model.json", CliRunner.Collapse(emptyText));
        Assert.Equal(1, tamperedExit);
        Assert.Contains(dir.File("pca"), CliRunner.Collapse(tamperedText));
        Assert.DoesNotContain("\"model\"", tamperedText);
    }
}
