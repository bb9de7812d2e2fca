using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Evaluation;
using VaeAnomaly.Models;
using VaeAnomaly.Scoring;
using VaeAnomaly.Training;

namespace VaeAnomaly.Tests.Detectors;

[Collection(TorchCollection.Name)]
public sealed class WindowAutoencoderDetectorTests
{
    /// <summary>Two channels holding a sine and its cosine of random phase; anomalies carry a 12-step spike on channel 0.</summary>
    private static SequenceSet Waves(int count, int anomalies, int seed)
    {
        var rng = new Random(seed);
        var sequences = new List<Sequence>();
        var labels = new List<SequenceLabel>();
        for (var i = 0; i < count; i++)
        {
            var phase = rng.NextDouble() * 2 * Math.PI;
            var length = 48 + rng.Next(17);
            var anomaly = i < anomalies;
            var start = rng.Next(length - 12);
            var values = new float[length * 2];
            for (var t = 0; t < length; t++)
            {
                values[2 * t] = (float)(Math.Sin((t / 4.0) + phase) + (anomaly && t >= start && t < start + 12 ? 3 : 0));
                values[(2 * t) + 1] = (float)Math.Cos((t / 4.0) + phase);
            }

            sequences.Add(new Sequence($"s{i}", values));
            labels.Add(new SequenceLabel(anomaly, anomaly ? "spike" : SequenceLabel.Normal));
        }

        return new SequenceSet(["a", "b"], sequences, labels);
    }

    [Theory]
    [InlineData(WindowNetworks.Dense)]
    [InlineData(WindowNetworks.Lstm)]
    [InlineData(WindowNetworks.Conv)]
    public void Fit_SpikesOnWaves_RanksSpikedSequencesFirst(string family)
    {
        // Given
        var options = new DenseOptions { Hidden = family == WindowNetworks.Conv ? [16, 8] : [32], Latent = 8, Epochs = 15, BatchSize = 32, LearningRate = 3e-3, Patience = 0, Seed = 4 };
        var detectorEstimator = new WindowAutoencoderEstimator(family, options, window: 16, trainStride: 4, scoreStride: 4);
        var test = Waves(60, 10, seed: 3);

        // When
        using var detector = detectorEstimator.Fit(Waves(120, 0, seed: 1), Waves(40, 0, seed: 2));
        var scores = detector.Score(test).Select(s => (double)s).ToArray();

        // Then
        var auc = RankingMetrics.RocAuc([.. test.Labels!.Select(l => l.IsAnomaly)], scores);
        Assert.True(auc > 0.9, $"{detector.Name}: AUC-ROC {auc}");
        Assert.Equal($"{family}-ae", detector.Name);
    }

    /// <summary>A fitted conv-ae on one long series of the waves (windows of 16, scored every 4 steps).</summary>
    private static WindowAutoencoderDetector SeriesDetector()
    {
        var options = new DenseOptions { Hidden = [16, 8], Latent = 8, Epochs = 4, BatchSize = 32, LearningRate = 3e-3, Patience = 0, Seed = 4 };
        return new WindowAutoencoderEstimator(WindowNetworks.Conv, options, window: 16, trainStride: 4, scoreStride: 4)
            .Fit(Concatenated(Waves(8, 0, seed: 1)), Concatenated(Waves(3, 0, seed: 2)));
    }

    private static SequenceSet Concatenated(SequenceSet set) => new(set.ChannelNames, [new Sequence("series", [.. set.Sequences.SelectMany(s => s.Values)])]);

    [Theory]
    [InlineData(PointScoreMode.Mean)]
    [InlineData(PointScoreMode.Max)]
    [InlineData(PointScoreMode.Last)]
    public void ScorePoints_FromWindowScores_FoldTheScoresOfEachWindowScoredAlone(PointScoreMode mode)
    {
        // Given: two waves end to end (96-128 steps): windows start every 4 steps, and the last ends at the last step
        using var detector = SeriesDetector();
        var series = Concatenated(Waves(2, 1, seed: 5));
        var steps = series.LengthOf(0);
        var starts = SlidingWindows.Starts(steps, 16, 4).ToArray();

        // When: at the model's stride of 4 (last mode's default is 1: see the test below)
        var points = detector.ScorePoints(series, new PointScoreRequest(mode, Stride: 4, Chunk: 5));

        // Then: the same as scoring each window as a sequence of its own (the sequence path: worst window = the only one)
        var alone = detector.Score(new SequenceSet(series.ChannelNames, [.. starts.Select(s => new Sequence($"w{s}", series.Sequences[0].Values.AsSpan(s * 2, 32).ToArray()))]));
        for (var t = 0; t < steps; t++)
        {
            var covering = Enumerable.Range(0, starts.Length).Where(k => starts[k] <= t && t < starts[k] + 16).Select(k => (double)alone[k]).ToArray();
            var ended = Enumerable.Range(0, starts.Length).Where(k => starts[k] + 15 <= t).Select(k => (double)alone[k]).ToArray();
            var expected = mode switch
            {
                PointScoreMode.Mean => covering.Average(),
                PointScoreMode.Max => covering.Max(),
                _ => ended.Length == 0 ? 0 : ended[^1],
            };
            Assert.Equal(expected, points.Scores[t], 1e-5 * Math.Max(1, Math.Abs(expected))); // float sums of other batch sizes
        }

        Assert.Equal(mode == PointScoreMode.Last ? 15 : 0, points.FirstScored);
        Assert.Equal(detector.Thresholds.Of("window")["quantile"], points.Threshold);
        Assert.Equal(starts.Length, points.Windows);
    }

