using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Evaluation;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Tests.Detectors;

/// <summary>The simple detectors (pca, knn, range, iforest) against answers worked out by hand.</summary>
[Collection(TorchCollection.Name)]
public sealed class SimpleDetectorTests
{
    private static SequenceSet Series(string[] channels, float[] values, string id = "s") => new(channels, [new Sequence(id, values)]);

    [Fact]
    public void Pca_TwoIdenticalColumns_ScoresAPointOffTheLineByItsSquaredDistance()
    {
        // Given: b = a exactly, so after z-scoring every training point lies on z_a = z_b and one component keeps all the variance.
        // a = 0, 2, 0, 2, ...: mean 1, population spread 1, so z = a - 1.
        float[] Pairs(int n) => [.. Enumerable.Range(0, n).SelectMany(i => new[] { (float)(2 * (i % 2)), (float)(2 * (i % 2)) })];
        var train = Series(["a", "b"], Pairs(40));
        var validation = Series(["a", "b"], Pairs(10));
        using var pca = DetectorRegistry.Create("pca", new DetectorSettings { Window = 1 }).Fit(train, validation);

        // When: z = (1, -1), orthogonal to the line; and z = (1, 1), on it
        var scores = pca.Score(new SequenceSet(["a", "b"], [new Sequence("off", [2f, 0f]), new Sequence("on", [2f, 2f])]));

        // Then: the error (1, -1) has squared norm 2, a mean of 1 per column; on the line the error is 0
        Assert.Equal(1.0, scores[0], 4);
        Assert.Equal(0.0, scores[1], 4);
    }

    [Fact]
    public void Pca_FewerWindowsThanValues_FiftyIdenticalColumns_ScoresAPointOffTheLineByItsSquaredDistance()
    {
        // Given: the test above with 50 copies of the column and 4 training rows, so the 4 windows of one step hold
        // 50 values each and the components come from the 4 x 4 Gram matrix: one component, along (1, ..., 1)
        float[] Rows(int n) => [.. Enumerable.Range(0, n).SelectMany(i => Enumerable.Repeat((float)(2 * (i % 2)), 50))];
        var channels = Enumerable.Range(0, 50).Select(c => $"c{c}").ToArray();
        using var pca = DetectorRegistry.Create("pca", new DetectorSettings { Window = 1 }).Fit(Series(channels, Rows(4)), Series(channels, Rows(4)));

        // When: z = (1, ..., 1, -1, ..., -1), orthogonal to the line; and z = (1, ..., 1), on it
        float[] offLine = [.. Enumerable.Range(0, 50).Select(c => c < 25 ? 2f : 0f)];
        var scores = pca.Score(new SequenceSet(channels, [new Sequence("off", offLine), new Sequence("on", [.. Enumerable.Repeat(2f, 50)])]));

        // Then: the whole of z is the error, a mean of 1 per value; on the line the error is 0
        Assert.Equal(1.0, scores[0], 4);
        Assert.Equal(0.0, scores[1], 4);
    }

    [Fact]
    public void Pca_FewerWindowsThanValues_ColumnsThatNeverVary_ScoresFinitelyAndAChangeAboveNoChange()
    {
        // Given: 4 rows of 50 constant columns: the Gram matrix is 0, and its eigenvector gives a component of length 0
        var channels = Enumerable.Range(0, 50).Select(c => $"c{c}").ToArray();
        float[] rows = [.. Enumerable.Repeat(3f, 4 * 50)];
        using var pca = DetectorRegistry.Create("pca", new DetectorSettings { Window = 1 }).Fit(Series(channels, rows), Series(channels, rows));

        // When
        float[] moved = [.. Enumerable.Range(0, 50).Select(c => c == 7 ? 4f : 3f)];
        var scores = pca.Score(new SequenceSet(channels, [new Sequence("same", [.. Enumerable.Repeat(3f, 50)]), new Sequence("moved", moved)]));

        // Then
        Assert.All(scores, s => Assert.True(float.IsFinite(s), $"score {s}"));
        Assert.Equal(0.0, scores[0], 6);
        Assert.True(scores[1] > 0, $"a column that moved off its constant scores {scores[1]}");
    }

