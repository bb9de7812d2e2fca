using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Onnx.Tests;

/// <summary>ONNX Runtime as the scoring engine gives the fused kernels' scores; what it cannot compute is refused.</summary>
[Collection(TorchCollection.Name)]
public sealed class OnnxEngineTests
{
    internal static float[] Waves(int n, double phase, int spikeAt = -1) =>
        [.. Enumerable.Range(0, n).SelectMany(t => new[] { (float)((3 * Math.Sin((t / 3.0) + phase)) + 10 + (t >= spikeAt && t < spikeAt + 4 && spikeAt >= 0 ? 6 : 0)), (float)(Math.Cos((t / 3.0) + phase) - 2), (float)(t % 7) })];

    /// <summary>A series that leaves the training range both ways: a spike up (rows 70-73), a dip in a (rows 20-22) and one in c (rows 30-31).</summary>
    internal static float[] Excursions(int n = 120)
    {
        var values = Waves(n, 2, spikeAt: 70);
        foreach (var (row, column) in new[] { (20, 0), (21, 0), (22, 0), (30, 2), (31, 2) })
        {
            values[(row * 3) + column] -= 20;
        }

        return values;
    }

    internal static SequenceSet Series(float[] values, string id = "s") => new(["a", "b", "c"], [new Sequence(id, values)]);

    /// <summary>A small GRU-VAE bundle: window 8 (or whole sequences with 0), two epochs, latent 3, watching a and b, KL in the combined score.</summary>
    internal static string Bundle(string folder, int window = 8, SequenceSet? train = null, SequenceSet? validation = null)
    {
        var settings = new DetectorSettings { Seed = 3, Window = window, Epochs = 2, Latent = 3, Lambda = 0.5, TargetColumns = ["a", "b"] };
        using var model = DetectorRegistry.Create("gru-vae", settings).Fit(train ?? Series(Waves(300, 0)), validation ?? Series(Waves(80, 1)));
        var directory = Path.Combine(folder, "bundle");
        Directory.CreateDirectory(directory);
        model.Save(directory);
        return directory;
    }

    /// <summary>Fits <paramref name="name"/> on the training waves, saves it, and loads it twice: as it is, and attached to ONNX Runtime.</summary>
    private static (IFittedDetector Plain, IFittedDetector Onnx) LoadedTwice(TempFolder temp, string name, DetectorSettings settings)
    {
        var directory = Path.Combine(temp.Path, name);
        using (var fitted = DetectorRegistry.Create(name, settings).Fit(Series(Waves(300, 0)), Series(Waves(80, 1))))
        {
            Directory.CreateDirectory(directory);
            fitted.Save(directory);
        }

        var onnx = DetectorRegistry.Load(directory);
        OnnxEngine.Attach(onnx);
        return (DetectorRegistry.Load(directory), onnx);
    }

