using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Scoring;
using VaeAnomaly.Thresholds;

namespace VaeAnomaly.Tests.Detectors;

/// <summary>A series' step threshold is fitted on the very scores it flags: the validation rows' step point scores.</summary>
[Collection(TorchCollection.Name)]
public sealed class StepThresholdTests
{
    private static SequenceSet Waves(int from, int rows, string id)
    {
        var rng = new Random(from + 1);
        return new SequenceSet(["a", "b"], [new Sequence(id, [.. Enumerable.Range(from, rows).SelectMany(t => new[] { (float)(Math.Sin(t / 10.0) + (0.1 * rng.NextDouble())), (float)(Math.Cos(t / 7.0) + (0.1 * rng.NextDouble())) })])]);
    }

    [Theory]
    [InlineData("pca")]
    [InlineData("knn")]
    [InlineData("dense-ae")]
    [InlineData("conv-ae")]
    [InlineData("gru-vae")]
    public void StepThreshold_IsTheRulesValueOfTheValidationRowsStepPointScores_SoItFlagsTheShareTheRuleSays(string model)
    {
        // Given: a window of 16 rows; the validation part scored as score --point-score step scores a series: each row's
        // error averaged over the windows that cover it
        var settings = new DetectorSettings { Window = 16, Seed = 1, Epochs = model is "pca" or "knn" ? null : 1 };
        using var detector = DetectorRegistry.Create(model, settings).Fit(Waves(0, 400, "train"), Waves(400, 150, "validation"));
        var rows = ((IScoresPoints)detector).ScorePoints(Waves(400, 150, "validation"), new PointScoreRequest(PointScoreMode.Step)).Scores;

        // When
        var quantile = new QuantileThreshold().Fit(rows);
        var meanStd = new MeanStdThreshold().Fit(rows);

        // Then: not the rule's value of every window's error at each step, whose tail is longer than a row's mean
        Assert.Equal(quantile, detector.Thresholds.Value("step", "quantile"), 1e-6 * quantile);
        Assert.Equal(meanStd, detector.Thresholds.Value("step", "mean-std"), 1e-6 * meanStd);
        Assert.InRange(rows.Count(s => s > detector.Thresholds.Value("step", "quantile")), 1, 2); // 1% of 150
    }
}
