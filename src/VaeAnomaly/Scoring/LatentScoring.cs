namespace VaeAnomaly.Scoring;

/// <summary>What the likelihood and latent scores need beyond the network, fitted on normal data.</summary>
/// <param name="DecoderVariance">Per-channel variance of the Gaussian decoder (scaled units): the validation mean squared error per channel.</param>
/// <param name="Mahalanobis">Distribution of training posterior means.</param>
/// <param name="ImportanceSamples">K of the importance-sampled -log p(x).</param>
public sealed record LatentScoring(double[] DecoderVariance, MahalanobisModel Mahalanobis, int ImportanceSamples = 32);
