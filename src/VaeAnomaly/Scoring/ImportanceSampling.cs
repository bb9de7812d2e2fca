using TorchSharp;
using VaeAnomaly.Models;
using static TorchSharp.torch;

namespace VaeAnomaly.Scoring;

/// <summary>
/// Importance-sampled estimate of -log p(x) with the encoder's posterior as proposal (Burda et al.,
/// "Importance Weighted Autoencoders", 2016): -log (1/K sum_k p(x|z_k) p(z_k) / q(z_k|x)), z_k ~ q(z|x).
/// With K = 1 its expectation is the negative ELBO; it tightens towards -log p(x) as K grows.
/// </summary>
internal static class ImportanceSampling
{
    /// <summary>The estimate per item of the batch, in nats.</summary>
    /// <param name="logLikelihood">
    /// log p(x|z) per item for z of shape (g * batch, latent): g draws for the whole batch stacked, g at most
    /// <paramref name="samplesPerCall"/>; returns (g * batch). One call for several draws spares the decoder's
    /// per-step overhead, which dominates on small batches.
    /// </param>
    /// <param name="mean">(batch, latent) posterior mean.</param>
    /// <param name="logVar">(batch, latent) posterior log-variance.</param>
    /// <param name="samples">K &gt;= 1.</param>
    /// <param name="generator">Random source of the samples (drawn one batch-sized draw at a time, so grouping does not change them).</param>
    /// <param name="samplesPerCall">Most draws passed to <paramref name="logLikelihood"/> at once.</param>
    /// <returns>(batch).</returns>
    public static Tensor NegativeLogLikelihood(Func<Tensor, Tensor> logLikelihood, Tensor mean, Tensor logVar, int samples, Generator? generator, int samplesPerCall = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(samplesPerCall, 1);
        var logWeights = new List<Tensor>(samples);
        // Scalars held in `using`, not converted implicitly: see AdamOptimizer's remarks (a collected implicit Scalar breaks parallel runs).
        using var logTwoPi = Math.Log(2 * Math.PI).ToScalar();
        using var half = 0.5.ToScalar();
        using var minusHalf = (-0.5).ToScalar();
        using var logSamples = Math.Log(samples).ToScalar();
        using var one = 1.0.ToScalar(); // the alpha of add(Scalar), passed so it is not created implicitly
        for (var first = 0; first < samples; first += samplesPerCall)
        {
            var g = Math.Min(samplesPerCall, samples - first);
            var eps = cat(Enumerable.Range(0, g).Select(_ => randn(mean.shape, dtype: mean.dtype, generator: generator)).ToArray(), 0);
            var (m, lv) = g == 1 ? (mean, logVar) : (mean.repeat(g, 1), logVar.repeat(g, 1));
            var z = m.add(eps * lv.mul(half).exp(), one);
            var logPrior = z.Squared().add(logTwoPi, one).sum(1).mul(minusHalf);
            var logPosterior = eps.Squared().add(lv, one).add(logTwoPi, one).sum(1).mul(minusHalf);
            logWeights.AddRange((logLikelihood(z).add(logPrior, one) - logPosterior).view(g, -1).unbind(0));
        }

        return stack([.. logWeights], 1).logsumexp(1).sub(logSamples).neg();
    }

    /// <summary>log N(x; mu, diag(variance)) summed over real steps and channels.</summary>
    /// <param name="x">(batch, time, channels).</param>
    /// <param name="mu">(batch, time, channels) decoder mean.</param>
    /// <param name="variance">(channels) decoder variance per channel.</param>
    /// <param name="mask">(batch, time) boolean, true at real steps.</param>
    /// <returns>(batch).</returns>
    public static Tensor GaussianLogLikelihood(Tensor x, Tensor mu, Tensor variance, Tensor mask)
    {
        using var twoPi = (2 * Math.PI).ToScalar();
        using var minusHalf = (-0.5).ToScalar();
        var perValue = ((x - mu).Squared().div(variance).Plus(variance.mul(twoPi).log())).mul(minusHalf);
        return where(mask.unsqueeze(-1), perValue, zeros_like(perValue)).sum([1, 2]);
    }
}