    [Fact]
    public void Pca_FewerWindowsThanValues_ScoresAsTheCovarianceOfTheSameWindowsRepeated()
    {
        // Given: 30 rows of 20 random columns in windows of 4 (27 windows of 80 values: the Gram matrix's side), and the
        // same rows as 4 sequences (108 windows: the covariance's side); repeating the windows changes neither the
        // scaler, the mean nor the components, so the two ways must score alike
        var rng = new Random(7);
        var channels = Enumerable.Range(0, 20).Select(c => $"c{c}").ToArray();
        float[] values = [.. Enumerable.Range(0, 30 * 20).Select(_ => (float)rng.NextDouble())];
        var settings = new DetectorSettings { Window = 4 };
        using var fromGram = DetectorRegistry.Create("pca", settings).Fit(Series(channels, values), Series(channels, values));
        using var fromCovariance = DetectorRegistry.Create("pca", settings).Fit(
            new SequenceSet(channels, [.. Enumerable.Range(0, 4).Select(i => new Sequence($"s{i}", values))]), Series(channels, values));
        var test = new SequenceSet(channels, [.. Enumerable.Range(0, 5).Select(i => new Sequence($"t{i}", [.. Enumerable.Range(0, 4 * 20).Select(_ => (float)rng.NextDouble())]))]);

        // When
        var gram = fromGram.Score(test);
        var covariance = fromCovariance.Score(test);

        // Then
        Assert.All(gram, s => Assert.True(s > 0.01, $"a random window off the training windows' span scores {s}"));
        Assert.Equal(covariance, gram, (a, b) => Math.Abs(a - b) <= 1e-4 * Math.Max(1, Math.Abs(a)));
    }

    [Fact]
    public void Pca_Explain_TwoIdenticalColumns_SplitsAnOffLineErrorEvenly_AndAWatchedColumnTakesItAll()
    {
        // Given: the line z_a = z_b of the test above; every error off it is (r, -r), so each column holds half of it
        float[] Pairs(int n) => [.. Enumerable.Range(0, n).SelectMany(i => new[] { (float)(2 * (i % 2)), (float)(2 * (i % 2)) })];
        using var both = DetectorRegistry.Create("pca", new DetectorSettings { Window = 1 }).Fit(Series(["a", "b"], Pairs(40)), Series(["a", "b"], Pairs(10)));
        using var watchingB = DetectorRegistry.Create("pca", new DetectorSettings { Window = 1, TargetColumns = ["b"] }).Fit(Series(["a", "b"], Pairs(40)), Series(["a", "b"], Pairs(10)));
        var off = Series(["a", "b"], [3f, 1f]);

        // When
        var even = ((IExplainsPoints)both).Explain(off);
        var watched = ((IExplainsPoints)watchingB).Explain(off);

        // Then
        Assert.Equal(0.5, even.ChannelShares[0].Value, 6);
        Assert.Equal(0.5, even.ChannelShares[1].Value, 6);
        Assert.Equal([new KeyValuePair<string, double>("b", 1.0)], watched.ChannelShares);
        Assert.Equal(even.ChannelShares, ((IExplainsPoints)both).Explain(Series(["a", "b"], [0f, 0f, 3f, 1f])).ChannelShares); // the rows before the window change nothing
    }

