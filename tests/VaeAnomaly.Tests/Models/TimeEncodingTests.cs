using VaeAnomaly.Models;
using static TorchSharp.torch;

namespace VaeAnomaly.Tests.Models;

[Collection(TorchCollection.Name)]
public sealed class TimeEncodingTests
{
    [Fact]
    public void TimeEncoding_TwoPeriods_IsSinAndCosOfTheStep()
    {
        // Given: periods 8 and 16.
        using var scope = NewDisposeScope();

        // When
        var e = GruVae.TimeEncoding(5, 2, ScalarType.Float64);

        // Then: columns sin(2 pi t / 8), sin(2 pi t / 16), cos(2 pi t / 8), cos(2 pi t / 16).
        Assert.Equal(new long[] { 5, 4 }, e.shape);
        Assert.Equal(0.0, e[0, 0].item<double>(), 12);
        Assert.Equal(1.0, e[0, 2].item<double>(), 12);
        Assert.Equal(1.0, e[2, 0].item<double>(), 12);            // sin(pi / 2)
        Assert.Equal(Math.Sqrt(0.5), e[2, 1].item<double>(), 12); // sin(pi / 4)
        Assert.Equal(-1.0, e[4, 2].item<double>(), 12);           // cos(pi)
    }

    [Fact]
    public void Forward_WithTimeFeatures_KeepsShapesAndIgnoresPadding()
    {
        manual_seed(3);
        using var model = new GruVae(new GruVaeOptions { Channels = 3, EncoderSizes = [8, 6], DecoderSizes = [6, 8], Latent = 4, TimeFeatures = 3 });
        var set = GruVaeTests.Random(seed: 4, lengths: [5, 12, 9]);
        using var zero = VaeAnomaly.Training.PaddedBatch.Create(set, [0, 1, 2], 0f);
        using var big = VaeAnomaly.Training.PaddedBatch.Create(set, [0, 1, 2], 50f);
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();

        var a = model.call(zero.X, zero.LastStep);
        var b = model.call(big.X, big.LastStep);

        Assert.Equal(new long[] { 3, 12, 3 }, a.Reconstruction.shape);
        Assert.Equal(
            VaeLoss.SquaredErrorSum(a.Reconstruction, zero.X, zero.Mask).data<float>().ToArray(),
            VaeLoss.SquaredErrorSum(b.Reconstruction, big.X, big.Mask).data<float>().ToArray());
    }
}
