using VaeAnomaly.Thresholds;

namespace VaeAnomaly.Tests.Thresholds;

public sealed class ThresholdRuleTests
{
    [Fact]
    public void Quantile_FiveValues_InterpolatesLikeNumPy()
    {
        // numpy.quantile([1, 2, 3, 4, 10], 0.9) = 4 + 0.6 * (10 - 4) = 7.6
        Assert.Equal(7.6, new QuantileThreshold(0.9).Fit([3, 1, 10, 2, 4]), 6);
        Assert.Equal(10, new QuantileThreshold(0.999999).Fit([3, 1, 10, 2, 4]), 4);
    }

    [Fact]
    public void MeanStd_KnownValues_IsMeanPlusKPopulationSd()
    {
        // mean 5, population sd 2
        Assert.Equal(11, new MeanStdThreshold(3).Fit([3, 3, 7, 7]), 6);
    }

    [Fact]
    public void GeneralizedPareto_LargeSample_RecoversShapeAndScale()
    {
        // Given: 20,000 draws by inverse CDF: y = scale / shape * ((1 - u)^(-shape) - 1).
        var rng = new Random(3);
        const double shape = 0.2, scale = 1.5;
        var y = Enumerable.Range(0, 20_000).Select(_ => scale / shape * (Math.Pow(1 - rng.NextDouble(), -shape) - 1)).ToArray();

        // When
        var fit = GeneralizedPareto.Fit(y);

        // Then
        Assert.InRange(fit.Shape, 0.17, 0.23);
        Assert.InRange(fit.Scale, 1.44, 1.56);
        Assert.True(fit.LogLikelihood(y) >= new GeneralizedPareto(shape, scale).LogLikelihood(y));
    }

    [Fact]
    public void GeneralizedPareto_NegativeShapeSample_RecoversBoundedTail()
    {
        var rng = new Random(4);
        const double shape = -0.3, scale = 1.0;
        var y = Enumerable.Range(0, 20_000).Select(_ => scale / shape * (Math.Pow(1 - rng.NextDouble(), -shape) - 1)).ToArray();

        var fit = GeneralizedPareto.Fit(y);

        Assert.InRange(fit.Shape, -0.34, -0.26);
        Assert.InRange(fit.Scale, 0.95, 1.05);
    }

    [Fact]
    public void PeaksOverThreshold_ExponentialScores_MatchesTheTrueQuantile()
    {
        // Given: Exp(1) scores; the score exceeded with probability q is -ln(q).
        var rng = new Random(5);
        var scores = Enumerable.Range(0, 50_000).Select(_ => (float)-Math.Log(1 - rng.NextDouble())).ToArray();

        // When
        var threshold = new PeaksOverThreshold(risk: 1e-3).Fit(scores);

        // Then: -ln(1e-3) = 6.91; the tail fit extrapolates to within a few percent.
        Assert.InRange(threshold, 6.91 * 0.95, 6.91 * 1.05);
    }

    [Fact]
    public void PeaksOverThreshold_TooFewScores_SaysWhy()
    {
        var error = Assert.Throws<ArgumentException>(() => new PeaksOverThreshold().Fit([1, 2, 3]));

        Assert.Contains("at least two normal scores", error.Message);
    }

    [Fact]
    public void FitAll_EveryRule_FitsOrGivesNaN()
    {
        var scores = Enumerable.Range(0, 500).Select(i => (float)Math.Sin(i) + 1).ToArray();

        var all = ThresholdRules.FitAll(scores);

        Assert.Equal(["mean-std", "pot", "quantile"], all.Keys);
        Assert.All(all.Values, v => Assert.True(double.IsFinite(v)));
        Assert.Throws<ArgumentException>(() => ThresholdRules.Create("median"));
    }
}
