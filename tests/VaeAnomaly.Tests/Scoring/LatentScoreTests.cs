using VaeAnomaly.Evaluation;
using VaeAnomaly.Models;
using VaeAnomaly.Scoring;
using VaeAnomaly.Tests.Models;
using static TorchSharp.torch;

namespace VaeAnomaly.Tests.Scoring;

[Collection(TorchCollection.Name)]
public sealed class LatentScoreTests
{
    [Fact]
    public void Mahalanobis_DiagonalCovariance_MatchesHandComputedDistance()
    {
        // Given: mean 0, sample variances 2/3 and 8/3, no correlation.
        var model = MahalanobisModel.Fit([[1, 0], [-1, 0], [0, 2], [0, -2]]);

        // When / Then: sqrt(1 / (2/3) + 4 / (8/3)) = sqrt(3)
        Assert.Equal(Math.Sqrt(3), model.Distance([1f, 2f]), 5);
        Assert.Equal(0, model.Distance([0f, 0f]), 9);
    }

    [Fact]
    public void Mahalanobis_CorrelatedPoints_ShrinksTheCovarianceTowardItsDiagonal()
    {
        // Given: variances 10/3, covariance 8/3, shrunk to 0.9 * 8/3 = 2.4.
        var model = MahalanobisModel.Fit([[2, 1], [-2, -1], [1, 2], [-1, -2]]);

        // Then: (1, -1) is an eigenvector of [[10/3, 2.4], [2.4, 10/3]] with eigenvalue 10/3 - 2.4, so d^2 = 2 / (10/3 - 2.4).
        Assert.Equal(Math.Sqrt(2 / ((10.0 / 3) - 2.4)), model.Distance([1f, -1f]), 5);
    }

    /// <summary>x = W z + b + noise, z ~ N(0, I2), noise ~ N(0, 0.5 I3): p(x) = N(b, W W^T + 0.5 I) is known exactly.</summary>
    private static class LinearGaussian
    {
        public static readonly double[,] W = { { 1.0, 0.5 }, { -0.3, 0.8 }, { 0.2, -1.1 } };
        public static readonly double[] B = [0.1, -0.2, 0.3];
        public const double Noise = 0.5;

        public static double ExactNegativeLogLikelihood(double[] x)
        {
            using var scope = NewDisposeScope();
            var w = tensor(new[] { 1.0, 0.5, -0.3, 0.8, 0.2, -1.1 }, [3, 2]);
            var cov = w.matmul(w.T) + (Noise * eye(3, dtype: float64));
            var d = tensor(x) - tensor(B);
            var quad = d.unsqueeze(0).matmul(linalg.inv(cov)).matmul(d.unsqueeze(1)).item<double>();
            return 0.5 * (quad + linalg.slogdet(cov).Item2.item<double>() + (3 * Math.Log(2 * Math.PI)));
        }

        public static (double[] Mean, double[] Var) ExactPosterior(double[] x)
        {
            using var scope = NewDisposeScope();
            var w = tensor(new[] { 1.0, 0.5, -0.3, 0.8, 0.2, -1.1 }, [3, 2]);
            var s = linalg.inv(eye(2, dtype: float64) + (w.T.matmul(w) / Noise));
            var m = s.matmul(w.T).matmul((tensor(x) - tensor(B)).unsqueeze(1)).squeeze(1) / Noise;
            // The exact posterior is not diagonal; the tests use it only through its diagonal when it is.
            return (m.data<double>().ToArray(), s.diagonal().data<double>().ToArray());
        }

        public static Func<Tensor, Tensor> LogLikelihood(double[] x, int batch)
        {
            var xs = tensor(x).view(1, 1, 3).expand(batch, 1, 3);
            var w = tensor(new[] { 1.0, 0.5, -0.3, 0.8, 0.2, -1.1 }, [3, 2]);
            var b = tensor(B);
            var variance = full(3, Noise, dtype: float64);
            var mask = ones(batch, 1, dtype: ScalarType.Bool);
            return z =>
            {
                var copies = z.shape[0] / batch;
                return ImportanceSampling.GaussianLogLikelihood(xs.repeat(copies, 1, 1), (z.matmul(w.T) + b).unsqueeze(1), variance, mask.repeat(copies, 1));
            };
        }

        /// <summary>-ELBO for a diagonal Gaussian q = N(m, diag(v)), in closed form.</summary>
        public static double NegativeElbo(double[] x, double[] m, double[] v)
        {
            var residual = new double[3];
            double trace = 0;
            for (var i = 0; i < 3; i++)
            {
                residual[i] = x[i] - B[i] - ((W[i, 0] * m[0]) + (W[i, 1] * m[1]));
                trace += (W[i, 0] * W[i, 0] * v[0]) + (W[i, 1] * W[i, 1] * v[1]);
            }

            var expectedLogLik = (-1.5 * Math.Log(2 * Math.PI * Noise)) - ((residual.Sum(r => r * r) + trace) / (2 * Noise));
            var kl = 0.5 * Enumerable.Range(0, 2).Sum(j => (m[j] * m[j]) + v[j] - 1 - Math.Log(v[j]));
            return kl - expectedLogLik;
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(64)]
    public void NegativeLogLikelihood_DrawsGroupedPerCall_GiveTheSameEstimateAsOneAtATime(int perCall)
    {
        // Given: the same 5 proposals, K = 8, and two generators with the same seed.
        double[] x = [1.2, -0.4, 0.9];
        using var scope = NewDisposeScope();
        var mean = tensor(new[] { 0.1, -0.2, 0.3, 0.0, -0.5, 0.4, 0.2, 0.2, 1.0, -1.0 }, [5, 2]);
        var logVar = full(5, 2, -0.5, dtype: float64);
        var logLik = LinearGaussian.LogLikelihood(x, 5);
        using var one = new Generator(11);
        using var grouped = new Generator(11);

        // When
        var single = ImportanceSampling.NegativeLogLikelihood(logLik, mean, logVar, 8, one).data<double>().ToArray();
        var many = ImportanceSampling.NegativeLogLikelihood(logLik, mean, logVar, 8, grouped, perCall).data<double>().ToArray();

        // Then: the same draws in the same order, so the same numbers.
        Assert.Equal(single, many, (a, b) => Math.Abs(a - b) < 1e-9);
    }

