using static TorchSharp.torch;

namespace VaeAnomaly.Tests.Native;

[Collection(TorchCollection.Name)]
public sealed class LibTorchLoadTests
{
    [Fact]
    public void MatMul_SmallMatrices_MatchesHandComputedProduct()
    {
        // Given
        using var a = tensor(new float[] { 1, 2, 3, 4 }, [2, 2]);
        using var b = tensor(new float[] { 5, 6, 7, 8 }, [2, 2]);

        // When
        using var product = a.matmul(b);

        // Then
        Assert.Equal(new float[] { 19, 22, 43, 50 }, product.data<float>().ToArray());
    }

    [Fact]
    public void Gru_ForwardAndBackward_ProducesShapesAndFiniteGradients()
    {
        // Given
        manual_seed(1);
        using var gru = nn.GRU(3, 5, batchFirst: true);
        using var x = randn(2, 7, 3);

        // When
        var (output, hidden) = gru.call(x);
        output.sum().backward();

        // Then
        Assert.Equal(new long[] { 2, 7, 5 }, output.shape);
        Assert.Equal(new long[] { 1, 2, 5 }, hidden.shape);
        foreach (var p in gru.parameters())
        {
            Assert.NotNull(p.grad);
            Assert.True(p.grad!.abs().sum().item<float>() > 0);
            Assert.True(p.grad!.isfinite().all().item<bool>());
        }
    }
}
