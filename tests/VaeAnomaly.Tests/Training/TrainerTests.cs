using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Models;
using VaeAnomaly.Scoring;
using VaeAnomaly.Training;

namespace VaeAnomaly.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class TrainerTests
{
    private static readonly GruVaeOptions SmallModel = new() { EncoderSizes = [16, 8], DecoderSizes = [8, 16], Latent = 4 };

    internal static SyntheticDataset TinyData(int seed = 1) => new SyntheticGenerator(new SyntheticOptions
    {
        Channels = 4,
        Train = 64,
        Validation = 32,
        Test = 40,
        AnomalyRatio = 0.25,
        MinLength = 20,
        MaxLength = 40,
        Seed = seed,
    }).Generate();

    [Fact]
    public void Fit_TinyRun_ValidationLossFalls()
    {
        // Given
        var data = TinyData();
        var detectorEstimator = new GruVaeEstimator(SmallModel, new TrainerOptions { Epochs = 12, BatchSize = 8, LearningRate = 1e-2, Patience = 0 }, new ScoringOptions());

        // When
        using var detector = detectorEstimator.Fit(data.Train.Set, data.Validation.Set);

        // Then
        var history = detector.History;
        Assert.Equal(12, history.Count);
        Assert.True(history[^1].ValidationTotal < 0.8 * history[0].ValidationTotal,
            $"validation loss {history[0].ValidationTotal} -> {history[^1].ValidationTotal}");
        Assert.All(history, h => Assert.True(h.Seconds > 0));
        Assert.False(double.IsNaN(detector.Thresholds.ValueOrNaN()));
    }

    [Fact]
    public void Fit_SameSeedTwice_GivesIdenticalScores()
    {
        var data = TinyData();
        float[] Run()
        {
            var detectorEstimator = new GruVaeEstimator(SmallModel with { Seed = 9 }, new TrainerOptions { Epochs = 2, BatchSize = 16, Seed = 9 }, new ScoringOptions { McSamples = 2 });
            using var detector = detectorEstimator.Fit(data.Train.Set, data.Validation.Set);
            return detector.Score(data.Test.Set);
        }

        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void Fit_EarlyStopping_RestoresBestEpochWeights()
    {
        // Given: a learning rate high enough that validation loss stops improving.
        var data = TinyData();
        var detectorEstimator = new GruVaeEstimator(SmallModel, new TrainerOptions { Epochs = 40, BatchSize = 16, LearningRate = 0.05, Patience = 2 }, new ScoringOptions());

        // When
        using var detector = detectorEstimator.Fit(data.Train.Set, data.Validation.Set);

        // Then: stopped early, and the restored model's validation loss is the best epoch's.
        var history = detector.History;
        Assert.True(history.Count < 40);
        var best = history.Single(h => h.IsBest && h.ValidationTotal == history.Min(r => r.ValidationTotal));
        var parts = detector.ScoreAll(data.Validation.Set).Parts;
        var sumSquaredPerSequence = Enumerable.Range(0, parts.Count).Average(i => parts.StepErrors[i].Sum() * 4.0);
        Assert.Equal(best.ValidationReconstruction, sumSquaredPerSequence, best.ValidationReconstruction * 1e-4);
    }

    [Fact]
    public void Fit_LearningRateFarTooLarge_StopsWithDivergenceMessage()
    {
        // Given: a learning rate so large that the first steps blow the weights up until the loss overflows float32
        // (a set cannot hold a value beyond ±1e18, which this test once used to make the loss overflow)
        var data = TinyData();
        var model = new GruVae(SmallModel with { Channels = 4 });

        // When
        var error = Assert.Throws<TrainingDivergedException>(() =>
            new Trainer(new TrainerOptions { Epochs = 1, BatchSize = 8, LearningRate = 1e12 }).Fit(model, 3.0, data.Train.Set, data.Validation.Set));

        // Then
        Assert.Equal(1, error.Epoch);
        Assert.Contains("learning rate", error.Message);
    }

    [Theory]
    [InlineData(0, 1e-3)]
    [InlineData(10, 0.0)]
    public void LearningRateAt_CosineWithWarmup_FollowsSchedule(int epoch, double expected)
    {
        var options = new TrainerOptions { Epochs = 10, LearningRate = 1e-3, CosineSchedule = true, LearningRateWarmupEpochs = 0 };

        Assert.Equal(expected, options.LearningRateAt(epoch), 12);
        Assert.Equal(0.5e-3, options.LearningRateAt(5), 12);
        Assert.Equal(0.5e-3, (options with { LearningRateWarmupEpochs = 2 }).LearningRateAt(0), 12);
    }

    [Fact]
    public void BetaFractionAt_Warmup_RisesLinearlyToOne()
    {
        var options = new TrainerOptions { KlWarmupEpochs = 3 };

        Assert.Equal([0.25, 0.5, 0.75, 1.0, 1.0], Enumerable.Range(0, 5).Select(options.BetaFractionAt));
    }
}