    [Fact]
    public void ScorePoints_LastByDefault_ScoresEveryPointByTheWindowThatEndsAtIt()
    {
        // Given: a series scored in last mode with the default request
        using var detector = SeriesDetector();
        var series = Concatenated(Waves(2, 1, seed: 5));
        var steps = series.LengthOf(0);

        // When
        var points = detector.ScorePoints(series, new PointScoreRequest(PointScoreMode.Last, Chunk: 5));

        // Then: point t scores the window of steps t-15..t scored alone, whatever the model's stride
        var alone = detector.Score(new SequenceSet(series.ChannelNames, [.. Enumerable.Range(15, steps - 15).Select(t => new Sequence($"w{t}", series.Sequences[0].Values.AsSpan((t - 15) * 2, 32).ToArray()))]));
        for (var t = 15; t < steps; t++)
        {
            // Batched differently (chunks of 5 against one batch), so equal to float rounding.
            Assert.True(Math.Abs(alone[t - 15] - points.Scores[t]) <= 1e-5 * Math.Max(1, Math.Abs(alone[t - 15])), $"row {t}: alone {alone[t - 15]}, series {points.Scores[t]}");
        }

        Assert.Equal(steps - 15, points.Windows);
    }

    [Fact]
    public void Explain_WindowWithASpike_SharesAreEachChannelsScaledSquaredErrorOfTheReconstruction()
    {
        // Given: one 16-row window of a normal wave with a spike of 8 on channel a at rows 4-9. (This small model, 4 epochs,
        // spreads the spike into its reconstruction of b too, so b takes the larger share: a share is of the model's
        // error, not a diagnosis; the CLI test shows a trained model naming the spiked channel.)
        using var detector = SeriesDetector();
        var values = Concatenated(Waves(1, 0, seed: 6)).Sequences[0].Values.AsSpan(0, 32).ToArray();
        for (var t = 4; t < 10; t++)
        {
            values[2 * t] += 8;
        }

        var window = new SequenceSet(["a", "b"], [new Sequence("w", values)]);

        // When
        var explained = detector.Explain(window);

        // Then: each channel's share is that of its scaled squared reconstruction error, computed from the reconstruction
        var reconstruction = detector.ReconstructSeries(window);
        var scaler = Standardizer.Fit(Concatenated(Waves(8, 0, seed: 1)), detector.Options.Scaler);
        double Error(int c) => Enumerable.Range(0, 16).Sum(t => Math.Pow((reconstruction[(2 * t) + c] - values[(2 * t) + c]) / scaler.Std[c], 2));
        var shares = explained.ChannelShares.ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal(Error(0) / (Error(0) + Error(1)), shares["a"], 3);
        Assert.Equal(Error(1) / (Error(0) + Error(1)), shares["b"], 3);
        Assert.InRange(explained.SpanStart, 0, 15);
        Assert.Throws<ArgumentException>(() => detector.Explain(new SequenceSet(["a", "b"], [new Sequence("short", values[..30])])));
    }

