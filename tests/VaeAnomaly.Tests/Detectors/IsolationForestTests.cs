using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Persistence;

namespace VaeAnomaly.Tests.Detectors;

/// <summary>The isolation forest against the paper's formulas worked out by hand, its seed, its shares and its bundle checks.</summary>
public sealed class IsolationForestTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "vae-iforest-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static SequenceSet Series(string[] channels, float[] values, string id = "s") => new(channels, [new Sequence(id, values)]);

    /// <summary>Two columns of seeded noise, one row per step.</summary>
    private static float[] Noise(int rows, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, 2 * rows).Select(_ => (float)((rng.NextDouble() * 2) - 1))];
    }

    [Fact]
    public void AveragePathLength_IsThePapersNormaliser()
    {
        // c(n) = 2 H(n - 1) - 2 (n - 1) / n, H(i) = ln i + 0.5772156649: by hand, c(3) = 2 (ln 2 + 0.5772156649) - 4/3
        // = 1.2073924; c(256) = 2 (ln 255 + 0.5772156649) - 510/256 = 10.2447709; c(2) = 1 and c(1) = 0 by definition
        Assert.Equal(0, IsolationForestEstimator.AveragePathLength(1));
        Assert.Equal(1, IsolationForestEstimator.AveragePathLength(2));
        Assert.Equal(1.2073924, IsolationForestEstimator.AveragePathLength(3), 6);
        Assert.Equal(10.2447709, IsolationForestEstimator.AveragePathLength(256), 6);
    }

    [Fact]
    public void Score_ThreeTrainingRows_AValueFarAbove_TakesOneOrTwoCutsPerTree_AsThePapersScoreOfThoseLengths()
    {
        // Given: rows 0, 1, 2 (z-scored, still evenly spaced): ψ = 3, trees 2 deep. A value far above all of them goes
        // right at every cut: the root's cut lies above the middle row (half the trees), leaving one row (a leaf at depth
        // 1, path length 1 + c(1) = 1), or below it, leaving two, cut again at depth 1 to a leaf of one (length 2).
        using var forest = DetectorRegistry.Create("iforest", new DetectorSettings { Window = 1 }).Fit(Series(["a"], [0f, 1f, 2f]), Series(["a"], [1f]));

        // When
        var score = forest.Score(Series(["a"], [100f]))[0];

        // Then: the score is 2^(-(1 + k / 100) / c(3)) for the k of 100 trees with two cuts, and k is near half of them
        var k = Enumerable.Range(0, 101).MinBy(j => Math.Abs(score - Math.Pow(2, -(1 + (j / 100.0)) / IsolationForestEstimator.AveragePathLength(3))));
        Assert.Equal(Math.Pow(2, -(1 + (k / 100.0)) / IsolationForestEstimator.AveragePathLength(3)), score, 5);
        Assert.InRange(k, 30, 70);
    }

    [Fact]
    public void Score_TwoTrainingRows_EveryValueIsIsolatedByTheOneCut_AndScoresOneHalf()
    {
        // Given: ψ = 2, trees one cut deep: each leaf holds one row, path length 1, and c(2) = 1
        using var forest = DetectorRegistry.Create("iforest", new DetectorSettings { Window = 1 }).Fit(Series(["a"], [0f, 1f]), Series(["a"], [0.5f]));

        // When
        var scores = forest.Score(new SequenceSet(["a"], [new Sequence("low", [-50f]), new Sequence("inside", [0.5f]), new Sequence("high", [50f])]));

        // Then: 2^(-1 / 1) for every value
        Assert.All(scores, s => Assert.Equal(0.5, s, 6));
    }

    [Fact]
    public void Fit_SameSeed_SameForestAndScores_AnotherSeed_AnotherForest_AndARefitDrawsFromTheSeed()
    {
        // Given
        var (train, validation, test) = (Series(["a", "b"], Noise(300, 1)), Series(["a", "b"], Noise(60, 2)), Series(["a", "b"], Noise(80, 3)));
        using var first = DetectorRegistry.Create("iforest", new DetectorSettings { Window = 4, Seed = 7 }).Fit(train, validation);
        using var again = DetectorRegistry.Create("iforest", new DetectorSettings { Window = 4, Seed = 7 }).Fit(train, validation);
        using var other = DetectorRegistry.Create("iforest", new DetectorSettings { Window = 4, Seed = 8 }).Fit(train, validation);

        // When
        var (a, b, c) = (first.Score(test), again.Score(test), other.Score(test));

        // Then
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(7, ((IRefits)first).RefitSettings.Seed);
    }

    [Fact]
    public void Score_OneWindowAlone_ScoresAsAmongMany()
    {
        // Given
        using var forest = DetectorRegistry.Create("iforest", new DetectorSettings { Window = 4 }).Fit(Series(["a", "b"], Noise(300, 1)), Series(["a", "b"], Noise(60, 2)));
        var many = new SequenceSet(["a", "b"], [.. Enumerable.Range(0, 200).Select(i => new Sequence($"w{i}", Noise(4, 100 + i)))]);

        // When
        var together = forest.Score(many);
        var alone = Enumerable.Range(0, 200).Select(i => forest.Score(many.Subset([i]))[0]).ToArray();

        // Then
        Assert.Equal(together, alone);
    }

    [Fact]
    public void Explain_ARowFarOutInOneColumn_GivesThatColumnMostOfTheShare_AndWatchingIt_ScoresItsValuesMean()
    {
        // Given: two columns of noise; a row whose b lies 20 spreads out
        var (train, validation) = (Series(["a", "b"], Noise(400, 1)), Series(["a", "b"], Noise(80, 2)));
        using var all = DetectorRegistry.Create("iforest", new DetectorSettings { Window = 1 }).Fit(train, validation);
        using var watchingB = DetectorRegistry.Create("iforest", new DetectorSettings { Window = 1, TargetColumns = ["b"] }).Fit(train, validation);
        using var watchingA = DetectorRegistry.Create("iforest", new DetectorSettings { Window = 1, TargetColumns = ["a"] }).Fit(train, validation);
        var outlier = Series(["a", "b"], [0.1f, 12f]);
        var normal = Noise(200, 3);

        // When
        var shares = ((IExplainsPoints)all).Explain(outlier);
        var (score, b, a) = (all.Score(outlier)[0], watchingB.Score(outlier)[0], watchingA.Score(outlier)[0]);
        var normalScores = all.Score(new SequenceSet(["a", "b"], [.. Enumerable.Range(0, 200).Select(i => new Sequence($"n{i}", normal[(2 * i)..((2 * i) + 2)]))]));

        // Then: it scores above 19 in 20 normal rows (not all: a normal row in a corner of the square is isolated as fast by
        // cuts on both columns, the blind side of axis-parallel cuts, Hariri et al., "Extended Isolation Forest", 2018); b
        // narrowed it down the most; the values' errors average to the score (the mean over a and b), so the two watched
        // scores, each one value's error, average to it
        var above = normalScores.Count(s => s < score) / 200.0;
        Assert.True(above >= 0.95, $"score {score} above {above:P0} of normal rows");
        Assert.Equal("b", shares.ChannelShares[0].Key);
        Assert.True(shares.ChannelShares[0].Value > 0.5, $"b's share {shares.ChannelShares[0].Value}");
        Assert.Equal(score, (a + b) / 2, 5);
        Assert.True(b > 1.5 * a, $"watching b {b}, watching a {a}");
    }

    [Fact]
    public void Fit_WatchingOnlyAColumnThatNeverVaries_IsRefusedNamingIt_WhileWatchingItBesideOneThatVaries_Fits()
    {
        // Given: b is 3 in every training row, so no tree can cut on it
        float[] Rows(int n, int seed) => [.. Noise(n, seed).Select((v, i) => i % 2 == 1 ? 3f : v)];
        var (train, validation) = (Series(["a", "b"], Rows(100, 1)), Series(["a", "b"], Rows(40, 2)));

        // When
        var error = Assert.Throws<ArgumentException>(() => DetectorRegistry.Create("iforest", new DetectorSettings { Window = 2, TargetColumns = ["b"] }).Fit(train, validation));
        using var both = DetectorRegistry.Create("iforest", new DetectorSettings { Window = 2, TargetColumns = ["a", "b"] }).Fit(train, validation);

        // Then
        Assert.True(error.Message.Contains("the watched column b never varies in the training rows: a change in it would go unseen", StringComparison.Ordinal), error.Message);
        Assert.Equal(["a", "b"], both.Watches);
    }

    [Fact]
    public void Load_ABundleWhoseTreesAreNotTrees_IsRefusedNamingTheNode()
    {
        // Given: a fitted forest written again with its first tree's root pointing back at itself
        var fitted = (WindowFeatureDetector)DetectorRegistry.Create("iforest", new DetectorSettings { Window = 2 }).Fit(Series(["a", "b"], Noise(100, 1)), Series(["a", "b"], Noise(40, 2)));
        var forest = (IsolationForestModel)fitted.Model;
        int[] left = [.. forest.Left];
        left[0] = 0;
        var broken = new IsolationForestModel(fitted.Shape, forest.Samples, [.. forest.Roots], [.. forest.Values], [.. forest.Cuts], left, [.. forest.Right], [.. forest.Lengths], [.. forest.Sizes], 42);
        var bundle = Path.Combine(root, "broken");
        Directory.CreateDirectory(bundle);
        using (var written = new WindowFeatureDetector("iforest", fitted.Shape, fitted.Scaler, broken, fitted.TrainingData, fitted.Thresholds))
        {
            written.Save(bundle);
        }

        fitted.Dispose();

        // When
        var error = Assert.Throws<BundleException>(() => DetectorRegistry.Load(bundle));

        // Then
        Assert.True(error.Message.Contains("node 0's left child is 0, not a whole number in 1-", StringComparison.Ordinal), error.Message);
    }
}