    private static void AssertClose(IReadOnlyList<float> expected, IReadOnlyList<float> actual, string what)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"{what} [{i}]: default {expected[i]}, onnx {actual[i]}");
        }
    }

    public static TheoryData<PointScoreMode, ScoreKind> Requests => new()
    {
        { PointScoreMode.Step, ScoreKind.Combined },
        { PointScoreMode.Last, ScoreKind.Combined },
        { PointScoreMode.Max, ScoreKind.Kl },
        { PointScoreMode.Mean, ScoreKind.Mahalanobis },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void ScorePoints_OnnxEngine_GivesTheDefaultEnginesScoresWithin1e4(PointScoreMode mode, ScoreKind kind)
    {
        // Given: one bundle loaded twice, once scored by ONNX Runtime
        using var temp = new TempFolder();
        var bundle = Bundle(temp.Path);
        using var fused = DetectorRegistry.Load(bundle);
        using var onnx = DetectorRegistry.Load(bundle);
        OnnxEngine.Attach(onnx);
        var series = Series(Waves(120, 2, spikeAt: 70));

        // When
        var request = new PointScoreRequest(mode, Kind: kind);
        var expected = ((IScoresPoints)fused).ScorePoints(series, request);
        var actual = ((IScoresPoints)onnx).ScorePoints(series, request);

        // Then: the same points, scores and threshold
        Assert.Equal("onnx", ((GruVaeDetector)onnx).Engine);
        Assert.Equal(expected.Threshold, actual.Threshold);
        Assert.Equal(expected.FirstScored, actual.FirstScored);
        AssertClose(expected.Scores, actual.Scores, $"{mode} {kind}");
        Assert.Contains(expected.Scores, s => s != 0);
    }

    [Fact]
    public void ScoreAll_WholeSequencesOfSeveralLengths_GiveTheDefaultEnginesScoresWithin1e4()
    {
        // Given: a whole-sequence GRU-VAE and a batch mixing lengths 14 to 22 (ONNX Runtime runs one call per length)
        using var temp = new TempFolder();
        SequenceSet Set(int count, double phase) => new(["a", "b", "c"], [.. Enumerable.Range(0, count).Select(i => new Sequence($"q{i}", Waves(14 + (i % 9), phase + i)))]);
        var bundle = Bundle(temp.Path, window: 0, train: Set(40, 0), validation: Set(12, 100));
        using var fused = DetectorRegistry.Load(bundle);
        using var onnx = DetectorRegistry.Load(bundle);
        OnnxEngine.Attach(onnx);
        var test = Set(20, 50);

        // When
        var expected = ((IScoresKinds)fused).ScoreAll(test);
        var actual = ((IScoresKinds)onnx).ScoreAll(test);

        // Then: combined, reconstruction, KL, Mahalanobis and per-step errors agree
        AssertClose(expected.Combined, actual.Combined, "combined");
        AssertClose(expected.Parts.Reconstruction, actual.Parts.Reconstruction, "reconstruction");
        AssertClose(expected.Parts.Kl, actual.Parts.Kl, "kl");
        AssertClose(expected.Parts.Mahalanobis, actual.Parts.Mahalanobis, "mahalanobis");
        AssertClose([.. expected.Parts.StepErrors.SelectMany(e => e)], [.. actual.Parts.StepErrors.SelectMany(e => e)], "steps");
    }

    [Fact]
    public void Score_RangeOnTheOnnxEngine_GivesTheDefaultScores()
    {
        // Given: a range check, once attached to ONNX Runtime
        using var temp = new TempFolder();
        var (plain, onnx) = LoadedTwice(temp, "range", new DetectorSettings());
        using var disposePlain = plain;
        using var disposeOnnx = onnx;
        var series = Series(Excursions());
        var sequences = new SequenceSet(["a", "b", "c"], [new Sequence("x", Waves(30, 3, spikeAt: 10)), new Sequence("y", Waves(20, 4))]);

        // When
        var expected = ((IScoresPoints)plain).ScorePoints(series, new PointScoreRequest()).Scores;
        var actual = ((IScoresPoints)onnx).ScorePoints(series, new PointScoreRequest()).Scores;

        // Then: the same row and sequence scores
        Assert.Equal("onnx", ((RowDetector)onnx).Engine);
        Assert.Equal(expected, actual);
        Assert.Contains(expected, s => s > 0);
        Assert.Equal(plain.Score(sequences), onnx.Score(sequences));
    }

    [Theory]
    [InlineData("pca", PointScoreMode.Step)]
    [InlineData("pca", PointScoreMode.Last)]
    [InlineData("knn", PointScoreMode.Step)]
    [InlineData("knn", PointScoreMode.Last)]
    [InlineData("iforest", PointScoreMode.Step)]
    [InlineData("iforest", PointScoreMode.Last)]
    public void ScorePoints_WindowFeatureModelOnTheOnnxEngine_GivesTheDefaultScoresWithin1e4(string name, PointScoreMode mode)
    {
        // Given: a PCA, k-NN or isolation forest of 8-step windows watching a and b, saved and loaded twice, once attached to ONNX Runtime
        using var temp = new TempFolder();
        var (plain, onnx) = LoadedTwice(temp, name, new DetectorSettings { Window = 8, TargetColumns = ["a", "b"] });
        using var disposePlain = plain;
        using var disposeOnnx = onnx;
        var series = Series(Excursions());

        // When
        var expected = ((IScoresPoints)plain).ScorePoints(series, new PointScoreRequest(mode));
        var actual = ((IScoresPoints)onnx).ScorePoints(series, new PointScoreRequest(mode));

        // Then
        Assert.Equal("onnx", ((WindowFeatureDetector)onnx).Engine);
        Assert.Equal(expected.Threshold, actual.Threshold);
        AssertClose(expected.Scores, actual.Scores, $"{name} {mode}");
        Assert.Contains(expected.Scores, s => s > (name == "iforest" ? expected.Threshold : 1)); // an isolation score stays near 0.5-1: the excursions against its threshold
    }

    [Theory]
    [InlineData("dense-ae", PointScoreMode.Step)]
    [InlineData("dense-ae", PointScoreMode.Last)]
    [InlineData("dense-vae", PointScoreMode.Last)]
    [InlineData("lstm-ae", PointScoreMode.Last)]
    [InlineData("conv-ae", PointScoreMode.Step)]
    [InlineData("conv-ae", PointScoreMode.Last)]
    public void ScorePoints_WindowAutoencoderOnTheOnnxEngine_GivesTheDefaultScoresWithin1e4(string name, PointScoreMode mode)
    {
        // Given: a window autoencoder (dense-ae: min-max input and a sigmoid output; dense-vae: z-scores, decoding its
        // posterior mean; lstm-ae; conv-ae: convolutions, pooling, upsampling), saved and loaded twice, once attached to ONNX Runtime
        using var temp = new TempFolder();
        var (plain, onnx) = LoadedTwice(temp, name, new DetectorSettings { Window = 8, Epochs = 2, Seed = 4 });
        using var disposePlain = plain;
        using var disposeOnnx = onnx;
        var series = Series(Excursions());

        // When
        var expected = ((IScoresPoints)plain).ScorePoints(series, new PointScoreRequest(mode));
        var actual = ((IScoresPoints)onnx).ScorePoints(series, new PointScoreRequest(mode));
        var sequences = Sequences(12, 30, spikeAt: 5);

        // Then: the point scores, and each sequence's worst-window score, are the default engine's
        Assert.Equal("onnx", ((WindowAutoencoderDetector)onnx).Engine);
        AssertClose(expected.Scores, actual.Scores, $"{name} {mode}");
        Assert.Contains(expected.Scores, s => s > 0.01);
        AssertClose(plain.Score(sequences), onnx.Score(sequences), $"{name} sequences");
    }

    [Theory]
    [InlineData("dense-ae")]
    [InlineData("dense-vae")]
    public void Score_DenseModelOfWholeSequencesOnTheOnnxEngine_GivesTheDefaultScoresWithin1e4(string name)
    {
        // Given: a dense model of whole 16-step sequences, once attached to ONNX Runtime
        using var temp = new TempFolder();
        var directory = Path.Combine(temp.Path, name);
        using (var fitted = DetectorRegistry.Create(name, new DetectorSettings { Window = 0, Epochs = 2, Seed = 4 }).Fit(Sequences(40, 0), Sequences(12, 100)))
        {
            Directory.CreateDirectory(directory);
            fitted.Save(directory);
        }

        using var plain = DetectorRegistry.Load(directory);
        using var onnx = DetectorRegistry.Load(directory);
        OnnxEngine.Attach(onnx);
        var test = Sequences(20, 50, spikeAt: 5);

        // When
        var expected = plain.Score(test);
        var actual = onnx.Score(test);

        // Then
        Assert.Equal("onnx", ((DenseDetector)onnx).Engine);
        AssertClose(expected, actual, name);
        Assert.Contains(expected, s => s > 0.01);

        // And each sequence's explanation, from either engine's reconstruction, gives its channels the same shares and span
        var (plainWhy, onnxWhy) = (((DenseDetector)plain).Explain(test), ((DenseDetector)onnx).Explain(test));
        for (var i = 0; i < test.Count; i++)
        {
            Assert.Equal(plainWhy[i].ChannelShares.Select(s => s.Key), onnxWhy[i].ChannelShares.Select(s => s.Key));
            AssertClose([.. plainWhy[i].ChannelShares.Select(s => (float)s.Value)], [.. onnxWhy[i].ChannelShares.Select(s => (float)s.Value)], $"{name} sequence {i}");
            Assert.Equal((plainWhy[i].SpanStart, plainWhy[i].SpanEnd), (onnxWhy[i].SpanStart, onnxWhy[i].SpanEnd));
            Assert.Equal(1.0, plainWhy[i].ChannelShares.Sum(s => s.Value), 5);
        }
    }

    /// <summary>Sequences of 16 steps of the waves, each from another phase; a spike in every third when asked.</summary>
    internal static SequenceSet Sequences(int count, double phase, int spikeAt = -1) =>
        new(["a", "b", "c"], [.. Enumerable.Range(0, count).Select(i => new Sequence($"q{i}", Waves(16, phase + i, i % 3 == 0 ? spikeAt : -1)))]);

    [Fact]
    public void ScorePoints_OnnxEngineAndASampledScore_IsRefusedWithTheReason()
    {
        // Given
        using var temp = new TempFolder();
        using var onnx = DetectorRegistry.Load(Bundle(temp.Path));
        OnnxEngine.Attach(onnx);

        // When
        var e = Assert.Throws<ArgumentException>(() => ((IScoresPoints)onnx).ScorePoints(Series(Waves(60, 1)), new PointScoreRequest(PointScoreMode.Last, Kind: ScoreKind.Elbo)));

        // Then
        Assert.Contains("elbo samples the decoder", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dense-ae")]
    [InlineData("knn")]
    [InlineData("iforest")]
    public void Score_RecordsModelOnTheOnnxEngine_GivesTheDefaultScores(string name)
    {
        // Given: a model of records (refused by the engine until 2026-12-07), saved and loaded twice, once on ONNX Runtime
        using var temp = new TempFolder();
        var records = Enumerable.Range(0, 60).Select(i => new TabularRecord([i % 7, i % 5], [i % 2 == 0 ? "a" : "b"], false, SequenceLabel.Normal)).ToArray();
        var encoder = TabularEncoder.Fit(records, ["x", "y"], ["kind"]);
        var set = encoder.ToSequenceSet(records);
        var settings = name is "knn" or "iforest" ? new DetectorSettings { Records = encoder } : new DetectorSettings { Records = encoder, Epochs = 2, Seed = 1 };
        var directory = Path.Combine(temp.Path, name);
        using (var fitted = DetectorRegistry.Create(name, settings).Fit(set, set))
        {
            fitted.Save(Directory.CreateDirectory(directory).FullName);
        }

        using var plain = DetectorRegistry.Load(directory);
        using var onnx = DetectorRegistry.Load(directory);
        OnnxEngine.Attach(onnx);

        // When: both score records, one far out and one of a value training never saw
        var test = encoder.ToSequenceSet([new TabularRecord([3, 2], ["a"], false, SequenceLabel.Normal), new TabularRecord([60, 2], ["b"], false, SequenceLabel.Normal), new TabularRecord([1, 1], ["c"], false, SequenceLabel.Normal)]);

        // Then
        AssertClose(plain.Score(test), onnx.Score(test), name);
    }

    [Theory]
    [InlineData("gaussian", 0)]
    [InlineData("seasonal", 19)]
    public void ScorePoints_RowsJudgedByTheRowsBeforeThemOnTheOnnxEngine_GiveTheDefaultRowScores(string name, int period)
    {
        // Given: a gaussian over 12 rows, or a seasonal of period 19 with a window of 12 residuals, watching a and c,
        // trained on more rows than they read, once attached to ONNX Runtime
        using var temp = new TempFolder();
        var (plain, onnx) = LoadedTwice(temp, name, new DetectorSettings { Window = 12, Period = period > 0 ? period : null, TargetColumns = ["a", "c"] });
        using var disposePlain = plain;
        using var disposeOnnx = onnx;
        var series = Series(Excursions());

        // When
        var expected = ((IScoresPoints)plain).ScorePoints(series, new PointScoreRequest()).Scores;
        var actual = ((IScoresPoints)onnx).ScorePoints(series, new PointScoreRequest()).Scores;

        // Then: every row, the first ones judged against the rows the model starts from too
        Assert.Equal("onnx", ((RowDetector)onnx).Engine);
        AssertClose(expected, actual, name);
        Assert.True(expected[21] > 3 && expected[30] > 3, "the dips score");
    }

    [Fact]
    public void Attach_SeasonalTrainedOnFewerRowsThanItsGraphReads_IsRefusedWithTheReason()
    {
        // Given: 3 periods of 19 and a window of 64: 121 rows before a row, where training and validation give 80
        using var seasonal = DetectorRegistry.Create("seasonal", new DetectorSettings { Period = 19, Window = 64 }).Fit(Series(Waves(60, 0)), Series(Waves(20, 1)));

        // When
        var e = Assert.Throws<ArgumentException>(() => OnnxEngine.Attach(seasonal));

        // Then
        Assert.Contains("trained on 80 rows, fewer than the 121 its graph reads before a row", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Attach_GaussianTrainedOnFewerRowsThanItsWindow_IsRefusedWithTheReason()
    {
        // Given: a gaussian whose window of 64 rows is longer than its 40 training and 20 validation rows
        using var gaussian = DetectorRegistry.Create("gaussian", new DetectorSettings { Window = 64 }).Fit(Series(Waves(40, 0)), Series(Waves(20, 1)));

        // When
        var e = Assert.Throws<ArgumentException>(() => OnnxEngine.Attach(gaussian));

        // Then
        Assert.Contains("trained and validated on 60 rows, fewer than its window of 64", e.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Session_CudaInACpuBuild_IsRefusedNamingWhatIsMissing()
    {
        Skip.If(OnnxEngine.Providers.Contains("CUDAExecutionProvider"), "this build has ONNX Runtime's CUDA provider");

        // When
        var e = Assert.Throws<ArgumentException>(() => OnnxEngine.Session([], OnnxDevice.Cuda));

        // Then
        Assert.Contains("CUDA execution provider", e.Message, StringComparison.Ordinal);
        Assert.Contains("CPUExecutionProvider", e.Message, StringComparison.Ordinal);
    }
}