    [Fact]
    public void ScorePoints_OneWindowSeries_StepErrorsAndReconstructionAgreeWithTheWindowScore()
    {
        // Given: a series exactly one window long
        using var detector = SeriesDetector();
        var series = Concatenated(Waves(1, 1, seed: 6));
        var window = new SequenceSet(series.ChannelNames, [new Sequence("w", series.Sequences[0].Values.AsSpan(0, 32).ToArray())]);
        var score = detector.Score(window)[0];

        // When
        var steps = detector.ScorePoints(window, new PointScoreRequest(PointScoreMode.Step));
        var reconstruction = detector.ReconstructSeries(window);

        // Then: the window's score is the mean of its step errors, and the squared error of the reconstruction in scaled units
        Assert.Equal(score, steps.Scores.Average(), 5);
        Assert.Equal(detector.Thresholds.Of("step")["quantile"], steps.Threshold);
        var scaler = Standardizer.Fit(Concatenated(Waves(8, 0, seed: 1)), detector.Options.Scaler);
        var x = window.Sequences[0].Values;
        var squared = Enumerable.Range(0, 32).Average(i => Math.Pow((reconstruction[i] - x[i]) / scaler.Std[i % 2], 2));
        Assert.Equal(score, squared, 4);
    }

    [Fact]
    public void ScorePoints_AfterSaveAndLoad_GivesTheSameScoresAndAnOldBundleIsRefusedClearly()
    {
        // Given
        using var detector = SeriesDetector();
        var series = Concatenated(Waves(2, 1, seed: 5));
        using var dir = new TempDirectory();
        var directory = dir.File("bundle");
        Directory.CreateDirectory(directory);
        detector.Save(directory);

        // When
        using var loaded = Assert.IsType<WindowAutoencoderDetector>(DetectorRegistry.Load(directory));
        var manifest = Path.Combine(directory, "model.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifest))!.AsObject();
        Assert.True(json.Remove("window_thresholds")); // as a bundle written before baselines scored series
        File.WriteAllText(manifest, json.ToJsonString());
        using var old = Assert.IsType<WindowAutoencoderDetector>(DetectorRegistry.Load(directory));

        // Then
        Assert.Equal(detector.ScorePoints(series, new PointScoreRequest(PointScoreMode.Mean)).Scores, loaded.ScorePoints(series, new PointScoreRequest(PointScoreMode.Mean)).Scores);
        Assert.Equal(detector.Thresholds.Of("step"), loaded.Thresholds.Of("step"));
        Assert.False(old.Thresholds.Has("window"));
        var error = Assert.Throws<InvalidOperationException>(() => old.ScorePoints(series, new PointScoreRequest(PointScoreMode.Last)));
        Assert.Contains("train it again", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ScorePoints_ThroughTheCapability_SameAsDirectAndRefusesTheGruVaesScoreKinds()
    {
        // Given: a window model seen only as a model that scores points, as the commands see it
        var detectorEstimator = new WindowAutoencoderEstimator(WindowNetworks.Dense, new DenseOptions { Hidden = [8], Latent = 4, Epochs = 1, Seed = 3 }, window: 8, scoreStride: 2);
        using var detector = detectorEstimator.Fit(Waves(20, 0, 1), Waves(10, 0, 2));
        var series = new SequenceSet(["a", "b"], [Waves(1, 0, 9).Sequences[0]]);
        IScoresPoints scorer = detector;

        // When
        var viaCapability = scorer.ScorePoints(series, new PointScoreRequest(PointScoreMode.Max, "quantile"));
        var error = Assert.Throws<ArgumentException>(() => scorer.ScorePoints(series, new PointScoreRequest(PointScoreMode.Last, Kind: ScoreKind.Kl)));

        // Then
        // Equal up to float rounding: libtorch's BLAS may sum in another order for another memory alignment.
        static void Close(float[] expected, float[] actual) => Assert.All(expected.Zip(actual),
            p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-5 * Math.Max(1, Math.Abs(p.First)), $"{p.First} vs {p.Second}"));
        Close(detector.ScorePoints(series, new PointScoreRequest(PointScoreMode.Max)).Scores, viaCapability.Scores);
        Assert.Contains("has one score", error.Message, StringComparison.Ordinal);
        Close(detector.ReconstructSeries(series), ((IReconstructsSeries)detector).ReconstructSeries(series));
    }

    [Fact]
    public void Reconstruct_WindowsBatchedAndLongerSequences_EqualReconstructingEachAlone()
    {
        // Given: three sequences of exactly one window and one longer, mixed
        var detectorEstimator = new WindowAutoencoderEstimator(WindowNetworks.Dense, new DenseOptions { Hidden = [8], Latent = 4, Epochs = 1, Seed = 4 }, window: 8, scoreStride: 2);
        using var detector = detectorEstimator.Fit(Waves(20, 0, 1), Waves(10, 0, 2));
        var waves = Waves(4, 0, 5);
        var data = new SequenceSet(waves.ChannelNames,
            [.. waves.Sequences.Take(3).Select(s => new Sequence(s.Id, s.Values.AsSpan(0, 8 * waves.Channels).ToArray())), waves.Sequences[3]]);
        IReconstructs model = detector;

        // When
        var together = model.Reconstruct(data);

        // Then: in the data's units, one row-major reconstruction per sequence, each as if alone
        Assert.Equal(4, together.Length);
        for (var i = 0; i < data.Count; i++)
        {
            var alone = detector.ReconstructSeries(data.Subset([i]));
            Assert.Equal(data.Sequences[i].Values.Length, together[i].Length);
            Assert.All(alone.Zip(together[i]), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-5 * Math.Max(1, Math.Abs(p.First)), $"sequence {i}: {p.First} vs {p.Second}"));
        }

        var mae = data.Sequences[0].Values.Zip(together[0]).Average(p => Math.Abs(p.First - p.Second));
        Assert.True(mae < 2.0, $"a reconstruction in the data's units should be near the data (MAE {mae})"); // waves of amplitude ~1
    }

    [Fact]
    public void Score_SequenceShorterThanAWindow_IsRefused()
    {
        var detectorEstimator = new WindowAutoencoderEstimator(WindowNetworks.Dense, new DenseOptions { Epochs = 1 }, window: 16);
        using var detector = detectorEstimator.Fit(Waves(20, 0, 1), Waves(10, 0, 2));

        var error = Assert.Throws<ArgumentException>(() => detector.Score(new SequenceSet(["a", "b"], [new Sequence("short", new float[20])])));

        Assert.Contains("Sequence 'short' has 10 steps; the dense-ae reads windows of 16", error.Message);
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(true, false)]
    public void Fit_WatchingColumnA_OnlyItsReconstructionIsLearned(bool variational, bool watchA)
    {
        // Given: a dense window model (windows of 8 steps of a and b, so 16 outputs) that watches a, or every column
        var options = new DenseOptions { Variational = variational, Hidden = [12], Latent = 4, Epochs = 3, BatchSize = 16, LearningRate = 1e-2, Patience = 0, Seed = 5 };
        var estimator = new WindowAutoencoderEstimator(WindowNetworks.Dense, options, window: 8, trainStride: 4, scoreStride: 4, targets: watchA ? ["a"] : null);

        // When
        using var detector = estimator.Fit(Waves(30, 0, 1), Waves(10, 0, 2));

        // Then: the output layer's weights and bias of b's values (output t * 2 + 1) get no gradient when only a is watched,
        // so they keep their initial values, while a's are learned; b stays an input (the first layer's weights of it are learned)
        var initial = NetworkState.Of(Seeding.Build(options.Seed, detector.WindowShape.Build));
        var outputLayer = detector.State.Where(kv => kv.Value.Shape[0] == 16).Select(kv => kv.Key).ToArray();
        Assert.Equal(2, outputLayer.Length); // the last decoder layer's weight (16 x 12) and bias (16)
        foreach (var name in outputLayer)
        {
            var (before, after, width) = (initial[name].Values, detector.State[name].Values, detector.State[name].Values.Length / 16);
            bool Moved(int output) => Enumerable.Range(output * width, width).Any(i => before[i] != after[i]);
            Assert.All(Enumerable.Range(0, 8), t => Assert.True(Moved(2 * t), $"{name}: a's output at step {t} was not learned"));
            Assert.All(Enumerable.Range(0, 8), t => Assert.Equal(!watchA, Moved((2 * t) + 1)));
        }

        var inputLayer = detector.State.Single(kv => kv.Value.Shape is [12, 16]).Key;
        Assert.Contains(Enumerable.Range(0, 12 * 16).Where(i => i % 2 == 1), i => initial[inputLayer].Values[i] != detector.State[inputLayer].Values[i]);
    }

    [Fact]
    public void Registry_Select_ExpandsFamiliesAndRejectsUnknownNames()
    {
        Assert.Equal(16, DetectorRegistry.Select("all").Count);
        Assert.DoesNotContain(DetectorRegistry.Select("all"), v => v.Name == "seasonal"); // it needs one series' rhythm: compared only when named
        Assert.Equal(["seasonal"], DetectorRegistry.Select("seasonal").Select(e => e.Name));
        Assert.Equal(["lstm-ae v1", "lstm-ae v2", "lstm-ae v3", "gru-vae"], DetectorRegistry.Select("lstm-ae, gru-vae").Select(e => e.Name));
        Assert.Equal(["conv-ae v2"], DetectorRegistry.Select("conv-ae v2").Select(e => e.Name));
        Assert.Contains("Unknown model 'tcn'", Assert.Throws<ArgumentException>(() => DetectorRegistry.Select("tcn")).Message);
    }
}