    [Fact]
    public void Knn_PointFarFromEveryTrainingWindow_ScoresItsSquaredDistanceToTheNearestFive()
    {
        // Given: -1 and 1 alternating (mean 0, spread 1: z-scoring changes nothing), windows of one step
        float[] Alternating(int n) => [.. Enumerable.Range(0, n).Select(i => i % 2 == 0 ? -1f : 1f)];
        using var knn = DetectorRegistry.Create("knn", new DetectorSettings { Window = 1 }).Fit(Series(["a"], Alternating(40)), Series(["a"], Alternating(10)));

        // When
        var scores = knn.Score(new SequenceSet(["a"], [new Sequence("far", [3f]), new Sequence("seen", [1f]), new Sequence("between", [0f])]));

        // Then: the five nearest of 3 are all 1, (3 - 1)^2 = 4; a training value is 0 away; 0 is 1 from every neighbour
        Assert.Equal([4f, 0f, 1f], scores);
    }

    [Fact]
    public void Range_Explain_SharesTheRowsExcessOverEachColumnsRange()
    {
        // Given: a from 0 to 2, b from 0 to 4
        var train = Series(["a", "b"], [.. Enumerable.Range(0, 5).SelectMany(i => new[] { i / 2f, (float)i })]);
        using var range = DetectorRegistry.Create("range", new DetectorSettings()).Fit(train, Series(["a", "b"], [1f, 1f]));

        // When: a row 2 above a's range (1 range) and 1 above b's (a quarter of its range)
        var explained = ((IExplainsPoints)range).Explain(Series(["a", "b"], [4f, 5f]));
        var inside = ((IExplainsPoints)range).Explain(Series(["a", "b"], [1f, 1f]));

        // Then: 1 / 1.25 and 0.25 / 1.25; a row inside both ranges has no excess to share, so both get half
        Assert.Equal([new KeyValuePair<string, double>("a", 0.8), new KeyValuePair<string, double>("b", 0.2)], explained.ChannelShares.Select(kv => new KeyValuePair<string, double>(kv.Key, Math.Round(kv.Value, 6))));
        Assert.Equal([0.5, 0.5], inside.ChannelShares.Select(kv => kv.Value));
        Assert.Equal(explained.ChannelShares, ((IExplainsPoints)range).Explain(Series(["a", "b"], [1f, 1f, 4f, 5f])).ChannelShares); // the newest row is explained
        Assert.Throws<ArgumentException>(() => ((IExplainsPoints)range).Explain(new SequenceSet(["a", "b"], [new Sequence("x", [4f, 5f]), new Sequence("y", [4f, 5f])])));
    }

    [Fact]
    public void Range_RowsOutsideTheWatchedColumnsRange_ScoreInUnitsOfThatRangeAndOtherColumnsAreIgnored()
    {
        // Given: a from 0 to 10 (the watched column), b anything
        var train = Series(["a", "b"], [.. Enumerable.Range(0, 11).SelectMany(i => new[] { (float)i, 0f })]);
        using var range = DetectorRegistry.Create("range", new DetectorSettings { TargetColumns = ["a"] }).Fit(train, Series(["a", "b"], [5f, 0f, 6f, 0f]));

        // When
        var points = ((IScoresPoints)range).ScorePoints(Series(["a", "b"], [15f, 0f, 5f, 1000f, -2f, 0f]), new PointScoreRequest(PointScoreMode.Last));

        // Then: (15 - 10) / 10, inside (b's 1000 is not watched), (0 - -2) / 10
        Assert.Equal([0.5f, 0f, 0.2f], points.Scores);
        Assert.Equal(0, points.Threshold);   // every validation row lies inside the range
        Assert.Equal([true, false, true], points.Flags());
    }

    [Theory]
    [InlineData("pca")]
    [InlineData("knn")]
    [InlineData("range")]
    [InlineData("gaussian")]
    public void Create_WatchedColumnThatIsNotAColumn_IsRefusedNamingIt(string model)
    {
        var train = Series(["a", "b"], [.. Enumerable.Range(0, 80).Select(i => (float)Math.Sin(i))]);

        var error = Assert.Throws<ArgumentException>(() => DetectorRegistry.Create(model, new DetectorSettings { TargetColumns = ["v0"], Window = 4 }.WithoutWindowFor(model)).Fit(train, train));

        Assert.True(error.Message.Contains("The watched column 'v0' is not among the data's columns [a,b]", StringComparison.Ordinal), error.Message);
    }

