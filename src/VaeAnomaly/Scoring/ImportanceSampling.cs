using static TorchSharp.torch;

namespace VaeAnomaly.Scoring;

/// <summary>
/// Importance-sampled estimate of -log p(x) with the encoder's posterior as proposal (Burda et al.,
/// "Importance Weighted Autoencoders", 2016): -log (1/K sum_k p(x|z_k) p(z_k) / q(z_k|x)), z_k ~ q(z|x).
/// With K = 1 its expectation is the negative ELBO; it tightens towards -log p(x) as K grows.
/// </summary>
public static class ImportanceSampling
{
    /// <summary>The estimate per item of the batch, in nats.</summary>
    /// <param name="logLikelihood">log p(x|z) per item for z of shape (batch, latent); returns (batch).</param>
    /// <param name="mean">(batch, latent) posterior mean.</param>
    /// <param name="logVar">(batch, latent) posterior log-variance.</param>
    /// <param name="samples">K &gt;= 1.</param>
    /// <param name="generator">Random source of the samples.</param>
    /// <returns>(batch).</returns>
    public static Tensor NegativeLogLikelihood(Func<Tensor, Tensor> logLikelihood, Tensor mean, Tensor logVar, int samples, Generator? generator)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        var logWeights = new Tensor[samples];
        var logTwoPi = Math.Log(2 * Math.PI);
        for (var k = 0; k < samples; k++)
        {
            var eps = randn(mean.shape, dtype: mean.dtype, generator: generator);
            var z = mean + (eps * (0.5 * logVar).exp());
            var logPrior = -0.5 * (z.square() + logTwoPi).sum(1);
            var logPosterior = -0.5 * (eps.square() + logVar + logTwoPi).sum(1);
            logWeights[k] = logLikelihood(z) + logPrior - logPosterior;
        }

        return -(stack(logWeights, 1).logsumexp(1) - Math.Log(samples));
    }

    /// <summary>log N(x; mu, diag(variance)) summed over real steps and channels.</summary>
    /// <param name="x">(batch, time, channels).</param>
    /// <param name="mu">(batch, time, channels) decoder mean.</param>
    /// <param name="variance">(channels) decoder variance per channel.</param>
    /// <param name="mask">(batch, time) boolean, true at real steps.</param>
    /// <returns>(batch).</returns>
    public static Tensor GaussianLogLikelihood(Tensor x, Tensor mu, Tensor variance, Tensor mask)
    {
        var perValue = -0.5 * (((x - mu).square() / variance) + (2 * Math.PI * variance).log());
        return where(mask.unsqueeze(-1), perValue, zeros_like(perValue)).sum([1, 2]);
    }
}
