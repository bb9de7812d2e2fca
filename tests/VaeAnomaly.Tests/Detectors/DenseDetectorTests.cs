using TorchSharp;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Evaluation;
using VaeAnomaly.Models;
using static TorchSharp.torch;

namespace VaeAnomaly.Tests.Detectors;

[Collection(TorchCollection.Name)]
public sealed class DenseDetectorTests
{
    /// <summary>Records on a 2-D plane inside 8 dimensions, plus a little noise; anomalies leave the plane.</summary>
    private static SequenceSet Records(int count, int anomalies, int seed)
    {
        var rng = new Random(seed);
        double Gauss() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var sequences = new List<Sequence>();
        var labels = new List<SequenceLabel>();
        for (var i = 0; i < count; i++)
        {
            var (a, b) = (Gauss(), Gauss());
            var anomaly = i < anomalies;
            var values = Enumerable.Range(0, 8).Select(j => (float)((a * Math.Cos(j)) + (b * Math.Sin(j)) + (0.05 * Gauss()) + (anomaly && j == 3 ? 2.5 : 0))).ToArray();
            sequences.Add(new Sequence($"r{i}", values));
            labels.Add(new SequenceLabel(anomaly, anomaly ? "off-plane" : SequenceLabel.Normal));
        }

        return new SequenceSet([.. Enumerable.Range(0, 8).Select(j => $"f{j}")], sequences, labels);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Fit_RecordsOffTheNormalPlane_RanksThemFirst(bool variational)
    {
        // Given
        var options = (variational ? DenseOptions.Vae : DenseOptions.Autoencoder) with { Latent = 4, Epochs = 60, BatchSize = 32, LearningRate = 3e-3, Patience = 0, Seed = 3 };
        var detectorEstimator = new DenseEstimator(options);
        var test = Records(200, 20, seed: 3);

        // When
        using var detector = detectorEstimator.Fit(Records(600, 0, seed: 1), Records(200, 0, seed: 2));
        var scores = detector.Score(test).Select(s => (double)s).ToArray();

        // Then
        var labels = test.Labels!.Select(l => l.IsAnomaly).ToArray();
        Assert.True(RankingMetrics.RocAuc(labels, scores) > 0.95, $"AUC-ROC {RankingMetrics.RocAuc(labels, scores)}");
        Assert.False(double.IsNaN(detector.Thresholds.ValueOrNaN()));
        Assert.Equal(variational ? "dense-vae" : "dense-ae", detector.Name);
    }

    [Fact]
    public void Score_SequenceOfAnotherLength_IsRefused()
    {
        var detectorEstimator = new DenseEstimator(DenseOptions.Autoencoder with { Epochs = 1 });
        using var detector = detectorEstimator.Fit(Records(64, 0, 1), Records(32, 0, 2));
        var longer = new SequenceSet(["f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7"], [new Sequence("x", new float[16])]);

        var error = Assert.Throws<ArgumentException>(() => detector.Score(longer));

        Assert.Contains("sequence 'x' has 2 steps; the dense-ae reads fixed-length inputs of 1", error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Loss_Gradient_MatchesCentralFiniteDifferences(bool variational)
    {
        // Given: a small network in double precision, in evaluation mode (z = posterior mean, no dropout).
        using var scope = NewDisposeScope();
        manual_seed(5);
        var options = (variational ? DenseOptions.Vae : DenseOptions.Autoencoder) with { Hidden = [6, 5], Latent = 3 };
        using var model = new DenseNetwork(options, 4);
        model.to(ScalarType.Float64);
        model.eval();
        var x = randn(7, 4, dtype: ScalarType.Float64);
        Tensor Loss()
        {
            var output = model.call(x);
            var rec = (output.Reconstruction - x).square().sum(1).mean();
            return variational ? rec + VaeLoss.Kl(output.Mean, output.LogVar).mean() : rec;
        }

        // When / Then: every parameter tensor's first three entries; the autoencoder leaves the log-variance head unused.
        GradientCheck.AssertMatchesFiniteDifferences(model, Loss, entries: 3, tolerance: 1e-6, name => !variational && name.StartsWith("toLogVar", StringComparison.Ordinal));
    }
}
