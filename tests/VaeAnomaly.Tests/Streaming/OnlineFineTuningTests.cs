using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Scoring;
using VaeAnomaly.Streaming;

namespace VaeAnomaly.Tests.Streaming;

/// <summary>A window autoencoder trained further as a stream goes: it learns a lasting change, and the model it started from stays as it was.</summary>
[Collection(TorchCollection.Name)]
public sealed class OnlineFineTuningTests
{
    /// <summary>Two channels of waves; from row 400 on the first is lifted by 1.5 for good.</summary>
    private static float[] Row(int t) => [(float)(Math.Sin(t / 3.0) + (t >= 400 ? 1.5 : 0)), (float)Math.Cos(t / 3.0)];

    private static SequenceSet Rows(int from, int count) => new(["a", "b"], [new Sequence($"r{from}", [.. Enumerable.Range(from, count).SelectMany(Row)])]);

    private static IFittedDetector Fitted() =>
        DetectorRegistry.Create("dense-ae", new DetectorSettings { Seed = 7, Window = 8, Epochs = 150, Scaler = ScalerKind.ZScore }).Fit(Rows(0, 200), Rows(200, 60));

    private static double MeanWindowScore(IFittedDetector model, int from, ScoreKind kind = ScoreKind.Combined) =>
        ((IScoresPoints)model).ScorePoints(Rows(from, 80), new PointScoreRequest(PointScoreMode.Last, Kind: kind, Stride: 1)).Scores.Skip(7).Average();

    [Fact]
    public void FineTune_OnTheLiftedSeries_LowersItsErrorThere_AndLeavesTheFirstModelAsItWas()
    {
        using var model = Fitted();
        var before = MeanWindowScore(model, 600);

        using var tuned = ((IFineTunes)model).FineTune(Rows(400, 150), Rows(550, 40), epochs: 200);

        Assert.Equal(before, MeanWindowScore(model, 600));
        Assert.True(MeanWindowScore(tuned, 600) < 0.5 * before, $"tuned {MeanWindowScore(tuned, 600)}, first {before}");
        Assert.Equal(model.Channels, tuned.Channels);

        // One more epoch on its own training rows leaves the model where it was: it starts from its weights, not anew.
        using var again = ((IFineTunes)model).FineTune(Rows(0, 200), Rows(200, 60), epochs: 1);
        using var fresh = DetectorRegistry.Create("dense-ae", new DetectorSettings { Seed = 7, Window = 8, Epochs = 1, Scaler = ScalerKind.ZScore }).Fit(Rows(0, 200), Rows(200, 60));
        var (own, tunedOnce, freshOnce) = (MeanWindowScore(model, 100), MeanWindowScore(again, 100), MeanWindowScore(fresh, 100));
        Assert.True(tunedOnce < 2 * own && freshOnce > 20 * own, $"first {own}, one more epoch {tunedOnce}, one epoch from scratch {freshOnce}");
    }

    [Fact]
    public void FineTune_TheGruVae_LearnsTheLiftedSeries_FromItsOwnWeights_AndLeavesTheFirstModelAsItWas()
    {
        static IFittedDetector Gru(int epochs) =>
            DetectorRegistry.Create("gru-vae", new DetectorSettings { Seed = 7, Window = 8, Epochs = epochs, Latent = 3, Patience = 0, TrainStride = 1, BatchSize = 16 }).Fit(Rows(0, 200), Rows(200, 60));

        using var model = Gru(60);
        const ScoreKind Error = ScoreKind.Reconstruction;
        var before = MeanWindowScore(model, 600, Error);

        using var tuned = ((IFineTunes)model).FineTune(Rows(400, 150), Rows(550, 40), epochs: 40);
        using var again = ((IFineTunes)model).FineTune(Rows(0, 200), Rows(200, 60), epochs: 1);
        using var fresh = Gru(1);
        var (own, tunedOnce, freshOnce) = (MeanWindowScore(model, 100, Error), MeanWindowScore(again, 100, Error), MeanWindowScore(fresh, 100, Error));
        Assert.Equal(before, MeanWindowScore(model, 600, Error));
        Assert.True(MeanWindowScore(tuned, 600, Error) < 0.5 * before, $"tuned {MeanWindowScore(tuned, 600, Error)}, first {before}");
        Assert.Equal(model.Channels, tuned.Channels);

        // One more epoch on its own rows stays near the trained model's error; one epoch from scratch is far from it.
        Assert.True(tunedOnce < 0.1 * freshOnce, $"trained {own}, one more epoch {tunedOnce}, one epoch from scratch {freshOnce}");
    }

    [Fact]
    public void OnlineDetector_WithoutAnEstimator_TrainsTheAutoencoderFurtherAsTheStreamGoes()
    {
        using var model = Fitted();
        using var online = new OnlineDetector(null, model, new OnlineOptions(Cadence: 60, Memory: 400, Margin: 8, MinRows: 260, FineTuneEpochs: 3), surpriseHistory: 60);

        foreach (var t in Enumerable.Range(0, 900))
        {
            online.Push(Row(t));
        }

        Assert.True(online.Refits >= 8, $"{online.Refits} refits, {online.SkippedRefits} skipped");
        Assert.True(MeanWindowScore(online.Model, 800) < 0.5 * MeanWindowScore(model, 800), $"in use {MeanWindowScore(online.Model, 800)}, first {MeanWindowScore(model, 800)}");
        Assert.Throws<ArgumentException>(() => new OnlineDetector(null, DetectorRegistry.Create("range", new DetectorSettings()).Fit(Rows(0, 200), Rows(200, 60)), new OnlineOptions(60, 400, 8), 60));
    }
}
