using System.Text.Json.Nodes;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Models;
using VaeAnomaly.Persistence;
using VaeAnomaly.Thresholds;

namespace VaeAnomaly.Tests.Thresholds;

/// <summary>
/// A rule that cannot be fitted leaves no threshold and a reason, never a NaN that flags nothing (issue 22, fourth
/// defect): fitted sets leave it out, asking for it is refused with the reason, and old bundles' NaNs become reasons.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class UnfittedThresholdTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void FitAll_TooFewScoresForPot_LeavesPotOutWithItsReason()
    {
        // Given: 20 scores; POT needs two above the 0.98 quantile, and 20 scores put only one there
        var scores = Enumerable.Range(0, 20).Select(i => (float)i).ToArray();
        var notes = new Dictionary<string, string>();

        // When
        var fitted = ThresholdRules.FitAll(scores, "step", notes);

        // Then
        Assert.Equal(["mean-std", "quantile"], fitted.Keys);
        Assert.All(fitted.Values, v => Assert.True(double.IsFinite(v)));
        Assert.Contains("POT needs at least two normal scores above the 0.98 quantile; got 1 of 20", notes["step/pot"]);
        Assert.DoesNotContain("Parameter", notes["step/pot"]);
        var error = Assert.Throws<ArgumentException>(() => ThresholdRules.Lookup(fitted, "pot", "step", notes));
        Assert.Contains("The 'pot' threshold of the step score could not be fitted", error.Message);
        Assert.Contains("got 1 of 20", error.Message);
        Assert.Contains("--threshold mean-std or quantile", error.Message);
        Assert.Equal(19 * 0.99, ThresholdRules.Lookup(fitted, "quantile", "step", notes), 6); // the 0.99 quantile of 0..19, by linear interpolation
    }

    [Theory]
    [InlineData("score", "score")]
    [InlineData("step", "step score")]
    [InlineData("combined", "combined score")]
    [InlineData("window/kl", "window kl score")]
    public void ScoreName_EachSet_ReadsAsWords(string set, string expected) => Assert.Equal(expected, ThresholdRules.ScoreName(set));

    [Fact]
    public void FitAll_NoScores_LeavesEveryRuleOut()
    {
        var notes = new Dictionary<string, string>();

        var fitted = ThresholdRules.FitAll([], "score", notes);

        Assert.Empty(fitted);
        Assert.Equal(3, notes.Count);
        Assert.Contains("No rule could be fitted", Assert.Throws<ArgumentException>(() => ThresholdRules.Lookup(fitted, "quantile", "score", notes)).Message);
    }

    [Fact]
    public void Detector_PotOnFewValidationSequences_RefusesItWithTheReasonAfterSaveAndLoad()
    {
        // Given: a dense autoencoder with the POT rule, validated on 10 sequences
        var data = Training.TrainerTests.TinyData(seed: 6);
        var validation = new SequenceSet(data.Validation.Set.ChannelNames, [.. data.Validation.Set.Sequences.Take(10)]);
        var detectorEstimator = new WindowAutoencoderEstimator(WindowNetworks.Dense, new DenseOptions { Hidden = [8], Latent = 4, Epochs = 1, BatchSize = 16, Seed = 2 },
            window: 8, trainStride: 4, scoreStride: 4, "pot");

        // When
        using var detector = detectorEstimator.Fit(data.Train.Set, validation);
        var bundle = dir.File("b");
        Directory.CreateDirectory(bundle);
        detector.Save(bundle);
        using var loaded = DetectorRegistry.Load(bundle);

        // Then: absent in the manifest, with the reason; refused in memory and after loading
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(bundle, DetectorBundle.ManifestFile)))!;
        Assert.Null(manifest["thresholds"]!["pot"]);
        Assert.NotNull(manifest["thresholds"]!["quantile"]);
        Assert.Contains("POT needs at least two", manifest["threshold_notes"]!["score/pot"]!.GetValue<string>());
        var inMemory = Assert.Throws<ArgumentException>(() => detector.Predict(data.Test.Set)).Message;
        Assert.True(inMemory.Contains("of 10", StringComparison.Ordinal), inMemory);
        Assert.Equal(inMemory, Assert.Throws<ArgumentException>(() => loaded.Thresholds.Value()).Message);
        using var quantile = DetectorRegistry.Load(bundle, "quantile");
        Assert.Equal(data.Test.Set.Count, quantile.Predict(data.Test.Set).Length);
    }

    [Fact]
    public void Load_NaNThresholdOfAnEarlierVersion_BecomesAReason()
    {
        // Given: a bundle whose mean-std threshold is NaN, as earlier versions stored an unfittable rule
        var data = Training.TrainerTests.TinyData(seed: 6);
        using (var detector = new WindowAutoencoderEstimator(WindowNetworks.Dense, new DenseOptions { Hidden = [8], Latent = 4, Epochs = 1, BatchSize = 16, Seed = 2 },
            window: 8, trainStride: 4, scoreStride: 4).Fit(data.Train.Set, data.Validation.Set))
        {
            Directory.CreateDirectory(dir.File("old"));
            detector.Save(dir.File("old"));
        }

        var path = Path.Combine(dir.File("old"), DetectorBundle.ManifestFile);
        var manifest = JsonNode.Parse(File.ReadAllText(path))!;
        manifest["thresholds"]!["mean-std"] = "NaN";
        manifest["default_threshold"] = "mean-std";
        File.WriteAllText(path, manifest.ToJsonString());

        // When
        using var loaded = DetectorRegistry.Load(dir.File("old"));

        // Then
        Assert.Contains("stored as NaN by an earlier version", Assert.Throws<ArgumentException>(() => loaded.Thresholds.Value()).Message);
        Assert.False(loaded.Thresholds.Of(loaded.Thresholds.Primary).ContainsKey("mean-std"));
        Assert.True(loaded.Thresholds.Of(loaded.Thresholds.Primary).ContainsKey("quantile"));
    }
}