    [Theory]
    [InlineData("pca", 0.95)]
    [InlineData("iforest", 0.9)] // a window holding one spiked step of 8 is isolated less surely by cuts on one value at a time
    public void SpikeInASeries_RanksTheSpikedPointsAboveTheRest(string model, double least)
    {
        // Given: two channels, a sine and its cosine, with a spike on channel a in the test series
        float[] Waves(int n, int spikeAt = -1) => [.. Enumerable.Range(0, n).SelectMany(t => new[] { (float)(Math.Sin(t / 3.0) + (t >= spikeAt && t < spikeAt + 5 && spikeAt >= 0 ? 3 : 0)), (float)Math.Cos(t / 3.0) })];
        using var detector = DetectorRegistry.Create(model, new DetectorSettings { Window = 8 }).Fit(Series(["a", "b"], Waves(400)), Series(["a", "b"], Waves(100)));
        var labels = Enumerable.Range(0, 300).Select(t => t >= 150 && t < 155 + 7).ToArray(); // windows ending up to 7 rows later still hold the spike

        // When
        var points = ((IScoresPoints)detector).ScorePoints(Series(["a", "b"], Waves(300, spikeAt: 150)), new PointScoreRequest(PointScoreMode.Last));

        // Then: random ranks at 0.5
        var auc = RankingMetrics.RocAuc(labels, [.. points.Scores.Select(s => (double)s)]);
        Assert.True(auc > least, $"{model}: AUC-ROC {auc}");
    }
    [Fact]
    public void Gaussian_RowAfterAnAlternatingHistory_ScoresItsDeviationsFromThePreviousRowsOnly()
    {
        // Given: -1 and 1 alternating (mean 0, spread 1) as the last 4 training rows; a window of 4 rows
        float[] Alternating(int n) => [.. Enumerable.Range(0, n).Select(i => i % 2 == 0 ? -1f : 1f)];
        using var gaussian = DetectorRegistry.Create("gaussian", new DetectorSettings { Window = 4 }).Fit(Series(["a"], Alternating(40)), Series(["a"], Alternating(10)));

        // When: 3, then 1
        var points = ((IScoresPoints)gaussian).ScorePoints(Series(["a"], [3f, 1f]), new PointScoreRequest(PointScoreMode.Last));

        // Then: (3 - 0) / 1; then the window is -1, 1, -1... no: the last four rows are 1, -1, 1, 3 (the oldest -1 left):
        // mean 1, spread sqrt(((0)^2 + (-2)^2 + 0^2 + 2^2) / 4) = sqrt(2), so 1 scores 0
        Assert.Equal(3f, points.Scores[0], 5);
        Assert.Equal(0f, points.Scores[1], 5);
        Assert.Equal(0, points.FirstScored);
    }

