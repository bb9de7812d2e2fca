using System.Text.Json.Nodes;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Models;
using VaeAnomaly.Persistence;
using VaeAnomaly.Tests.Training;

namespace VaeAnomaly.Tests.Persistence;

/// <summary>Bundles of the baseline detectors: saved, loaded through <see cref="DetectorFiles.Load"/>, and refused when damaged.</summary>
[Collection(TorchCollection.Name)]
public sealed class BaselineBundleTests : IDisposable
{
    private static readonly SyntheticDataset Data = TrainerTests.TinyData(seed: 3);

    private static readonly DenseOptions Small = new() { Hidden = [8], Latent = 4, Epochs = 2, BatchSize = 16, Patience = 0, Seed = 5 };

    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    public static TheoryData<string, bool> Families => new()
    {
        { WindowNetworks.Dense, false },
        { WindowNetworks.Dense, true },
        { WindowNetworks.Lstm, false },
        { WindowNetworks.Conv, false },
    };

    private string Saved(IFittedDetector detector, string name)
    {
        var bundle = dir.File(name);
        Directory.CreateDirectory(bundle);
        detector.Save(bundle);
        return bundle;
    }

    /// <summary>Equal up to float rounding: the same weights on the same data, but BLAS may sum in another order for another memory alignment.</summary>
    private static void AssertSameScores(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"score {i}: {expected[i]} vs {actual[i]}");
        }
    }


    [Theory]
    [MemberData(nameof(Families))]
    public void SaveThenLoad_WindowModels_GiveIdenticalScoresThresholdsAndHistory(string family, bool variational)
    {
        // Given
        var options = (variational ? DenseOptions.Vae with { Hidden = [8, 6], Latent = 3, Epochs = 2, BatchSize = 16, Seed = 5 } : Small)
            with
        { Hidden = family == WindowNetworks.Conv ? [8, 4] : variational ? [8, 6] : [8] };
        var trainedEstimator = new WindowAutoencoderEstimator(family, options, window: 8, trainStride: 4, scoreStride: 2, "mean-std");
        using var trained = trainedEstimator.Fit(Data.Train.Set, Data.Validation.Set);
        var bundle = Saved(trained, "b");

        // When
        using var loaded = DetectorRegistry.Load(bundle);

        // Then
        var window = Assert.IsType<WindowAutoencoderDetector>(loaded);
        Assert.Equal(trained.Name, loaded.Name);
        AssertSameScores(trained.Score(Data.Test.Set), loaded.Score(Data.Test.Set));
        Assert.Equal(trained.Thresholds.ValueOrNaN(), loaded.Thresholds.ValueOrNaN());
        Assert.Equal("mean-std", loaded.Thresholds.Rule);
        Assert.Equal(trained.History.Count, loaded.History.Count);
        Assert.Equal(trained.TrainingData, window.TrainingData);
        Assert.Equal(8, window.Window);
    }

    [Fact]
    public void Load_WithAnotherRule_UsesThatRulesStoredThreshold()
    {
        // Given
        var trainedEstimator = new WindowAutoencoderEstimator(WindowNetworks.Dense, Small, window: 8);
        using var trained = trainedEstimator.Fit(Data.Train.Set, Data.Validation.Set);
        var bundle = Saved(trained, "b");

        // When
        using var loaded = DetectorRegistry.Load(bundle, "mean-std");

        // Then: the mean-std rule (mean + 3 std of the validation scores), computed here independently
        var scores = trained.Score(Data.Validation.Set).Select(s => (double)s).ToArray();
        var mean = scores.Average();
        var std = Math.Sqrt(scores.Sum(s => (s - mean) * (s - mean)) / scores.Length);
        Assert.Equal(mean + (3 * std), loaded.Thresholds.ValueOrNaN(), 4);
    }

    [Fact]
    public void SaveThenLoad_RecordsWithEncoder_KeepTheEncoderAndScores()
    {
        // Given: records of one number and one category
        var records = Enumerable.Range(0, 60).Select(i => new TabularRecord([i % 7, (i % 5) * 0.5f], [i % 2 == 0 ? "tcp" : "udp"], false, SequenceLabel.Normal)).ToArray();
        var encoder = TabularEncoder.Fit(records[..40], ["a", "b"], ["proto"]);
        var trainedEstimator = new DenseEstimator(Small with { Standardize = false }, encoder);
        using var trained = trainedEstimator.Fit(encoder.ToSequenceSet(records[..40]), encoder.ToSequenceSet(records[40..]));
        var bundle = Saved(trained, "b");

        // When
        using var loaded = DetectorRegistry.Load(bundle);

        // Then
        var dense = Assert.IsType<DenseDetector>(loaded);
        Assert.Equal(encoder.Columns, dense.Encoder!.Columns);
        Assert.Equal(encoder.Mean, dense.Encoder.Mean);
        var test = encoder.ToSequenceSet(records[40..]);
        AssertSameScores(trained.Score(test), loaded.Score(test));
        Assert.Equal(trained.Thresholds.ValueOrNaN(), loaded.Thresholds.ValueOrNaN());
    }

    [Fact]
    public void SaveThenLoad_RecordsEncoder_KeepsTheCovarianceAndReadsBundlesSavedWithout()
    {
        // Given: a records bundle, and copies whose manifest lacks the covariance (saved before it was kept) or holds a ragged one
        var records = Enumerable.Range(0, 60).Select(i => new TabularRecord([i % 7, (i % 7) * 0.5f + (i % 3)], [], false, SequenceLabel.Normal)).ToArray();
        var encoder = TabularEncoder.Fit(records[..40], ["a", "b"], []);
        using var trained = new DenseEstimator(Small with { Standardize = false }, encoder).Fit(encoder.ToSequenceSet(records[..40]), encoder.ToSequenceSet(records[40..]));
        var bundle = Saved(trained, "b");
        var manifestPath = Path.Combine(bundle, DetectorBundle.ManifestFile);
        string Edited(string name, Action<JsonNode> edit)
        {
            var copy = dir.File(name);
            Directory.CreateDirectory(copy);
            foreach (var file in Directory.GetFiles(bundle))
            {
                File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            }

            var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
            edit(manifest["encoder"]!);
            File.WriteAllText(Path.Combine(copy, DetectorBundle.ManifestFile), manifest.ToJsonString());
            return copy;
        }

        var older = Edited("older", e => e.AsObject().Remove("covariance"));
        var ragged = Edited("ragged", e => e["covariance"]![1] = new JsonArray(0.5));

        // When
        using var loaded = DetectorRegistry.Load(bundle);
        using var loadedOlder = DetectorRegistry.Load(older);

        // Then
        var kept = Assert.IsType<DenseDetector>(loaded).Encoder!.Covariance!;
        Assert.Equal(encoder.Covariance!.SelectMany(r => r), kept.SelectMany(r => r));
        Assert.Null(Assert.IsType<DenseDetector>(loadedOlder).Encoder!.Covariance);
        Assert.Contains("encoder.covariance[1]", Assert.Throws<BundleException>(() => DetectorRegistry.Load(ragged)).Message);
    }

    [Fact]
    public void Load_ChangedWeightsOrOptions_IsRefusedWithTheReason()
    {
        // Given
        var trainedEstimator = new WindowAutoencoderEstimator(WindowNetworks.Lstm, Small, window: 8);
        using var trained = trainedEstimator.Fit(Data.Train.Set, Data.Validation.Set);
        var flipped = Saved(trained, "flipped");
        var weights = Path.Combine(flipped, DetectorBundle.WeightsFile);
        var bytes = File.ReadAllBytes(weights);
        bytes[^5] ^= 0xFF;
        File.WriteAllBytes(weights, bytes);

        var resized = Saved(trained, "resized");
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(resized, DetectorBundle.ManifestFile)))!;
        manifest["options"]!["hidden"] = new JsonArray(12);
        File.WriteAllText(Path.Combine(resized, DetectorBundle.ManifestFile), manifest.ToJsonString());

        var unknown = Saved(trained, "unknown");
        manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(unknown, DetectorBundle.ManifestFile)))!;
        manifest["family"] = "tcn";
        File.WriteAllText(Path.Combine(unknown, DetectorBundle.ManifestFile), manifest.ToJsonString());

        // When / Then
        Assert.Contains("SHA-256", Assert.Throws<BundleException>(() => DetectorRegistry.Load(flipped)).Message);
        Assert.Contains("the model options make it", Assert.Throws<BundleException>(() => DetectorRegistry.Load(resized)).Message);
        Assert.Contains("family of dense, lstm or conv", Assert.Throws<BundleException>(() => DetectorRegistry.Load(unknown)).Message);
    }
}
