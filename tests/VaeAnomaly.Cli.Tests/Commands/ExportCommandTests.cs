using System.Globalization;
using System.Text.RegularExpressions;

namespace VaeAnomaly.Cli.Tests.Commands;

/// <summary><c>export</c> and <c>--engine onnx</c>: the same scores as the default engine, and clear refusals that write nothing.</summary>
[Collection(TorchCollection.Name)]
public sealed partial class ExportCommandTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private string Series() => SeriesFile.Write(dir.File("data/series.csv"), "time,a,b", 400,
        t => string.Create(CultureInfo.InvariantCulture, $"{t},{Math.Sin(t / 4.0) + (t is > 350 and < 356 ? 4 : 0):F5},{Math.Cos(t / 4.0):F5}"));

    private async Task<string> Bundle(string model)
    {
        string[] args = ["train", "--data", Series(), "--model", model, "--window", "16", "--out", dir.File(model), "--seed", "3"];
        var (exit, text) = await CliRunner.RunAsync(model == "gru-vae" ? [.. args, "--epochs", "2"] : args);
        Assert.True(exit == 0, text);
        return dir.File(model);
    }

    private static float[] Scores(string csv) =>
        [.. File.ReadLines(csv).Skip(1).Select(line => float.Parse(line.Split(',')[1], CultureInfo.InvariantCulture))];

    [Fact]
    public async Task ExportThenScore_GruVae_FileWritten_AndOnnxEngineScoresAsTheDefault()
    {
        // Given
        var bundle = await Bundle("gru-vae");

        // When
        var (exportExit, exportText) = await CliRunner.RunAsync("export", "--model", bundle, "--format", "onnx", "--out", dir.File("model.onnx"));
        var (defaultExit, defaultText) = await CliRunner.RunAsync("score", "--model", bundle, "--data", Series(), "--point-score", "last", "--out", dir.File("default.csv"));
        var (onnxExit, onnxText) = await CliRunner.RunAsync("score", "--model", bundle, "--data", Series(), "--point-score", "last", "--engine", "onnx", "--out", dir.File("onnx.csv"));

        // Then
        Assert.True(exportExit == 0, exportText);
        Assert.True(new FileInfo(dir.File("model.onnx")).Length > 10_000);
        Assert.True(defaultExit == 0, defaultText);
        Assert.True(onnxExit == 0, onnxText);
        var (expected, actual) = (Scores(dir.File("default.csv")), Scores(dir.File("onnx.csv")));
        Assert.Equal(400, expected.Length);
        Assert.All(Enumerable.Range(0, 400), t => Assert.True(Math.Abs(expected[t] - actual[t]) <= 1e-4 * Math.Max(1, Math.Abs(expected[t])), $"row {t}: {expected[t]} vs {actual[t]}"));
    }

    [Fact]
    public async Task Evaluate_OnnxEngine_GivesTheDefaultEnginesMetrics()
    {
        // Given: a bundle and a labelled copy of its series (the spike rows marked)
        var bundle = await Bundle("gru-vae");
        var labelled = SeriesFile.Write(dir.File("data/labelled.csv"), "time,a,b,anomaly", 400,
            t => string.Create(CultureInfo.InvariantCulture, $"{t},{Math.Sin(t / 4.0) + (t is > 350 and < 356 ? 4 : 0):F5},{Math.Cos(t / 4.0):F5},{(t is > 350 and < 356 ? 1 : 0)}"));

        // When
        string[] args = ["evaluate", "--model", bundle, "--data", labelled, "--label-column", "anomaly", "--point-score", "last"];
        var (defaultExit, defaultText) = await CliRunner.RunAsync([.. args, "--out", dir.File("default")]);
        var (onnxExit, onnxText) = await CliRunner.RunAsync([.. args, "--engine", "onnx", "--out", dir.File("onnx")]);

        // Then: the same metrics to the printed digit
        Assert.True(defaultExit == 0, defaultText);
        Assert.True(onnxExit == 0, onnxText);
        using var expected = System.Text.Json.JsonDocument.Parse(File.ReadAllText(dir.File("default/metrics.json")));
        using var actual = System.Text.Json.JsonDocument.Parse(File.ReadAllText(dir.File("onnx/metrics.json")));
        foreach (var metric in new[] { "auc_pr", "auc_roc", "f1" })
        {
            var (e, o) = (Find(expected.RootElement, metric), Find(actual.RootElement, metric));
            Assert.NotNull(e);
            Assert.Equal(e.Value, o!.Value, 4);
        }
    }

    /// <summary>The first number named <paramref name="name"/> anywhere in a JSON document.</summary>
    private static double? Find(System.Text.Json.JsonElement element, string name)
    {
        if (element.ValueKind == System.Text.Json.JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name == name && property.Value.ValueKind == System.Text.Json.JsonValueKind.Number)
                {
                    return property.Value.GetDouble();
                }

                if (Find(property.Value, name) is { } inner)
                {
                    return inner;
                }
            }
        }

        return null;
    }

    [Fact]
    public async Task ExportThenScore_RecordsModel_FileWrittenWithTheEncoder_AndOnnxEngineScoresAsTheDefault()
    {
        // Given: a dense autoencoder of records (a number and a text column); until 2026-12-07 both were refused, the
        // graph lacking the tool's encoder
        var bundle = await RecordsBundle();

        // When
        var (exportExit, exportText) = await CliRunner.RunAsync("export", "--model", bundle, "--out", dir.File("records.onnx"));
        var (defaultExit, defaultText) = await CliRunner.RunAsync("score", "--model", bundle, "--data", dir.File("records.csv"), "--out", dir.File("default.csv"));
        var (onnxExit, onnxText) = await CliRunner.RunAsync("score", "--model", bundle, "--data", dir.File("records.csv"), "--engine", "onnx", "--out", dir.File("onnx.csv"));

        // Then: the file says its inputs, and the engine's scores are the default's (the file's own are tested against the
        // bundle's in the ONNX tests)
        Assert.True(exportExit == 0, exportText);
        Assert.Contains("input 'numbers' of raw numbers in the order [x] (NaN for a gap, taken as the training mean) and input 'text' of strings in the order [kind]", Flat(exportText), StringComparison.Ordinal);
        Assert.True(File.Exists(dir.File("records.onnx")));
        Assert.True(defaultExit == 0 && onnxExit == 0, defaultText + onnxText);
        var (expected, actual) = (Scores(dir.File("default.csv")), Scores(dir.File("onnx.csv")));
        Assert.Equal(expected.Length, actual.Length);
        Assert.All(expected.Zip(actual), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-4 * Math.Max(1, Math.Abs(p.First)), $"{p.First} against {p.Second}"));
    }

    [Fact]
    public async Task Export_BadPlacesAndOldBundles_ClearErrorAndNothingWritten()
    {
        // Given: a bundle, a copy of it marked with an older format, and a user's file
        var bundle = await Bundle("gru-vae");
        var old = dir.File("old");
        Directory.CreateDirectory(old);
        foreach (var file in Directory.GetFiles(bundle))
        {
            File.Copy(file, Path.Combine(old, Path.GetFileName(file)));
        }

        var manifest = Path.Combine(old, "model.json");
        File.WriteAllText(manifest, FormatVersion().Replace(File.ReadAllText(manifest), "\"format_version\": 0"));
        File.WriteAllText(dir.File("mine.onnx"), "not a model");

        // When
        var missing = await CliRunner.RunAsync("export", "--model", bundle, "--out", dir.File("nowhere/model.onnx"));
        var older = await CliRunner.RunAsync("export", "--model", old, "--out", dir.File("old.onnx"));
        var users = await CliRunner.RunAsync("export", "--model", bundle, "--out", dir.File("mine.onnx"), "--force");
        var cuda = await CliRunner.RunAsync("score", "--model", bundle, "--data", Series(), "--device", "cuda", "--out", dir.File("s.csv"));

        // Then
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("does not exist", Flat(missing.Output), StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.File("nowhere")));
        Assert.Equal(1, older.ExitCode);
        Assert.Contains("format version 0", Flat(older.Output), StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("old.onnx")));
        Assert.Equal(1, users.ExitCode);
        Assert.Contains("not written by vae-anomaly", Flat(users.Output), StringComparison.Ordinal);
        Assert.Equal("not a model", File.ReadAllText(dir.File("mine.onnx")));
        Assert.Equal(1, cuda.ExitCode);
        Assert.Contains("add --engine onnx", Flat(cuda.Output), StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("s.csv")));
    }

    [Fact]
    public async Task Serve_OnnxEngine_RefusesABundleWithoutAGraph_BeforeServing()
    {
        // Given: a models folder holding a GRU-VAE that averages sampled decodings (--mc-samples), which the graph's
        // posterior-mean path does not
        string[] args = ["train", "--data", Series(), "--model", "gru-vae", "--window", "16", "--epochs", "2", "--mc-samples", "2", "--seed", "3", "--out", dir.File("models/sampled")];
        Directory.CreateDirectory(dir.File("models"));
        var (trainExit, trainText) = await CliRunner.RunAsync(args);
        Assert.True(trainExit == 0, trainText);

        // When
        var (exit, text) = await CliRunner.RunAsync("serve", "--models", dir.File("models"), "--engine", "onnx", "--urls", "http://127.0.0.1:0");

        // Then: refused before serving, naming the reason
        Assert.Equal(1, exit);
        Assert.Contains("sampled decodings (--mc-samples)", Flat(text), StringComparison.Ordinal);
        Assert.DoesNotContain("Serving", text, StringComparison.Ordinal);
    }

    /// <summary>A dense autoencoder of records.csv (a number and a text column).</summary>
    private async Task<string> RecordsBundle()
    {
        var records = dir.File("records.csv");
        File.WriteAllLines(records, ["x,kind", .. Enumerable.Range(0, 200).Select(i => string.Create(CultureInfo.InvariantCulture, $"{i % 17 / 17.0:F3},{(i % 3 == 0 ? "a" : "b")}"))]);
        var (exit, text) = await CliRunner.RunAsync("train", "--data", records, "--records", "--model", "dense-ae", "--epochs", "2", "--out", dir.File("records-bundle"));
        Assert.True(exit == 0, text);
        return dir.File("records-bundle");
    }

    private static string Flat(string text) => string.Join(' ', text.Split((char[])['\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries));

    [GeneratedRegex("\"format_version\"\\s*:\\s*\\d+")]
    private static partial Regex FormatVersion();
}
