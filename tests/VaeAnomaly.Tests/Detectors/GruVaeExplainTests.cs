using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Tests.Detectors;

/// <summary>The GRU-VAE explains a step from its reconstruction errors alone, as the libtorch model's full scoring would.</summary>
[Collection(TorchCollection.Name)]
public sealed class GruVaeExplainTests
{
    private static SequenceSet Waves(int n, double phase, int spikeAt = -1) => new(["a", "b"],
        [new Sequence("s", [.. Enumerable.Range(0, n).SelectMany(t => new[] { (float)(Math.Sin((t / 3.0) + phase) + (t >= spikeAt && t < spikeAt + 3 && spikeAt >= 0 ? 3 : 0)), (float)Math.Cos((t / 3.0) + phase) })])]);

    [Fact]
    public void Explain_FromTheFusedReconstruction_EqualsTheShareOfEveryScoreKindsPassAndNamesTheSpikedChannel()
    {
        // Given: a small GRU-VAE over windows of 8 and the rows up to a step inside a spike of channel a
        using var model = DetectorRegistry.Create("gru-vae", new DetectorSettings { Seed = 5, Window = 8, Epochs = 2, Latent = 3 }).Fit(Waves(200, 0), Waves(60, 1));
        var rows = Waves(42, 2, spikeAt: 40);

        // When: its explanation, and the attribution of the same last window scored with every score kind (libtorch, latent scores included)
        var explained = ((IExplainsPoints)model).Explain(rows);
        var window = new SequenceSet(["a", "b"], [new Sequence("w", rows.Sequences[0].Values[(34 * 2)..])]);
        var reference = Attribution.Of(["a", "b"], ((IScoresKinds)model).ScoreAll(window).Parts, 0);

        // Then: the same shares (two engines: fused kernels and libtorch), the spiked channel first
        Assert.Equal(reference.ChannelShares.Select(s => s.Key), explained.ChannelShares.Select(s => s.Key));
        Assert.All(reference.ChannelShares.Zip(explained.ChannelShares), p => Assert.Equal(p.First.Value, p.Second.Value, 4));
        Assert.Equal("a", explained.ChannelShares[0].Key);
    }
}
