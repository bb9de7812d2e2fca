using System.Text.Json.Nodes;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Models;
using VaeAnomaly.Persistence;
using VaeAnomaly.Scoring;
using VaeAnomaly.Training;

namespace VaeAnomaly.Tests.Persistence;

[Collection(TorchCollection.Name)]
public sealed class GruVaeBundleTests : IDisposable
{
    private static readonly SyntheticDataset Data = new SyntheticGenerator(new SyntheticOptions
    {
        Channels = 3,
        Train = 48,
        Validation = 60,
        Test = 30,
        AnomalyRatio = 0.2,
        MinLength = 15,
        MaxLength = 30,
        Seed = 2,
    }).Generate();

    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private string SaveTrained()
    {
        var detectorEstimator = new GruVaeEstimator(
            new GruVaeOptions { EncoderSizes = [8, 6], DecoderSizes = [6, 8], Latent = 3 },
            new TrainerOptions { Epochs = 2, BatchSize = 16 },
            new ScoringOptions { Lambda = 0.5 });
        using var detector = detectorEstimator.Fit(Data.Train.Set, Data.Validation.Set);
        var bundle = dir.File("bundle");
        Directory.CreateDirectory(bundle);
        detector.Save(bundle);
        return bundle;
    }

    [Fact]
    public void SaveThenLoad_SameData_GivesIdenticalScoresAndThresholds()
    {
        // Given
        var trainedEstimator = new GruVaeEstimator(
            new GruVaeOptions { EncoderSizes = [8, 6], DecoderSizes = [6, 8], Latent = 3 },
            new TrainerOptions { Epochs = 2, BatchSize = 16 },
            new ScoringOptions { Lambda = 0.5 });
        using var trained = trainedEstimator.Fit(Data.Train.Set, Data.Validation.Set);
        var before = trained.ScoreAll(Data.Test.Set);
        Directory.CreateDirectory(dir.File("b"));
        trained.Save(dir.File("b"));

        // When
        using var loaded = GruVaeDetector.Load(dir.File("b"));
        var after = loaded.ScoreAll(Data.Test.Set);

        // Then
        Assert.Equal(before.Combined, after.Combined);
        Assert.Equal(before.Parts.Reconstruction, after.Parts.Reconstruction);
        Assert.Equal(before.Parts.Kl, after.Parts.Kl);
        Assert.Equal(trained.Thresholds.ValueOrNaN(), loaded.Thresholds.ValueOrNaN());
        Assert.Equal(trained.Predict(Data.Test.Set), loaded.Predict(Data.Test.Set));
        Assert.Equal(trained.Thresholds.Of(ScoreKind.Kl.Name())["pot"], loaded.Thresholds.Of(ScoreKind.Kl.Name())["pot"]);
        Assert.Equal(trained.History.Count, loaded.History.Count);
        Assert.Equal(trained.TrainingData, loaded.TrainingData);
    }

    [Fact]
    public void Load_MissingFolderOrManifest_NamesWhatIsMissing()
    {
        Assert.Contains("does not exist", Assert.Throws<BundleException>(() => GruVaeDetector.Load(dir.File("nope"))).Message);
        Directory.CreateDirectory(dir.File("empty"));
        Assert.Contains("has no model.json", Assert.Throws<BundleException>(() => GruVaeDetector.Load(dir.File("empty"))).Message);
    }

    [Fact]
    public void Load_TamperedBundles_AreRefusedWithReasons()
    {
        var bundle = SaveTrained();
        var manifestPath = Path.Combine(bundle, DetectorBundle.ManifestFile);
        var weightsPath = Path.Combine(bundle, DetectorBundle.WeightsFile);
        var manifest = File.ReadAllText(manifestPath);
        var weights = File.ReadAllBytes(weightsPath);

        void Expect(string fragment)
        {
            var error = Assert.Throws<BundleException>(() => GruVaeDetector.Load(bundle));
            Assert.Contains(fragment, error.Message);
            File.WriteAllText(manifestPath, manifest);
            File.WriteAllBytes(weightsPath, weights);
        }

        JsonObject Json() => JsonNode.Parse(manifest)!.AsObject();

        // Truncated weights.
        File.WriteAllBytes(weightsPath, weights[..(weights.Length / 2)]);
        Expect("does not match its recorded SHA-256");

        // Missing weights.
        File.Delete(weightsPath);
        Expect("is missing");

        // Another format version.
        var v2 = Json();
        v2["format_version"] = 2;
        File.WriteAllText(manifestPath, v2.ToJsonString());
        Expect("format version 2");

        // Edited shapes: a latent size the weights were not trained with (the latent scoring model no longer fits).
        var latent = Json();
        latent["model_options"]!["latent"] = 5;
        File.WriteAllText(manifestPath, latent.ToJsonString());
        Expect("'latent.mahalanobis.mean' holds");

        // Edited shapes: an encoder width the weights were not trained with.
        var encoder = Json();
        encoder["model_options"]!["encoder_sizes"]![0] = encoder["model_options"]!["encoder_sizes"]![0]!.GetValue<int>() + 8;
        File.WriteAllText(manifestPath, encoder.ToJsonString());
        Expect("the model options make it");

        // Huge sizes: refused before any allocation.
        var huge = Json();
        huge["model_options"]!["latent"] = 2_000_000_000;
        File.WriteAllText(manifestPath, huge.ToJsonString());
        Expect("sizes above");

        // An unexpected field.
        var extra = Json();
        extra["surprise"] = true;
        File.WriteAllText(manifestPath, extra.ToJsonString());
        Expect("not a valid manifest");

        // Not JSON at all.
        File.WriteAllText(manifestPath, "{ not json");
        Expect("not a valid manifest");

        // Channel count inconsistent with the channel list.
        var channels = Json();
        channels["channels"] = new JsonArray("x");
        File.WriteAllText(manifestPath, channels.ToJsonString());
        Expect("inconsistent");
    }

    [Fact]
    public void Score_DataWithOtherChannels_NamesBothLists()
    {
        using var detector = GruVaeDetector.Load(SaveTrained());
        var renamed = new SequenceSet(["ch0", "ch1", "pressure"], Data.Test.Set.Sequences);

        var error = Assert.Throws<ArgumentException>(() => detector.ScoreAll(renamed));

        Assert.Contains("[ch0,ch1,pressure]", error.Message);
        Assert.Contains("[ch0,ch1,ch2]", error.Message);
    }
}
