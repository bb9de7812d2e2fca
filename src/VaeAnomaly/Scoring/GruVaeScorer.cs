using TorchSharp;
using VaeAnomaly.Data;
using VaeAnomaly.Models;
using VaeAnomaly.Performance;
using VaeAnomaly.Training;
using static TorchSharp.torch;

namespace VaeAnomaly.Scoring;

/// <summary>Computes reconstruction, KL and per-step scores of a trained <see cref="GruVae"/>.</summary>
internal static class GruVaeScorer
{
    /// <summary>Largest number of sequence steps (batch x draws x time) decoded in one call when importance sampling: about 130 MB per GRU layer output.</summary>
    private const long MaxDecodedSteps = 1 << 19;

    /// <summary>Scores every sequence of <paramref name="scaled"/>.</summary>
    /// <param name="model">A trained model; null only with <paramref name="forward"/>.</param>
    /// <param name="scaled">Sequences scaled as the training data were.</param>
    /// <param name="mcSamples">0 decodes the posterior mean; N &gt; 0 averages the reconstruction error over N sampled z.</param>
    /// <param name="seed">Seed of the Monte Carlo samples.</param>
    /// <param name="batchSize">Sequences per inference batch.</param>
    /// <param name="latent">When given, the Mahalanobis, ELBO and importance-sampled likelihood scores are computed too.</param>
    /// <param name="targets">The channels whose errors make the reconstruction score and the per-step errors (the watched columns); null for all. Per-channel errors and the latent scores keep every channel.</param>
    /// <param name="forward">
    /// Another engine's posterior-mean pass (ONNX Runtime), or null for the fused kernels. It gives every score but those
    /// that sample the decoder: with it, <paramref name="mcSamples"/> must be 0, and the ELBO and importance-sampled likelihood are left empty.
    /// </param>
    public static SequenceScores Score(GruVae? model, SequenceSet scaled, int mcSamples = 0, int seed = 42, int batchSize = 256, LatentScoring? latent = null, int[]? targets = null,
        IGruVaeForward? forward = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(mcSamples);
        if (forward is not null)
        {
            if (mcSamples > 0)
            {
                throw new InvalidOperationException($"The {forward.Engine} engine runs the posterior-mean pass only; this model's scores average {mcSamples} sampled decodings (--mc-samples). Use the default engine.");
            }

            var means = ScoreMeans(forward, scaled, batchSize, targets);
            return latent is null ? means : means with { Mahalanobis = [.. means.LatentMeans.Select(z => (float)latent.Mahalanobis.Distance(z))] };
        }

        ArgumentNullException.ThrowIfNull(model);
        if (mcSamples == 0 && latent is null)
        {
            return ScoreMeans(FusedGruVae.From(model), scaled, batchSize, targets);
        }

        model.eval();
        using var noGrad = no_grad();
        using var generator = new Generator((ulong)seed);
        var rec = new float[scaled.Count];
        var kl = new float[scaled.Count];
        var steps = new float[scaled.Count][];
        var channels = new float[scaled.Count][];
        var latents = new float[scaled.Count][];
        var logVars = new float[scaled.Count][];
        var elbo = latent is null ? [] : new float[scaled.Count];
        var nll = latent is null ? [] : new float[scaled.Count];
        using var variance = latent is null ? null : tensor(latent.DecoderVariance.Select(v => (float)v).ToArray());
        var c = scaled.Channels;
        var fused = FusedGruVae.From(model);
        using var libtorchThreads = LibtorchThreads.One(); // the kernels keep the cores (fused was given the count before)

        foreach (var indices in LengthBatcher.Batches(scaled, batchSize))
        {
            using var scope = NewDisposeScope();
            var batch = PaddedBatch.Create(scaled, indices);
            // The inference passes run in C# (FusedGruVae): the model's numbers to float rounding, in a fraction of the time.
            var pass = fused.Forward(batch.X, batch.LastStep);
            var (mean, logVar) = (pass.Mean, pass.LogVar);
            var klBatch = VaeLoss.Kl(mean, logVar).data<float>().ToArray();

            // (batch, time, channels): squared error, zero at padded steps.
            Tensor squared;
            if (mcSamples == 0)
            {
                squared = (pass.Reconstruction - batch.X).Squared();
            }
            else
            {
                squared = zeros_like(batch.X);
                for (var s = 0; s < mcSamples; s++)
                {
                    var z = GruVae.Reparameterise(mean, logVar, generator);
                    squared = squared.Plus((fused.Decode(z, batch.X.shape[1]) - batch.X).Squared());
                }

                using var draws = mcSamples.ToScalar();
                squared.div_(draws);
            }

            if (latent is not null)
            {
                var lengths = batch.Mask.sum(1).to(ScalarType.Float32);
                var x = batch.X;
                var t = x.shape[1];
                // -log p(x|z) at the posterior mean, or averaged over the Monte Carlo samples when asked for.
                var logLikelihood = mcSamples == 0
                    ? ImportanceSampling.GaussianLogLikelihood(x, fused.Decode(mean, t), variance!, batch.Mask)
                    : stack(Enumerable.Range(0, mcSamples).Select(_ => ImportanceSampling.GaussianLogLikelihood(
                        x, fused.Decode(GruVae.Reparameterise(mean, logVar, generator), t), variance!, batch.Mask)).ToArray(), 1).mean([1]);
                var elboBatch = ((VaeLoss.Kl(mean, logVar) - logLikelihood) / lengths).data<float>().ToArray();
                var perCall = (int)Math.Clamp(MaxDecodedSteps / (x.shape[0] * t), 1, latent.ImportanceSamples);
                var nllBatch = (ImportanceSampling.NegativeLogLikelihood(
                    z =>
                    {
                        var copies = z.shape[0] / x.shape[0];
                        return copies == 1
                            ? ImportanceSampling.GaussianLogLikelihood(x, fused.Decode(z, t), variance!, batch.Mask)
                            : ImportanceSampling.GaussianLogLikelihood(x.repeat(copies, 1, 1), fused.Decode(z, t), variance!, batch.Mask.repeat(copies, 1));
                    },
                    mean, logVar, latent.ImportanceSamples, generator, perCall) / lengths)
                    .data<float>().ToArray();
                for (var b = 0; b < indices.Length; b++)
                {
                    elbo[indices[b]] = elboBatch[b];
                    nll[indices[b]] = nllBatch[b];
                }
            }

            squared = where(batch.Mask.unsqueeze(-1), squared, zeros_like(squared));
            var errors = (targets is null ? squared : squared.index_select(2, tensor(targets.Select(t => (long)t).ToArray()))).mean([2]).data<float>().ToArray();
            var channelSums = squared.sum([1]).data<float>().ToArray();
            var means = mean.data<float>().ToArray();
            var variances = logVar.data<float>().ToArray();
            var width2 = (int)mean.shape[1];
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
                latents[index] = means.AsSpan(b * width2, width2).ToArray();
                logVars[index] = variances.AsSpan(b * width2, width2).ToArray();
            }

        }

