using TorchSharp;
using VaeAnomaly.Models;
using static TorchSharp.torch;

namespace VaeAnomaly.Tests.Models;

[Collection(TorchCollection.Name)]
public sealed class AutoencoderModelTests
{
    private static void AssertGradientsMatchFiniteDifferences(nn.Module<Tensor, VaeOutput> model, Tensor x, Func<string, bool>? allowNoGradient = null)
    {
        model.to(ScalarType.Float64);
        model.eval();
        GradientCheck.AssertMatchesFiniteDifferences(model, () => (model.call(x).Reconstruction - x).square().sum(), entries: 2, tolerance: 1e-5, allowNoGradient);
    }

    [Fact]
    public void DenseNetwork_SigmoidOutput_Gradient_MatchesCentralFiniteDifferencesAndStaysInZeroOne()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        using var model = new DenseNetwork(new DenseOptions { Hidden = [5], Latent = 3, SigmoidOutput = true }, 6);
        var x = rand(4, 6, dtype: ScalarType.Float64);

        AssertGradientsMatchFiniteDifferences(model, x, name => name.StartsWith("toLogVar", StringComparison.Ordinal)); // the plain autoencoder has no variance head in use
        var y = model.call(x).Reconstruction;
        Assert.True(y.gt(0).all().item<bool>() && y.lt(1).all().item<bool>());
    }

    [Fact]
    public void LstmAutoencoder_Gradient_MatchesCentralFiniteDifferences()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        using var model = new LstmAutoencoder(3, 5, 0, 1);
        AssertGradientsMatchFiniteDifferences(model, randn(4, 6, 3, dtype: ScalarType.Float64));
    }

    [Fact]
    public void ConvAutoencoder_Gradient_MatchesCentralFiniteDifferences()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var model = new ConvAutoencoder(3, (4, 2), 0, 1);
        AssertGradientsMatchFiniteDifferences(model, randn(4, 8, 3, dtype: ScalarType.Float64));
    }

    [Fact]
    public void UnfoldConv1d_SameWeightsAsConv1d_GivesTheSameOutput()
    {
        // Given: libtorch's convolution (its forward pass is sound) loaded with the layer's weights.
        using var scope = NewDisposeScope();
        manual_seed(6);
        using var mine = new UnfoldConv1d(16, 2, 7);
        using var reference = nn.Conv1d(16, 2, 7, padding: 3);
        using (no_grad())
        {
            reference.weight!.copy_(mine.Weight);
            reference.bias!.copy_(mine.Bias);
        }

        var x = randn(32, 16, 16);

        // When / Then
        Assert.True(mine.call(x).allclose(reference.call(x), rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void UnfoldConv1d_Gradient_MatchesCentralFiniteDifferences()
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        using var model = new ConvAutoencoder(2, (16, 2), 0, 1);
        AssertGradientsMatchFiniteDifferences(model, randn(3, 16, 2, dtype: ScalarType.Float64));
    }

    [Fact]
    public void ConvAutoencoder_WindowNotAMultipleOf4_IsRefused()
    {
        using var model = new ConvAutoencoder(3, (4, 2), 0, 1);

        var error = Assert.Throws<ArgumentException>(() => model.call(zeros(2, 10, 3)));

        Assert.Contains("multiple of 4; got 10", error.Message);
    }

    [Fact]
    public void SeededDropout_SameSeed_SameMasksAndTheRightRateAndScale()
    {
        using var scope = NewDisposeScope();
        using var a = new SeededDropout(0.25, 9);
        using var b = new SeededDropout(0.25, 9);
        var x = ones(100_000);

        var ya = a.call(x);
        var yb = b.call(x);
        a.eval();
        var evaluated = a.call(x);

        Assert.True(ya.eq(yb).all().item<bool>());
        Assert.Equal(0.25, ya.eq(0).to_type(ScalarType.Float64).mean().item<double>(), 2);
        Assert.Equal(2, ya.unique().Item1.shape[0]);
        Assert.Equal(1 / 0.75, ya.max().item<float>(), 5);
        Assert.Equal(1.0, ya.mean().item<float>(), 1);
        Assert.True(evaluated.eq(x).all().item<bool>());
    }
}