    [Fact]
    public void Gaussian_ConstantValidationPart_FitsNoThresholdBelowTheNormalsTwoSidedOnePercentPoint_SoOneSpikeFlagsOnlyItself()
    {
        // Given: a constant series (every validation score 0, so each rule would fit 0) and a window of 16 rows
        using var gaussian = DetectorRegistry.Create("gaussian", new DetectorSettings { Window = 16 }).Fit(Series(["a"], [.. Enumerable.Repeat(5f, 100)]), Series(["a"], [.. Enumerable.Repeat(5f, 40)]));
        float[] test = [.. Enumerable.Range(0, 40).Select(t => t == 10 ? 50f : 5f)];

        // When
        var points = ((IScoresPoints)gaussian).ScorePoints(Series(["a"], test), new PointScoreRequest(PointScoreMode.Last));
        var flags = gaussian.Thresholds.Flag(points.Scores, RowDetector.StepSet);
        using var dir = new TempDirectory();
        var bundle = dir.File("b");
        Directory.CreateDirectory(bundle);
        gaussian.Save(bundle);
        var manifest = Path.Combine(bundle, "model.json");
        var written = File.ReadAllText(manifest);
        Assert.Contains("2.5758293035489004", written, StringComparison.Ordinal);
        File.WriteAllText(manifest, written.Replace("2.5758293035489004", "0", StringComparison.Ordinal)); // as a bundle saved before the floor
        using var before = DetectorRegistry.Load(bundle);
        using var given = DetectorRegistry.Load(bundle, "0.01");

        // Then: each row after the spike lies 1 / sqrt(15) deviations from the mean of a window that holds it, below the
        // floor: the two-sided 1% point of a normal, here from MathNet; only the spike is flagged
        var floor = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 0.995);
        Assert.Equal(1 / Math.Sqrt(15), points.Scores[11], 5);
        Assert.Equal([10], Enumerable.Range(0, test.Length).Where(t => flags[t]));
        foreach (var rule in new[] { "quantile", "mean-std" })
        {
            Assert.Equal(floor, gaussian.Thresholds.Value(RowDetector.StepSet, rule), 12);
            Assert.Equal(floor, gaussian.Thresholds.Value("score", rule), 12);
            Assert.Equal(floor, before.Thresholds.Value(RowDetector.StepSet, rule), 12);
        }

        Assert.DoesNotContain("2.5758293035489004", File.ReadAllText(manifest), StringComparison.Ordinal);
        Assert.Equal(0.01, given.Thresholds.Value(RowDetector.StepSet));
    }

    [Fact]
    public void Gaussian_Explain_JudgesTheNewestRowAsTheSeriesScoresIt_FromTheTrainingHistoryWhenTheRowsAreFew()
    {
        // Given: a and b alternate -1 and 1 (mean 0, spread 1) in training; a window of 4 rows
        float[] Alternating(int n) => [.. Enumerable.Range(0, n).SelectMany(i => i % 2 == 0 ? new[] { -1f, -1f } : [1f, 1f])];
        using var gaussian = DetectorRegistry.Create("gaussian", new DetectorSettings { Window = 4 }).Fit(Series(["a", "b"], Alternating(40)), Series(["a", "b"], Alternating(10)));

        // When: the first row of a series, a = 3 and b = 1 (deviations 3 and 1 from the training rows' mean 0, spread 1)
        var first = ((IExplainsPoints)gaussian).Explain(Series(["a", "b"], [3f, 1f]));

        // Then: 3 / 4 and 1 / 4
        Assert.Equal("a", first.ChannelShares[0].Key);
        Assert.Equal(0.75, first.ChannelShares[0].Value, 5);
        Assert.Equal(0.25, first.ChannelShares[1].Value, 5);
    }
}

/// <summary>Settings helpers of these tests.</summary>
internal static class SettingsFor
{
    /// <summary>The settings without a window for the range check, which takes none.</summary>
    public static DetectorSettings WithoutWindowFor(this DetectorSettings settings, string model) => model is "range" or "gaussian" ? settings with { Window = null } : settings;
}