        return new SequenceScores(rec, kl, steps, channels, latents)
        {
            Watched = targets,
            LatentLogVars = logVars,
            Elbo = elbo,
            NllIs = nll,
            Mahalanobis = latent is null ? [] : latents.Select(z => (float)latent.Mahalanobis.Distance(z)).ToArray(),
        };
    }

    /// <summary>
    /// The posterior-mean scores (<see cref="Score"/> with no sampling and no latent scores) from the fused kernels'
    /// arrays, with no libtorch call: the scoring path of every request a service answers. libtorch temporaries
    /// outside a dispose scope can be finalized while a native call still reads them, which crashed a serve node
    /// under load; this path has none, and it returns what the tensor path does to float rounding (tested).
    /// </summary>
    private static SequenceScores ScoreMeans(IGruVaeForward forward, SequenceSet scaled, int batchSize, int[]? targets)
    {
        var c = scaled.Channels;
        var watched = targets ?? [.. Enumerable.Range(0, c)];
        var rec = new float[scaled.Count];
        var kl = new float[scaled.Count];
        var steps = new float[scaled.Count][];
        var channels = new float[scaled.Count][];
        var latents = new float[scaled.Count][];
        var logVars = new float[scaled.Count][];
        foreach (var indices in LengthBatcher.Batches(scaled, batchSize))
        {
            var width = indices.Max(scaled.LengthOf);
            var x = new float[indices.Length * width * c];
            var last = new int[indices.Length];
            for (var b = 0; b < indices.Length; b++)
            {
                scaled.Sequences[indices[b]].Values.CopyTo(x, b * width * c);
                last[b] = scaled.LengthOf(indices[b]) - 1;
            }

            var (mean, logVar, reconstruction) = forward.Run(x, indices.Length, width, last);
            var z = mean.Length / indices.Length;
            for (var b = 0; b < indices.Length; b++)
            {
                var index = indices[b];
                var length = last[b] + 1;
                var klSum = 0f;
                for (var j = b * z; j < (b + 1) * z; j++)
                {
                    klSum += (mean[j] * mean[j]) + MathF.Exp(logVar[j]) - 1f - logVar[j];
                }

                var perStep = new float[length];
                var sums = new float[c];
                for (var t = 0; t < length; t++)
                {
                    var row = ((b * width) + t) * c;
                    for (var k = 0; k < c; k++)
                    {
                        var d = reconstruction[row + k] - x[row + k];
                        sums[k] += d * d;
                    }

                    var watchedSum = 0f;
                    foreach (var k in watched)
                    {
                        var d = reconstruction[row + k] - x[row + k];
                        watchedSum += d * d;
                    }

                    perStep[t] = watchedSum / watched.Length;
                }

                steps[index] = perStep;
                rec[index] = (float)(perStep.Sum(e => (double)e) / length);
                kl[index] = 0.5f * klSum;
                channels[index] = [.. sums.Select(v => v / length)];
                latents[index] = mean.AsSpan(b * z, z).ToArray();
                logVars[index] = logVar.AsSpan(b * z, z).ToArray();
            }
        }

        return new SequenceScores(rec, kl, steps, channels, latents) { Watched = targets, LatentLogVars = logVars, Elbo = [], NllIs = [], Mahalanobis = [] };
    }

    /// <summary>
    /// Scores sequences through windows of <paramref name="window"/> steps: each window is scored as a
    /// sequence, then a sequence's reconstruction and KL are the <paramref name="aggregate"/> of its
    /// windows', its per-step error the mean over the windows covering each step, and its per-channel
    /// errors and latent mean those of its worst window.
    /// </summary>
    /// <param name="model">A model trained on windows.</param>
    /// <param name="scaled">Sequences scaled as the training data were.</param>
    /// <param name="window">Window length.</param>
    /// <param name="stride">Steps between windows.</param>
    /// <param name="aggregate">Max or mean over windows.</param>
    /// <param name="mcSamples">As in <see cref="Score"/>.</param>
    /// <param name="seed">As in <see cref="Score"/>.</param>
    /// <param name="batchSize">Windows per inference batch.</param>
    /// <param name="latent">As in <see cref="Score"/>; each latent score is aggregated over windows like the reconstruction.</param>
    /// <param name="targets">The watched channels of the reconstruction score and per-step errors; null for all.</param>
    /// <param name="forward">As in <see cref="Score"/>.</param>
    public static SequenceScores ScoreWindows(GruVae? model, SequenceSet scaled, int window, int stride, WindowAggregate aggregate,
        int mcSamples = 0, int seed = 42, int batchSize = 256, LatentScoring? latent = null, int[]? targets = null, IGruVaeForward? forward = null)
    {
        var cut = SlidingWindows.Cut(scaled, window, stride);
        return Aggregate(scaled, cut, Score(model, cut.Windows, mcSamples, seed, batchSize, latent, targets, forward), aggregate);
    }

    /// <summary>Sequence scores from the scores of their windows, as <see cref="ScoreWindows"/> describes.</summary>
    /// <param name="scaled">The sequences the windows were cut from.</param>
    /// <param name="cut">The windows.</param>
    /// <param name="w">Scores of <paramref name="cut"/>'s windows.</param>
    /// <param name="aggregate">Max or mean over windows.</param>
    public static SequenceScores Aggregate(SequenceSet scaled, SlidingWindows cut, SequenceScores w, WindowAggregate aggregate)
    {
        var n = scaled.Count;
        var rec = new float[n];
        var kl = new float[n];
        var worst = Enumerable.Repeat(-1, n).ToArray();
        var count = new int[n];
        var steps = Enumerable.Range(0, n).Select(i => new double[scaled.LengthOf(i)]).ToArray();
        var cover = Enumerable.Range(0, n).Select(i => new int[scaled.LengthOf(i)]).ToArray();
        for (var k = 0; k < cut.Owner.Length; k++)
        {
            var i = cut.Owner[k];
            if (aggregate == WindowAggregate.Max)
            {
                rec[i] = count[i] == 0 ? w.Reconstruction[k] : Math.Max(rec[i], w.Reconstruction[k]);
                kl[i] = count[i] == 0 ? w.Kl[k] : Math.Max(kl[i], w.Kl[k]);
            }
            else
            {
                rec[i] += w.Reconstruction[k];
                kl[i] += w.Kl[k];
            }

            if (worst[i] < 0 || w.Reconstruction[k] > w.Reconstruction[worst[i]])
            {
                worst[i] = k;
            }

            count[i]++;
            for (var t = 0; t < w.StepErrors[k].Length; t++)
            {
                steps[i][cut.Start[k] + t] += w.StepErrors[k][t];
                cover[i][cut.Start[k] + t]++;
            }
        }

        if (aggregate == WindowAggregate.Mean)
        {
            for (var i = 0; i < n; i++)
            {
                rec[i] /= count[i];
                kl[i] /= count[i];
            }
        }

        var stepErrors = Enumerable.Range(0, n).Select(i => steps[i].Select((e, t) => (float)(e / cover[i][t])).ToArray()).ToArray();
        float[] Aggregated(float[] perWindow)
        {
            if (perWindow.Length == 0)
            {
                return [];
            }

            var result = new float[n];
            var seen = new int[n];
            for (var k = 0; k < cut.Owner.Length; k++)
            {
                var i = cut.Owner[k];
                result[i] = aggregate == WindowAggregate.Max
                    ? (seen[i] == 0 ? perWindow[k] : Math.Max(result[i], perWindow[k]))
                    : result[i] + (perWindow[k] / count[i]);
                seen[i]++;
            }

            return result;
        }

        return new SequenceScores(rec, kl, stepErrors, worst.Select(k => w.ChannelErrors[k]).ToArray(), worst.Select(k => w.LatentMeans[k]).ToArray())
        {
            Watched = w.Watched,
            LatentLogVars = worst.Select(k => w.LatentLogVars[k]).ToArray(),
            Mahalanobis = Aggregated(w.Mahalanobis),
            Elbo = Aggregated(w.Elbo),
            NllIs = Aggregated(w.NllIs),
        };
    }

    /// <summary>Posterior-mean reconstructions of some sequences, in scaled units.</summary>
    /// <param name="model">A trained model.</param>
    /// <param name="scaled">Sequences scaled as the training data were.</param>
    /// <param name="indices">Which sequences.</param>
    /// <returns>One row-major (time, channels) array per index, of the sequence's own length.</returns>
    /// <param name="window">0 for whole sequences; otherwise the model's window, and each step's reconstruction is the mean over the windows (of stride <paramref name="stride"/>) covering it.</param>
    /// <param name="stride">Steps between windows.</param>
    public static float[][] Reconstruct(GruVae model, SequenceSet scaled, IReadOnlyList<int> indices, int window = 0, int stride = 1)
    {
        model.eval();
        using var noGrad = no_grad();
        var result = new float[indices.Count][];
        var c = scaled.Channels;
        for (var i = 0; i < indices.Count; i++)
        {
            var one = new SequenceSet(scaled.ChannelNames, [scaled.Sequences[indices[i]]]);
            var cut = window > 0 ? SlidingWindows.Cut(one, window, stride) : new SlidingWindows(one, [0], [0]);
            var sum = new double[scaled.Sequences[indices[i]].Values.Length];
            var cover = new int[sum.Length / c];
            for (var k = 0; k < cut.Windows.Count; k++)
            {
                using var scope = NewDisposeScope();
                var batch = PaddedBatch.Create(cut.Windows, [k]);
                var (mean, _) = model.Encode(batch.X, batch.LastStep);
                var values = model.Decode(mean, batch.X.shape[1]).data<float>().ToArray();
                for (var j = 0; j < values.Length; j++)
                {
                    sum[(cut.Start[k] * c) + j] += values[j];
                }

                for (var t = 0; t < values.Length / c; t++)
                {
                    cover[cut.Start[k] + t]++;
                }
            }

            result[i] = sum.Select((v, j) => (float)(v / cover[j / c])).ToArray();
        }

        return result;
    }
}
