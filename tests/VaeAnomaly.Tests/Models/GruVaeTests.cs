using VaeAnomaly.Data;
using VaeAnomaly.Models;
using VaeAnomaly.Scoring;
using VaeAnomaly.Training;
using static TorchSharp.torch;

namespace VaeAnomaly.Tests.Models;

[Collection(TorchCollection.Name)]
public sealed class GruVaeTests
{
    private static readonly GruVaeOptions Options = new() { Channels = 3, EncoderSizes = [8, 6], DecoderSizes = [6, 8], Latent = 4 };

    [Fact]
    public void Forward_PaddedBatch_ReturnsDocumentedShapes()
    {
        // Given
        manual_seed(1);
        using var model = new GruVae(Options);
        using var scope = NewDisposeScope();
        var x = randn(5, 11, 3);
        var last = tensor(new long[] { 10, 3, 7, 0, 10 });

        // When
        var output = model.call(x, last);

        // Then
        Assert.Equal(new long[] { 5, 11, 3 }, output.Reconstruction.shape);
        Assert.Equal(new long[] { 5, 4 }, output.Mean.shape);
        Assert.Equal(new long[] { 5, 4 }, output.LogVar.shape);
    }

    [Fact]
    public void LossAndScores_PaddingValuesChanged_DoNotMove()
    {
        // Given: sequences of very different lengths batched together, padded with 0 and then with 1e3.
        manual_seed(2);
        using var model = new GruVae(Options);
        var set = Random(seed: 3, lengths: [4, 17, 9, 30]);
        var indices = Enumerable.Range(0, set.Count).ToArray();
        using var zeroPad = PaddedBatch.Create(set, indices, 0f);
        using var bigPad = PaddedBatch.Create(set, indices, 1e3f);

        // When
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var lossZero = VaeLoss.Compute(model.call(zeroPad.X, zeroPad.LastStep), zeroPad.X, zeroPad.Mask, 3.0).Total.item<float>();
        var lossBig = VaeLoss.Compute(model.call(bigPad.X, bigPad.LastStep), bigPad.X, bigPad.Mask, 3.0).Total.item<float>();

        // Then
        Assert.Equal(lossZero, lossBig);
        Assert.NotEqual(zeroPad.X.sum().item<float>(), bigPad.X.sum().item<float>());
    }

    [Fact]
    public void Score_SequenceAloneOrBatchedWithLongerOnes_GivesSameScores()
    {
        // Given
        manual_seed(4);
        using var model = new GruVae(Options);
        var set = Random(seed: 5, lengths: [6, 40, 12, 25, 6]);
        var alone = new SequenceSet(set.ChannelNames, [set.Sequences[0]]);

        // When
        var together = GruVaeScorer.Score(model, set, batchSize: 5);
        var single = GruVaeScorer.Score(model, alone, batchSize: 1);

        // Then
        Assert.Equal(single.Reconstruction[0], together.Reconstruction[0], 5);
        Assert.Equal(single.Kl[0], together.Kl[0], 5);
        Assert.Equal(6, together.StepErrors[0].Length);
        Assert.Equal(40, together.StepErrors[1].Length);
        Assert.Equal(together.StepErrors[1].Average(), together.Reconstruction[1], 5);
    }

    internal static SequenceSet Random(int seed, int[] lengths, int channels = 3)
    {
        var rng = new Random(seed);
        var sequences = lengths.Select((l, i) => new Sequence($"s{i}",
            Enumerable.Range(0, l * channels).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray())).ToArray();
        return new SequenceSet(Enumerable.Range(0, channels).Select(c => $"c{c}").ToArray(), sequences);
    }
}
