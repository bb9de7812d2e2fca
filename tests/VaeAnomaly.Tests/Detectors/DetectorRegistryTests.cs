using VaeAnomaly.Detectors;
using VaeAnomaly.Persistence;
using VaeAnomaly.Tests.Training;

namespace VaeAnomaly.Tests.Detectors;

/// <summary>The registry: every model by name, created from settings, restored from its own bundles.</summary>
[Collection(TorchCollection.Name)]
public sealed class DetectorRegistryTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    public static TheoryData<string> Names => [.. DetectorRegistry.Names];

    /// <summary>Small and quick, each model taking what applies to it: two epochs, windows of 8, a latent of 3, a period of 3.</summary>
    private static readonly DetectorSettings Tiny = new() { Epochs = 2, BatchSize = 16, Latent = 3, Window = 8, Period = 3, Seed = 7 };

    [Theory]
    [MemberData(nameof(Names))]
    public void Entry_FitSaveLoad_SameModelScoresAndThresholds(string name)
    {
        // Given: each model of the registry fitted by name on the same small data
        var data = TrainerTests.TinyData(seed: 4);
        var entry = DetectorRegistry.Find(name);
        var settings = new DetectorSettings
        {
            Seed = Tiny.Seed,
            Window = Tiny.Window is { } w && entry.Settings.Contains("window") ? w : null,
            Period = entry.Settings.Contains("period") ? Tiny.Period : null,
            Epochs = entry.Settings.Contains("epochs") ? Tiny.Epochs : null,
            BatchSize = entry.Settings.Contains("batch-size") ? Tiny.BatchSize : null,
            Latent = entry.Settings.Contains("latent") ? Tiny.Latent : null,
        };
        using var fitted = DetectorRegistry.Create(name, settings).Fit(data.Train.Set, data.Validation.Set);
        var bundle = dir.File(name);
        Directory.CreateDirectory(bundle);
        fitted.Save(bundle);

        // When: loaded without naming the model, and with another rule
        using var loaded = DetectorRegistry.Load(bundle);
        using var meanStd = DetectorRegistry.Load(bundle, "mean-std");

        // Then
        Assert.Equal(name, fitted.Name);
        Assert.Equal(name, loaded.Name);
        Assert.Equal(fitted.GetType(), loaded.GetType());
        Assert.Equal(fitted.Channels, loaded.Channels);
        Assert.Equal(fitted.TrainingData, loaded.TrainingData);
        Assert.Equal(fitted.History.Count, loaded.History.Count);
        Assert.Equal(fitted.Thresholds.ByScore.Keys, loaded.Thresholds.ByScore.Keys);
        foreach (var (score, byRule) in fitted.Thresholds.ByScore)
        {
            Assert.Equal(byRule, loaded.Thresholds.Of(score));
        }

        var (expected, actual) = (fitted.Score(data.Test.Set), loaded.Score(data.Test.Set));
        Assert.All(expected.Zip(actual), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-5 * Math.Max(1, Math.Abs(p.First)), $"{p.First} vs {p.Second}"));
        Assert.Equal("quantile", loaded.Thresholds.Rule);
        Assert.Equal("mean-std", meanStd.Thresholds.Rule);
        Assert.Equal(fitted.Thresholds.Value(rule: "mean-std"), meanStd.Thresholds.Value());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Save_IntoAFolderThatIsNotEmptyOrMissing_IsRefusedAndWritesNothing(string name)
    {
        // Given: each model fitted, a folder of the user's holding a history.csv (a name every bundle but the simple
        // models' writes) and an earlier bundle's model.json, and a folder that does not exist
        var data = TrainerTests.TinyData(seed: 4);
        using var fitted = DetectorRegistry.Create(name, DetectorRegistry.Find(name).Taking(Tiny with { Epochs = 1 })).Fit(data.Train.Set, data.Validation.Set);
        var users = Directory.CreateDirectory(dir.File("users")).FullName;
        File.WriteAllText(Path.Combine(users, DetectorBundle.HistoryFile), "mine");
        File.WriteAllText(Path.Combine(users, DetectorBundle.ManifestFile), "{}");
        var missing = dir.File("missing");

        // When
        var notEmpty = Assert.Throws<IOException>(() => fitted.Save(users));
        var notThere = Assert.Throws<DirectoryNotFoundException>(() => fitted.Save(missing));

        // Then: both said, and nothing written or created
        Assert.Contains("holds history.csv,model.json; nothing was written", notEmpty.Message);
        Assert.Contains("does not exist", notThere.Message);
        Assert.Equal(["history.csv", "model.json"], Directory.GetFileSystemEntries(users).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(users, DetectorBundle.HistoryFile)));
        Assert.Equal("{}", File.ReadAllText(Path.Combine(users, DetectorBundle.ManifestFile)));
        Assert.False(Directory.Exists(missing));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void PointThreshold_EveryRuleAndMode_IsTheThresholdScorePointsFlagsWith_AndMinimumRowsIsTheShortestSeriesScored(string name)
    {
        // Given: each model fitted on one two-channel series (a noisy sine and cosine), its last 60 rows validating
        var rng = new Random(3);
        float[] Rows(int n) => [.. Enumerable.Range(0, n).SelectMany(t => new[] { (float)(Math.Sin(t / 6.0) + (0.1 * rng.NextDouble())), (float)Math.Cos(t / 9.0) })];
        VaeAnomaly.Data.SequenceSet Series(int n, string id) => new(["a", "b"], [new VaeAnomaly.Data.Sequence(id, Rows(n))]);
        var entry = DetectorRegistry.Find(name);
        var settings = new DetectorSettings
        {
            Seed = Tiny.Seed,
            Window = entry.Settings.Contains("window") ? Tiny.Window : null,
            Period = entry.Settings.Contains("period") ? Tiny.Period : null,
            Epochs = entry.Settings.Contains("epochs") ? Tiny.Epochs : null,
            Latent = entry.Settings.Contains("latent") ? Tiny.Latent : null,
        };
        using var fitted = DetectorRegistry.Create(name, settings).Fit(Series(240, "train"), Series(60, "validation"));
        var scorer = Assert.IsAssignableFrom<IScoresPoints>(fitted);
        var test = Series(100, "test");

        // When / Then: the threshold a request is flagged with is the one PointThreshold gives, for every rule that could be fitted
        var checkedRules = 0;
        foreach (var mode in new[] { VaeAnomaly.Scoring.PointScoreMode.Last, VaeAnomaly.Scoring.PointScoreMode.Step })
        {
            foreach (var rule in VaeAnomaly.Thresholds.ThresholdRules.Names)
            {
                var request = new VaeAnomaly.Scoring.PointScoreRequest(mode, rule);
                double expected;
                try
                {
                    expected = scorer.PointThreshold(request);
                }
                catch (ArgumentException)
                {
                    Assert.Throws<ArgumentException>(() => scorer.ScorePoints(test, request)); // not fitted either way
                    continue;
                }

                Assert.Equal(expected, scorer.ScorePoints(test, request).Threshold);
                checkedRules++;
            }
        }

        Assert.True(checkedRules >= 4, $"{checkedRules} rule and mode pairs checked"); // quantile and mean-std always fit
        Assert.Equal(scorer.MinimumRows, scorer.ScorePoints(Series(scorer.MinimumRows, "shortest"), new(VaeAnomaly.Scoring.PointScoreMode.Last)).Scores.Length);
        if (scorer.MinimumRows > 1)
        {
            Assert.Throws<ArgumentException>(() => scorer.ScorePoints(Series(scorer.MinimumRows - 1, "shorter"), new(VaeAnomaly.Scoring.PointScoreMode.Last)));
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Watches_TheColumnsAskedFor_OrEveryColumn_KeptAcrossSaveAndLoad(string name)
    {
        // Given: each model that takes watched columns fitted twice on a two-channel series, watching b and watching all
        var entry = DetectorRegistry.Find(name);
        Assert.Contains("target-columns", entry.Settings); // every model takes them (a records model of pca or knn refuses them, tested there)
        float[] Rows(int n) => [.. Enumerable.Range(0, n).SelectMany(t => new[] { (float)Math.Sin(t / 6.0), (float)Math.Cos(t / 9.0) })];
        VaeAnomaly.Data.SequenceSet Series(int n, string id) => new(["a", "b"], [new VaeAnomaly.Data.Sequence(id, Rows(n))]);
        var settings = entry.Taking(Tiny with { Epochs = 1 });
        using var watchingB = DetectorRegistry.Create(name, settings with { TargetColumns = ["b"] }).Fit(Series(120, "train"), Series(40, "validation"));
        using var watchingAll = DetectorRegistry.Create(name, settings).Fit(Series(120, "train"), Series(40, "validation"));
        watchingB.Save(Directory.CreateDirectory(dir.File("b-" + name)).FullName);

        // When
        using var loaded = DetectorRegistry.Load(dir.File("b-" + name));

        // Then
        Assert.Equal(["b"], watchingB.Watches);
        Assert.Equal(["b"], loaded.Watches);
        Assert.Equal(["a", "b"], watchingAll.Watches);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Taking_EverySettingGiven_KeepsExactlyThoseTheModelTakes(string name)
    {
        // Given: every setting set
        var all = new DetectorSettings
        {
            Variant = "v1",
            Epochs = 1,
            BatchSize = 2,
            LearningRate = 0.1,
            Patience = 1,
            Latent = 2,
            Beta = 1,
            Window = 4,
            Period = 3,
            TrainStride = 1,
            ScoreStride = 1,
            Scaler = VaeAnomaly.Data.ScalerKind.ZScore,
            TimeFeatures = 1,
            Aggregate = VaeAnomaly.Scoring.WindowAggregate.Max,
            KlWarmup = 1,
            Cosine = true,
            LrWarmup = 1,
            ClipNorm = 1,
            Lambda = 0,
            Combine = VaeAnomaly.Scoring.CombineMode.Raw,
            McSamples = 1,
            ImportanceSamples = 2,
            Records = VaeAnomaly.Data.TabularEncoder.Fit([new VaeAnomaly.Data.TabularRecord([1f], [], false, VaeAnomaly.Data.SequenceLabel.Normal)], ["n"], []),
            Checkpoint = new VaeAnomaly.Training.TrainingCheckpoint("x", false),
            TargetColumns = ["a"],
        };
        var entry = DetectorRegistry.Find(name);

        // When
        var kept = entry.Taking(all).Given().ToArray();

        // Then
        Assert.Equal(DetectorSettings.Names, all.Given());
        Assert.Equal(DetectorSettings.Names.Where(entry.Settings.Contains), kept);
    }

    [Fact]
    public void Create_SettingTheModelDoesNotTake_IsRefusedNamingWhoTakesItAndWhatItTakes()
    {
        var error = Assert.Throws<ArgumentException>(() => DetectorRegistry.Create("conv-ae", new DetectorSettings { KlWarmup = 3 }));

        Assert.Equal(
            "kl-warmup does not apply to conv-ae (it applies to gru-vae); conv-ae takes variant, epochs, batch-size, lr, patience, latent, window, train-stride, score-stride, scaler, target-columns.",
            error.Message);
    }

    [Theory]
    [InlineData("conv-ae v4", "conv-ae has the versions v1, v2, v3; got 'v4'")]
    [InlineData("tcn", "Unknown model 'tcn'; expected one of dense-ae, lstm-ae, conv-ae, dense-vae, gru-vae, pca, knn, iforest, range, gaussian, seasonal")]
    [InlineData("gru-vae warm", "Unknown configuration 'warm'")]
    [InlineData("dense-vae v2", "variant does not apply to dense-vae")]
    public void Create_UnknownModelOrVersion_IsRefusedSayingWhatThereIs(string name, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => DetectorRegistry.Create(name));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Create_ConvWindowNotAMultipleOfFour_IsRefusedBeforeAnyTraining()
    {
        var error = Assert.Throws<ArgumentException>(() => DetectorRegistry.Create("conv-ae", new DetectorSettings { Window = 30 }));

        Assert.Contains("multiple of 4", error.Message);
    }

    [Fact]
    public void Load_BundleOfAModelThisVersionDoesNotKnow_IsRefusedNamingTheKnownOnes()
    {
        var bundle = dir.File("future");
        Directory.CreateDirectory(bundle);
        File.WriteAllText(Path.Combine(bundle, DetectorBundle.ManifestFile), """{"format_version": 1, "model": "tcn"}""");

        var error = Assert.Throws<BundleException>(() => DetectorRegistry.Load(bundle));

        Assert.Contains("holds a model 'tcn' this version does not know; expected one of dense-ae, lstm-ae, conv-ae, dense-vae, gru-vae, pca, knn, iforest, range, gaussian, seasonal", error.Message);
    }

    [Fact]
    public void Versions_EveryModelAndVersion_InTableOrder()
    {
        Assert.Equal(
            ["dense-ae v1", "dense-ae v2", "dense-ae v3", "lstm-ae v1", "lstm-ae v2", "lstm-ae v3", "conv-ae v1", "conv-ae v2", "conv-ae v3", "dense-vae", "gru-vae", "pca", "knn", "iforest", "range", "gaussian", "seasonal"],
            DetectorRegistry.Versions().Select(v => v.Name));
    }
}