/// <summary>Watched columns of the window autoencoders.</summary>
[Collection(TorchCollection.Name)]
public sealed class WatchedColumnTests
{
    [Fact]
    public void WindowAutoencoder_WatchingOneColumn_ScoresItsScaledErrorAloneAndKeepsItThroughTheBundle()
    {
        // Given: a sine a and a cosine b; the model watches a, reads both
        float[] Waves(int n, double phase) => [.. Enumerable.Range(0, n).SelectMany(t => new[] { (float)Math.Sin((t / 3.0) + phase), (float)(2 * Math.Cos((t / 3.0) + phase)) })];
        var train = new SequenceSet(["a", "b"], [new Sequence("train", Waves(300, 0))]);
        var validation = new SequenceSet(["a", "b"], [new Sequence("validation", Waves(100, 1))]);
        var settings = new DetectorSettings { Window = 8, Epochs = 2, TargetColumns = ["a"], Seed = 3 };
        using var model = DetectorRegistry.Create("dense-ae", settings).Fit(train, validation);
        var window = new SequenceSet(["a", "b"], [new Sequence("w", Waves(8, 2))]);

        // When
        var score = model.Score(window)[0];
        var reconstruction = ((IReconstructs)model).Reconstruct(window)[0];
        using var dir = new TempDirectory();
        var bundle = dir.File("b");
        Directory.CreateDirectory(bundle);
        model.Save(bundle);
        using var loaded = DetectorRegistry.Load(bundle);

        // Then: the mean over the 8 steps of a's squared error in the model's scaled units (dense-ae v1 scales min-max),
        // computed here from the reconstruction
        var scaler = Standardizer.Fit(train, ScalerKind.MinMax);
        var x = window.Sequences[0].Values;
        var expected = Enumerable.Range(0, 8).Average(t => Math.Pow((reconstruction[2 * t] - x[2 * t]) / scaler.Std[0], 2));
        Assert.Equal(expected, score, 3);
        Assert.Equal(score, loaded.Score(window)[0], 4);
        Assert.Contains("\"targets\"", File.ReadAllText(Path.Combine(bundle, "model.json")));
        Assert.Contains("target-columns applies to window models", Assert.Throws<ArgumentException>(() => DetectorRegistry.Create("dense-ae", settings with { Window = 0 })).Message);
    }

    [Fact]
    public void GruVae_WatchingOneColumn_ReconstructionScoreIsThatColumnsErrorAndTheLatentScoresAreUnchanged()
    {
        // Given: the same small GRU-VAE (same seed, same training) watching a, and watching everything
        float[] Waves(int n, double phase) => [.. Enumerable.Range(0, n).SelectMany(t => new[] { (float)Math.Sin((t / 3.0) + phase), (float)(2 * Math.Cos((t / 3.0) + phase)) })];
        var train = new SequenceSet(["a", "b"], [new Sequence("train", Waves(200, 0))]);
        var validation = new SequenceSet(["a", "b"], [new Sequence("validation", Waves(60, 1))]);
        GruVaeEstimator Estimator() => new(
            new VaeAnomaly.Models.GruVaeOptions { EncoderSizes = [8, 6], DecoderSizes = [6, 8], Latent = 3, Window = 8, Seed = 2 },
            new VaeAnomaly.Training.TrainerOptions { Epochs = 1, BatchSize = 16, WindowStride = 4, Seed = 2 },
            new ScoringOptions { WindowStride = 4 });
        using var all = Estimator().Fit(train, validation);
        using var watched = new GruVaeEstimator(
            new VaeAnomaly.Models.GruVaeOptions { EncoderSizes = [8, 6], DecoderSizes = [6, 8], Latent = 3, Window = 8, Seed = 2 },
            new VaeAnomaly.Training.TrainerOptions { Epochs = 1, BatchSize = 16, WindowStride = 4, Seed = 2 },
            new ScoringOptions { WindowStride = 4 })
        { Targets = ["a"] }.Fit(train, validation);
        var window = new SequenceSet(["a", "b"], [new Sequence("w", Waves(8, 2))]);

        // When
        var parts = watched.ScoreAll(window).Parts;
        var reconstruction = watched.Reconstruct(window)[0];

        // Then: a's mean squared error in z-scored units, from the posterior-mean reconstruction; KL as without watching
        var scaler = Standardizer.Fit(train);
        var x = window.Sequences[0].Values;
        var expected = Enumerable.Range(0, 8).Average(t => Math.Pow((reconstruction[2 * t] - x[2 * t]) / scaler.Std[0], 2));
        Assert.Equal(expected, parts.Reconstruction[0], 3);
        Assert.Equal(all.ScoreAll(window).Parts.Kl[0], parts.Kl[0], 5);
        Assert.NotEqual(all.ScoreAll(window).Parts.Reconstruction[0], parts.Reconstruction[0], 3);
    }
}
