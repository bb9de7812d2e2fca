using System.Diagnostics;
using System.Text.Json.Nodes;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Models;
using VaeAnomaly.Persistence;
using VaeAnomaly.Scoring;
using VaeAnomaly.Training;

namespace VaeAnomaly.Tests.Persistence;

/// <summary>
/// Bundles edited by hand or by an attacker are refused before any large allocation, with the bundle and the key
/// named (issue 22, third defect): manifests of the wrong shape, values out of range, files that never end.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class HostileBundleTests : IDisposable
{
    private static readonly SyntheticDataset Data = Training.TrainerTests.TinyData(seed: 4);

    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private string Bundle(string name, bool gruVae)
    {
        var bundle = dir.File(name);
        Directory.CreateDirectory(bundle);
        if (gruVae)
        {
            var detectorEstimator = new GruVaeEstimator(
                new GruVaeOptions { EncoderSizes = [8, 6], DecoderSizes = [6, 8], Latent = 3 }, new TrainerOptions { Epochs = 1, BatchSize = 16 }, new ScoringOptions());
            using var detector = detectorEstimator.Fit(Data.Train.Set, Data.Validation.Set);
            detector.Save(bundle);
        }
        else
        {
            var detectorEstimator = new WindowAutoencoderEstimator(WindowNetworks.Dense, new DenseOptions { Hidden = [8], Latent = 4, Epochs = 1, BatchSize = 16, Seed = 5 },
                window: 8, trainStride: 4, scoreStride: 4);
            using var detector = detectorEstimator.Fit(Data.Train.Set, Data.Validation.Set);
            detector.Save(bundle);
        }

        return bundle;
    }

    /// <summary>Loads <paramref name="bundle"/> after <paramref name="edit"/> changed its manifest, and returns the refusal's message.</summary>
    private static string Refusal(string bundle, Action<JsonObject> edit)
    {
        var path = Path.Combine(bundle, DetectorBundle.ManifestFile);
        var original = File.ReadAllText(path);
        var manifest = JsonNode.Parse(original)!.AsObject();
        edit(manifest);
        File.WriteAllText(path, manifest.ToJsonString());
        try
        {
            return Refusal(bundle);
        }
        finally
        {
            File.WriteAllText(path, original);
        }
    }

    private static string Refusal(string bundle)
    {
        var error = Assert.Throws<BundleException>(() => DetectorRegistry.Load(bundle).Dispose());
        Assert.StartsWith(bundle, error.Message);
        return error.Message;
    }

    private static void Write(string bundle, string manifest) => File.WriteAllText(Path.Combine(bundle, DetectorBundle.ManifestFile), manifest);

    [Theory]
    [InlineData("[]", "must hold a JSON object; it holds an array")]
    [InlineData("null", "must hold a JSON object; it holds null")]
    [InlineData("7", "must hold a JSON object; it holds a number")]
    [InlineData("{\"format_version\": 1.0, \"model\": \"gru-vae\"}", "format version 1.0")]
    [InlineData("{\"format_version\": 1e9, \"model\": \"gru-vae\"}", "format version 1e9")]
    [InlineData("{\"format_version\": \"1\", \"model\": \"gru-vae\"}", "has no format_version")]
    [InlineData("{\"format_version\": 1, \"model\": \"gru-vae\"}", "missing required properties")]
    [InlineData("{\"format_version\": 1, \"model\": \"dense-ae\"}", "missing required properties")]
    [InlineData("{\"format_version\": 1, \"model\": null}", "names no model")]
    [InlineData("{\"format_version\": 1, \"model\": \"gru-vae\", \"model\": \"pca\"}", "Duplicate property 'model'")] // which one was meant cannot be known
    public void Load_ManifestOfTheWrongShape_RefusedNamingTheProblem(string manifest, string expected)
    {
        // Given
        var bundle = dir.File("b");
        Directory.CreateDirectory(bundle);
        Write(bundle, manifest);

        // When / Then
        Assert.Contains(expected, Refusal(bundle));
    }

    [Fact]
    public void Load_GruVaeManifestWithValuesOutOfRange_RefusedNamingTheKey()
    {
        var bundle = Bundle("gru", gruVae: true);

        // 65,536 is a legal layer size, but these sizes would ask libtorch for about 50 GB of weights.
        Assert.Contains("at most 100,000,000 are accepted", Refusal(bundle, m => m["model_options"]!["encoder_sizes"] = new JsonArray(65536, 32)));
        Assert.Contains("sizes above 65536", Refusal(bundle, m => m["model_options"]!["latent"] = 2_000_000_000));
        Assert.Contains("'scaler.std[1]' must be a finite number above 0; got 0", Refusal(bundle, m => m["scaler"]!["std"]![1] = 0));
        Assert.Contains("'scaler.mean' holds 2 values; expected 4", Refusal(bundle, m => m["scaler"]!["mean"] = new JsonArray(0.0, 1.0)));
        Assert.Contains("'thresholds.combined.quantile' must be a finite number", Refusal(bundle, m => m["thresholds"]!["combined"]!["quantile"] = "Infinity"));
        Assert.Contains("'thresholds.combined.magic' must be one of", Refusal(bundle, m => m["thresholds"]!["combined"]!["magic"] = 1.0));
        Assert.Contains("'thresholds' names an unknown score 'bogus'", Refusal(bundle, m => m["thresholds"]!["bogus"] = new JsonObject()));
        Assert.Contains("'scoring.batch_size' must lie in 1..65,536; got 0", Refusal(bundle, m => m["scoring"]!["batch_size"] = 0));
        Assert.Contains("'scoring.importance_samples' must lie in 1..10,000", Refusal(bundle, m => m["scoring"]!["importance_samples"] = 1_000_000));
        Assert.Contains("'trainer_options.window_stride' must lie in", Refusal(bundle, m => m["trainer_options"]!["window_stride"] = 1_000_000));
        Assert.Contains("'max_length' must lie in", Refusal(bundle, m => m["max_length"] = 1));
        Assert.Contains("'channels' names 'ch0' twice", Refusal(bundle, m => m["channels"] = new JsonArray("ch0", "ch0", "ch2", "ch3")));
        Assert.Contains("'combiner.kl_std' must be a finite number above 0", Refusal(bundle, m => m["combiner"]!["kl_std"] = -1));
        Assert.Contains("'latent.decoder_variance[0]' must be a finite number above 0", Refusal(bundle, m => m["latent"]!["decoder_variance"]![0] = "NaN"));
        Assert.Contains("'weights.file' must be a file name inside the bundle", Refusal(bundle, m => m["weights"]!["file"] = "../../etc/passwd"));
        Assert.Contains("'default_threshold' must be one of", Refusal(bundle, m => m["default_threshold"] = "magic"));
        Assert.Contains("'training_data.calibration.steps' must lie in 1..", Refusal(bundle, m => m["training_data"]!["calibration"] = new JsonObject { ["sequences"] = 1, ["steps"] = 0, ["fingerprint"] = "sha256:00", ["source"] = "a.csv" }));
        Assert.Contains("'training_data.calibration' needs the fingerprint", Refusal(bundle, m => m["training_data"]!["calibration"] = new JsonObject { ["sequences"] = 1, ["steps"] = 5, ["fingerprint"] = "", ["source"] = "a.csv" }));
        Assert.Contains("Key: channels", Refusal(bundle, m => m["channels"] = null));
        Assert.Contains("Key: scaler", Refusal(bundle, m => m["scaler"] = new JsonArray()));
        Assert.Contains("missing required properties including: 'scaler'", Refusal(bundle, m => m.Remove("scaler")));

        // After all of them the untouched bundle still loads.
        using var loaded = DetectorRegistry.Load(bundle);
        Assert.Equal(GruVaeDetector.ModelName, loaded.Name);
    }

    [Fact]
    public void Load_BaselineManifestWithValuesOutOfRange_RefusedNamingTheKey()
    {
        var bundle = Bundle("dense", gruVae: false);

        Assert.Contains("could make", Refusal(bundle, m => m["options"]!["hidden"] = new JsonArray(65536, 65536)));
        Assert.Contains("'score_stride' must lie in 1..65,536; got 0", Refusal(bundle, m => m["score_stride"] = 0));
        Assert.Contains("'length' must lie in 1..65,536", Refusal(bundle, m => m["length"] = 1_000_000));
        Assert.Contains("'thresholds.quantile' must be a finite number", Refusal(bundle, m => m["thresholds"]!["quantile"] = "-Infinity"));
        Assert.Contains("'options' are invalid", Refusal(bundle, m => m["options"]!["batch_size"] = 0));
        Assert.Contains("'options' are invalid", Refusal(bundle, m => m["options"]!["dropout"] = "NaN"));
        Assert.Contains("'scaler' is missing", Refusal(bundle, m => m["scaler"] = null));

        using var loaded = DetectorRegistry.Load(bundle);
        Assert.Equal("dense-ae", loaded.Name);
    }

    [Fact]
    public void Load_FilesThatNeverEnd_RefusedAfterReadingAtMostTheLimit()
    {
        // Given: the manifest, then the weights, as links to /dev/zero (4.3 GB then out of memory before the fix)
        var bundle = Bundle("zero", gruVae: false);
        var manifest = Path.Combine(bundle, DetectorBundle.ManifestFile);
        var weights = Path.Combine(bundle, DetectorBundle.WeightsFile);
        File.Move(manifest, manifest + ".kept");
        File.CreateSymbolicLink(manifest, "/dev/zero");
        var before = Process.GetCurrentProcess().PeakWorkingSet64;

        // When / Then: a device is refused before it is read; a regular file that is too long after 4 MiB
        Assert.Contains("is empty, or a pipe or device rather than a file", Refusal(bundle));
        File.Delete(manifest);
        File.WriteAllText(manifest, "{\"format_version\": 1, \"pad\": \"" + new string(' ', 5 << 20) + "\"}");
        Assert.Contains("holds more than 4,194,304 bytes", Refusal(bundle));
        File.Delete(manifest);
        File.Move(manifest + ".kept", manifest);
        File.Delete(weights);
        File.CreateSymbolicLink(weights, "/dev/zero");
        Assert.Contains("pipe or device rather than a file", Refusal(bundle));
        Assert.True(Process.GetCurrentProcess().PeakWorkingSet64 - before < 1L << 30, "reading the links must not hold them in memory");
    }

    [Fact]
    public void Load_ManifestOrWeightsThatArePipes_RefusedWithoutWaitingOnThem()
    {
        // Given: a named pipe where the manifest, then the weights, should be (opening one blocks until a writer comes)
        var bundle = Bundle("pipe", gruVae: false);
        static void Pipe(string path)
        {
            File.Delete(path);
            using var mkfifo = Process.Start("mkfifo", [path]);
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var manifest = Path.Combine(bundle, DetectorBundle.ManifestFile);
        var kept = File.ReadAllText(manifest);
        Pipe(manifest);

        // When / Then: refused at once (a test that hung here would show the defect), also through a link
        Assert.Contains("is empty, or a pipe or device rather than a file", Refusal(bundle));
        File.Move(manifest, manifest + ".fifo");
        File.CreateSymbolicLink(manifest, manifest + ".fifo");
        Assert.Contains("is empty, or a pipe or device rather than a file", Refusal(bundle));
        File.Delete(manifest + ".fifo");
        File.Delete(manifest);
        File.WriteAllText(manifest, kept);
        Pipe(Path.Combine(bundle, DetectorBundle.WeightsFile));
        Assert.Contains("the weights file 'model.weights' could not be read", Refusal(bundle));
        File.WriteAllText(Path.Combine(bundle, DetectorBundle.ManifestFile), "");
        Assert.Contains("is empty, or a pipe or device", Refusal(bundle));
    }

    [Fact]
    public void Load_WeightsPathIsAFolder_SaysSoRatherThanMissing()
    {
        var bundle = Bundle("folder", gruVae: false);
        File.Delete(Path.Combine(bundle, DetectorBundle.WeightsFile));
        Directory.CreateDirectory(Path.Combine(bundle, DetectorBundle.WeightsFile));

        Assert.Contains("'model.weights' is a folder; expected the weights file", Refusal(bundle));
    }

    [Fact]
    public void Load_DamagedHistory_RefusedNamingTheFileAndLine()
    {
        var bundle = Bundle("history", gruVae: false);
        File.AppendAllText(Path.Combine(bundle, DetectorBundle.HistoryFile), "7,x\n");

        var message = Refusal(bundle);

        Assert.Contains("history.csv:", message);
        Assert.Contains("has 2 fields; expected 11", message);
    }
}
