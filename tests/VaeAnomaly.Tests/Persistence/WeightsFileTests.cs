using System.Text.Json.Nodes;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Models;
using VaeAnomaly.Performance;
using VaeAnomaly.Persistence;
using VaeAnomaly.Scoring;
using VaeAnomaly.Training;

namespace VaeAnomaly.Tests.Persistence;

/// <summary>A bundle's weights read without libtorch: the same numbers libtorch loads, and a clear refusal of anything else.</summary>
[Collection(TorchCollection.Name)]
public sealed class WeightsFileTests : IDisposable
{
    private static readonly SyntheticDataset Data = new SyntheticGenerator(new SyntheticOptions
    {
        Channels = 3,
        Train = 40,
        Validation = 30,
        Test = 20,
        MinLength = 15,
        MaxLength = 25,
        Seed = 4,
    }).Generate();

    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private (string Bundle, GruVaeOptions Options) Saved()
    {
        var estimator = new GruVaeEstimator(new GruVaeOptions { EncoderSizes = [8, 6], DecoderSizes = [6, 8], Latent = 3, TimeFeatures = 2 }, new TrainerOptions { Epochs = 1, BatchSize = 16 }, new ScoringOptions());
        using var detector = estimator.Fit(Data.Train.Set, Data.Validation.Set);
        var bundle = dir.File("bundle");
        Directory.CreateDirectory(bundle);
        detector.Save(bundle);
        return (bundle, detector.Options);
    }

    [Fact]
    public void SaveArrays_WritesTheBytesLibtorchsModuleSaveWrites_AndReadGivesTheValuesBack()
    {
        // Given: two arrays, one with a dimension above 127 (a two-byte length)
        var arrays = new Dictionary<string, (float[] Values, long[] Shape)>
        {
            ["mean"] = ([1.5f, -2f, 3.25f], [3]),
            ["components"] = ([.. Enumerable.Range(0, 300).Select(i => (i * 0.37f) - 20f)], [2, 150]),
        };
        var (managed, libtorch) = (dir.File("managed"), dir.File("libtorch"));
        Directory.CreateDirectory(managed);
        Directory.CreateDirectory(libtorch);

        // When
        var info = WeightsFile.SaveArrays(managed, arrays);
        using (var stored = StoredArrays.Of(arrays))
        {
            stored.save(Path.Combine(libtorch, DetectorBundle.WeightsFile));
        }

        // Then
        Assert.Equal(File.ReadAllBytes(Path.Combine(libtorch, DetectorBundle.WeightsFile)), File.ReadAllBytes(Path.Combine(managed, info.File)));
        Assert.Equal(DataFingerprint.OfFile(Path.Combine(libtorch, DetectorBundle.WeightsFile)), info.Sha256);
        Assert.Equal(["mean", "components"], info.Parameters.Keys);
        var read = WeightsFile.Read(managed, info, arrays.ToDictionary(kv => kv.Key, kv => kv.Value.Shape));
        Assert.Equal(arrays["components"].Values, read["components"].Values);
        Assert.Equal(arrays["mean"].Values, read["mean"].Values);
    }

    [Fact]
    public void Read_SavedBundle_GivesTheTensorsLibtorchLoads()
    {
        // Given
        var (bundle, options) = Saved();
        var manifest = DetectorBundle.ReadManifest(bundle);
        using var network = Seeding.Build(options.Seed, () => new GruVae(options));
        WeightsFile.Load(network, bundle, manifest.Weights);

        // When
        var state = WeightsFile.Read(bundle, manifest.Weights, GruVaeWeights.Shapes(options));

        // Then: every tensor, its shape and its values, bit for bit; the shapes computed without libtorch are the model's
        var loaded = network.state_dict();
        Assert.Equal(loaded.Keys.Order(), state.Keys.Order());
        foreach (var (name, tensor) in loaded)
        {
            Assert.Equal(tensor.shape, state[name].Shape);
            Assert.Equal(tensor.data<float>().ToArray(), state[name].Values);
        }
    }

    [Fact]
    public void Load_WithoutLibtorchModel_ScoresAsTheModelItWasSavedFrom()
    {
        // Given: a model, saved
        var estimator = new GruVaeEstimator(new GruVaeOptions { EncoderSizes = [8, 6], DecoderSizes = [6, 8], Latent = 3, Window = 8 }, new TrainerOptions { Epochs = 1, BatchSize = 16 }, new ScoringOptions());
        var series = new SequenceSet(Data.Train.Set.ChannelNames, [Data.Train.Set.Sequences.Aggregate((a, b) => new Sequence("s", [.. a.Values, .. b.Values]))]);
        using var trained = estimator.Fit(series, Data.Validation.Set);
        Directory.CreateDirectory(dir.File("b"));
        trained.Save(dir.File("b"));

        // When: loaded (weights read into arrays) and scored point by point
        using var loaded = GruVaeDetector.Load(dir.File("b"));
        var request = new PointScoreRequest(PointScoreMode.Step);
        var expected = trained.ScorePoints(series, request).Scores;
        var actual = loaded.ScorePoints(series, request).Scores;

        // Then
        Assert.Equal(expected.Length, actual.Length);
        for (var t = 0; t < expected.Length; t++)
        {
            Assert.Equal(expected[t], actual[t], 5);
        }
    }

    [Fact]
    public void Read_DoubleTensorWithAMatchingDigest_IsRefusedNamingIt()
    {
        // Given: the first tensor's element type changed to float64 (7) and the digest recorded again, as a tool might write it
        var (bundle, _) = Saved();
        var path = Path.Combine(bundle, DetectorBundle.WeightsFile);
        var bytes = File.ReadAllBytes(path);
        var nameLength = bytes[1];
        Assert.Equal(6, bytes[2 + nameLength]);
        bytes[2 + nameLength] = 7;
        File.WriteAllBytes(path, bytes);
        var manifestPath = Path.Combine(bundle, DetectorBundle.ManifestFile);
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        manifest["weights"]!["sha256"] = DataFingerprint.OfFile(path);
        File.WriteAllText(manifestPath, manifest.ToJsonString());

        // When
        var e = Assert.Throws<BundleException>(() => GruVaeDetector.Load(bundle));

        // Then
        Assert.Contains("element type 7; expected 6 (float32)", e.Message, StringComparison.Ordinal);
    }
}
