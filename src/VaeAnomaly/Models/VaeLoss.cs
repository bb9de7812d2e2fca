using TorchSharp;
using static TorchSharp.torch;

namespace VaeAnomaly.Models;

/// <summary>The masked beta-ELBO and its parts.</summary>
public static class VaeLoss
{
    /// <summary>Squared error summed over real steps and channels, per sequence.</summary>
    /// <param name="reconstruction">(batch, time, channels).</param>
    /// <param name="x">(batch, time, channels); padded entries must be finite.</param>
    /// <param name="mask">(batch, time) boolean, true at real steps.</param>
    /// <returns>(batch).</returns>
    public static Tensor SquaredErrorSum(Tensor reconstruction, Tensor x, Tensor mask)
    {
        var squared = (reconstruction - x).Squared();
        var zero = zeros_like(squared);
        return where(mask.unsqueeze(-1), squared, zero).sum([1, 2]);
    }

    /// <summary>KL(N(mean, exp(logVar)) || N(0, I)) in closed form, summed over latent dimensions.</summary>
    /// <param name="mean">(batch, latent).</param>
    /// <param name="logVar">(batch, latent).</param>
    /// <returns>(batch), in nats.</returns>
    public static Tensor Kl(Tensor mean, Tensor logVar)
    {
        // Scalars are created and disposed explicitly: see AdamOptimizer's remarks on implicit Scalars.
        using var one = 1.0.ToScalar();
        using var half = 0.5.ToScalar();
        return mean.Squared().add(logVar.exp(), one).sub_(one).sub_(logVar).sum(1).mul_(half);
    }

    /// <summary>Mean over the batch of (reconstruction sum + beta * KL), and the batch means of both parts.</summary>
    /// <param name="output">The forward pass.</param>
    /// <param name="x">(batch, time, channels).</param>
    /// <param name="mask">(batch, time) boolean, true at real steps.</param>
    /// <param name="beta">KL weight.</param>
    public static (Tensor Total, Tensor Reconstruction, Tensor Kl) Compute(VaeOutput output, Tensor x, Tensor mask, double beta)
    {
        var reconstruction = SquaredErrorSum(output.Reconstruction, x, mask).mean();
        var kl = Kl(output.Mean, output.LogVar).mean();
        using var weight = beta.ToScalar();
        using var one = 1.0.ToScalar();
        return (reconstruction.add(kl.mul(weight), one), reconstruction, kl);
    }
}
