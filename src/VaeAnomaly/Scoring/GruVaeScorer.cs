using VaeAnomaly.Data;
using VaeAnomaly.Models;
using VaeAnomaly.Training;
using static TorchSharp.torch;

namespace VaeAnomaly.Scoring;

/// <summary>Computes reconstruction, KL and per-step scores of a trained <see cref="GruVae"/>.</summary>
public static class GruVaeScorer
{
    /// <summary>Scores every sequence of <paramref name="scaled"/>.</summary>
    /// <param name="model">A trained model.</param>
    /// <param name="scaled">Sequences scaled as the training data were.</param>
    /// <param name="mcSamples">0 decodes the posterior mean; N &gt; 0 averages the reconstruction error over N sampled z.</param>
    /// <param name="seed">Seed of the Monte Carlo samples.</param>
    /// <param name="batchSize">Sequences per inference batch.</param>
    public static SequenceScores Score(GruVae model, SequenceSet scaled, int mcSamples = 0, int seed = 42, int batchSize = 256)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(mcSamples);
        model.eval();
        using var noGrad = no_grad();
        using var generator = new Generator((ulong)seed);
        var rec = new float[scaled.Count];
        var kl = new float[scaled.Count];
        var steps = new float[scaled.Count][];
        var channels = new float[scaled.Count][];
        var latents = new float[scaled.Count][];
        var c = scaled.Channels;

        foreach (var indices in LengthBatcher.Batches(scaled, batchSize))
        {
            using var scope = NewDisposeScope();
            var batch = PaddedBatch.Create(scaled, indices);
            var (mean, logVar) = model.Encode(batch.X, batch.LastStep);
            var klBatch = VaeLoss.Kl(mean, logVar).data<float>().ToArray();

            // (batch, time, channels): squared error, zero at padded steps.
            Tensor squared;
            if (mcSamples == 0)
            {
                squared = (model.Decode(mean, batch.X.shape[1]) - batch.X).square();
            }
            else
            {
                squared = zeros_like(batch.X);
                for (var s = 0; s < mcSamples; s++)
                {
                    var z = GruVae.Reparameterise(mean, logVar, generator);
                    squared += (model.Decode(z, batch.X.shape[1]) - batch.X).square();
                }

                squared /= mcSamples;
            }

            squared = where(batch.Mask.unsqueeze(-1), squared, zeros_like(squared));
            var errors = squared.mean([2]).data<float>().ToArray();
            var channelSums = squared.sum([1]).data<float>().ToArray();
            var means = mean.data<float>().ToArray();
            var latent = (int)mean.shape[1];
            var width = (int)batch.X.shape[1];
            for (var b = 0; b < indices.Length; b++)
            {
                var index = indices[b];
                var length = scaled.LengthOf(index);
                var perStep = errors.AsSpan(b * width, length).ToArray();
                steps[index] = perStep;
                rec[index] = (float)(perStep.Sum(e => (double)e) / length);
                kl[index] = klBatch[b];
                channels[index] = channelSums.AsSpan(b * c, c).ToArray().Select(v => v / length).ToArray();
                latents[index] = means.AsSpan(b * latent, latent).ToArray();
            }

        }

        return new SequenceScores(rec, kl, steps, channels, latents);
    }

    /// <summary>Posterior-mean reconstructions of some sequences, in scaled units.</summary>
    /// <param name="model">A trained model.</param>
    /// <param name="scaled">Sequences scaled as the training data were.</param>
    /// <param name="indices">Which sequences.</param>
    /// <returns>One row-major (time, channels) array per index, of the sequence's own length.</returns>
    public static float[][] Reconstruct(GruVae model, SequenceSet scaled, IReadOnlyList<int> indices)
    {
        model.eval();
        using var noGrad = no_grad();
        var result = new float[indices.Count][];
        for (var i = 0; i < indices.Count; i++)
        {
            using var scope = NewDisposeScope();
            var batch = PaddedBatch.Create(scaled, [indices[i]]);
            var (mean, _) = model.Encode(batch.X, batch.LastStep);
            result[i] = model.Decode(mean, batch.X.shape[1]).data<float>().ToArray();
        }

        return result;
    }
}
