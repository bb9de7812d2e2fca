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

        foreach (var indices in LengthBatcher.Batches(scaled, batchSize))
        {
            using var scope = NewDisposeScope();
            var batch = PaddedBatch.Create(scaled, indices);
            var (mean, logVar) = model.Encode(batch.X, batch.LastStep);
            var klBatch = VaeLoss.Kl(mean, logVar).data<float>().ToArray();

            // (batch, time): squared error averaged over channels, zero at padded steps.
            Tensor stepError;
            if (mcSamples == 0)
            {
                stepError = (model.Decode(mean, batch.X.shape[1]) - batch.X).square().mean([2]);
            }
            else
            {
                stepError = zeros(batch.Mask.shape);
                for (var s = 0; s < mcSamples; s++)
                {
                    var z = GruVae.Reparameterise(mean, logVar, generator);
                    stepError += (model.Decode(z, batch.X.shape[1]) - batch.X).square().mean([2]);
                }

                stepError /= mcSamples;
            }

            stepError = where(batch.Mask, stepError, zeros_like(stepError));
            var errors = stepError.data<float>().ToArray();
            var width = (int)batch.X.shape[1];
            for (var b = 0; b < indices.Length; b++)
            {
                var index = indices[b];
                var length = scaled.LengthOf(index);
                var perStep = errors.AsSpan(b * width, length).ToArray();
                steps[index] = perStep;
                rec[index] = (float)(perStep.Sum(e => (double)e) / length);
                kl[index] = klBatch[b];
            }

        }

        return new SequenceScores(rec, kl, steps);
    }
}
