using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Evaluation;
using VaeAnomaly.Models;

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
    [InlineData(WindowAutoencoderDetector.Dense)]
    [InlineData(WindowAutoencoderDetector.Lstm)]
    [InlineData(WindowAutoencoderDetector.Conv)]
    public void Fit_SpikesOnWaves_RanksSpikedSequencesFirst(string family)
    {
        // Given
        var options = new DenseOptions { Hidden = family == WindowAutoencoderDetector.Conv ? [16, 8] : [32], Latent = 8, Epochs = 15, BatchSize = 32, LearningRate = 3e-3, Patience = 0, Seed = 4 };
        using var detector = new WindowAutoencoderDetector(family, options, window: 16, trainStride: 4, scoreStride: 4);
        var test = Waves(60, 10, seed: 3);

        // When
        detector.Fit(Waves(120, 0, seed: 1), Waves(40, 0, seed: 2));
        var scores = detector.Score(test).Select(s => (double)s).ToArray();

        // Then
        var auc = RankingMetrics.RocAuc([.. test.Labels!.Select(l => l.IsAnomaly)], scores);
        Assert.True(auc > 0.9, $"{detector.Name}: AUC-ROC {auc}");
        Assert.Equal($"{family}-ae", detector.Name);
    }

    [Fact]
    public void Score_SequenceShorterThanAWindow_IsRefused()
    {
        using var detector = new WindowAutoencoderDetector(WindowAutoencoderDetector.Dense, new DenseOptions { Epochs = 1 }, window: 16);
        detector.Fit(Waves(20, 0, 1), Waves(10, 0, 2));

        var error = Assert.Throws<ArgumentException>(() => detector.Score(new SequenceSet(["a", "b"], [new Sequence("short", new float[20])])));

        Assert.Contains("Sequence 'short' has 10 steps; the dense-ae reads windows of 16", error.Message);
    }

    [Fact]
    public void Catalog_Select_ExpandsFamiliesAndRejectsUnknownNames()
    {
        Assert.Equal(11, ModelCatalog.Select("all").Count);
        Assert.Equal(["lstm-ae v1", "lstm-ae v2", "lstm-ae v3", "gru-vae"], ModelCatalog.Select("lstm-ae, gru-vae").Select(e => e.Name));
        Assert.Equal(["conv-ae v2"], ModelCatalog.Select("conv-ae v2").Select(e => e.Name));
        Assert.Contains("Unknown model 'tcn'", Assert.Throws<ArgumentException>(() => ModelCatalog.Select("tcn")).Message);
    }
}