    [Fact]
    public void NegativeLogLikelihood_MismatchedProposal_IsBoundedByElboAndTightensWithK()
    {
        // Given: a proposal that is not the exact posterior (diagonal, shifted mean, wider).
        manual_seed(1);
        double[] x = [1.2, -0.4, 0.9];
        var exact = LinearGaussian.ExactNegativeLogLikelihood(x);
        var (postMean, postVar) = LinearGaussian.ExactPosterior(x);
        double[] m = [postMean[0] + 0.4, postMean[1] - 0.3];
        double[] v = [postVar[0] * 2, postVar[1] * 2];
        var negativeElbo = LinearGaussian.NegativeElbo(x, m, v);
        const int repeats = 4000;
        using var scope = NewDisposeScope();
        using var generator = new Generator(7);
        var mean = tensor(m).unsqueeze(0).expand(repeats, 2);
        var logVar = tensor(v).log().unsqueeze(0).expand(repeats, 2);
        var logLik = LinearGaussian.LogLikelihood(x, repeats);

        // When: many independent estimates for K = 1, 8 and 64.
        double Average(int k) => ImportanceSampling.NegativeLogLikelihood(logLik, mean, logVar, k, generator).mean().item<double>();
        var k1 = ImportanceSampling.NegativeLogLikelihood(logLik, mean, logVar, 1, generator);
        var (k1Mean, k1Se) = (k1.mean().item<double>(), k1.std().item<double>() / Math.Sqrt(repeats));
        var k8 = Average(8);
        var k64 = Average(64);

        // Then: K = 1 is the negative ELBO in expectation; larger K is tighter and never below -log p(x) on average.
        Assert.True(negativeElbo > exact + 0.05, $"the proposal should be visibly mismatched: -ELBO {negativeElbo}, -log p {exact}");
        Assert.InRange(k1Mean, negativeElbo - (4 * k1Se), negativeElbo + (4 * k1Se));
        Assert.True(k8 < k1Mean && k64 < k8, $"K=1 {k1Mean}, K=8 {k8}, K=64 {k64}");
        Assert.True(k64 >= exact - 0.01, $"K=64 {k64} below -log p(x) {exact}");
        Assert.True(k64 - exact < 0.25 * (negativeElbo - exact), $"K=64 {k64} should close most of the gap to {exact}");
    }

    [Fact]
    public void ActiveUnits_ModelForcedToCollapse_CountsNone()
    {
        // Given: a model whose mean head is zeroed, so every posterior mean is 0.
        manual_seed(2);
        using var model = new GruVae(new GruVaeOptions { Channels = 3, EncoderSizes = [8, 6], DecoderSizes = [6, 8], Latent = 4 });
        using (no_grad())
        {
            model.get_parameter("toMean.weight")!.zero_();
            model.get_parameter("toMean.bias")!.zero_();
        }

        var set = GruVaeTests.Random(seed: 3, lengths: [10, 12, 14, 16, 18, 20]);

        // When
        var scores = GruVaeScorer.Score(model, set);
        var usage = LatentUsage.Compute(scores.LatentMeans, scores.LatentLogVars);

        // Then
        Assert.Equal(0, usage.ActiveUnits);
        Assert.Equal(4, usage.KlPerDimension.Length);
    }

    [Fact]
    public void LatentUsage_HandMadePosteriors_CountsVaryingDimensionsAndAveragesKl()
    {
        // Dimension 0 varies (variance 1), dimension 1 barely (variance 0.0001); log-variances 0 and log 0.25.
        float[][] means = [[1, 0.01f], [-1, -0.01f]];
        float[][] logVars = [[0, (float)Math.Log(0.25)], [0, (float)Math.Log(0.25)]];

        var usage = LatentUsage.Compute(means, logVars);

        Assert.Equal(1, usage.ActiveUnits);
        Assert.Equal(0.5, usage.KlPerDimension[0], 6);                                               // 0.5 * (1 + 1 - 1 - 0)
        Assert.Equal(0.5 * ((0.01 * 0.01) + 0.25 - 1 - Math.Log(0.25)), usage.KlPerDimension[1], 5);
    }

    [Fact]
    public void Separation_TwoGroupsOnALine_MatchesHandComputedSilhouette()
    {
        float[][] means = [[0], [1], [10], [11]];
        bool[] labels = [false, false, true, true];

        var s = LatentSeparation.Compute(means, labels, [1, 1, 3, 5]);

        Assert.Equal(((2 * 9.5 / 10.5) + (2 * 8.5 / 9.5)) / 4, s.Silhouette, 9);
        Assert.Equal(4.0, s.MahalanobisSeparation, 9);
    }
}
