using System.Diagnostics;
using TorchSharp;
using VaeAnomaly.Models;
using static TorchSharp.torch;

namespace VaeAnomaly.Training;

/// <summary>
/// Fits an autoencoder or VAE module (dense, LSTM or convolutional) on fixed-shape inputs: squared error summed
/// over each input's values (autoencoder) or the beta-ELBO (VAE), Adam with optional L2 weight decay, clipping,
/// early stopping with the best weights restored.
/// </summary>
/// <param name="options">Optimisation settings (and <see cref="DenseOptions.Variational"/>).</param>
/// <param name="watched">
/// The indices, along the inputs' last dimension (a window's columns), of the values the model learns to reconstruct and
/// is stopped early on; every value stays an input. Null: all of them.
/// </param>
internal sealed class AutoencoderTrainer(DenseOptions options, IReadOnlyList<int>? watched = null)
{
    private const double ClipNorm = 5.0;

    /// <summary>Trains <paramref name="model"/> in place and restores the weights of its best validation epoch.</summary>
    /// <param name="model">A freshly built network; returns the reconstruction (and, for a VAE, the posterior) of a batch.</param>
    /// <param name="trainX">(inputs, ...) training inputs.</param>
    /// <param name="validationX">(inputs, ...) normal validation inputs.</param>
    /// <param name="progress">Receives one report per epoch.</param>
    /// <param name="ct">Stops between batches.</param>
    /// <returns>The history; losses are per record (squared error summed over its watched values, KL in nats).</returns>
    public IReadOnlyList<EpochReport> Fit(nn.Module<Tensor, VaeOutput> model, Tensor trainX, Tensor validationX,
        IProgress<EpochReport>? progress = null, CancellationToken ct = default)
    {
        options.Validate();
        var rng = new Random(options.Seed);
        using var optimizer = new AdamOptimizer(model.parameters(), options.LearningRate) { WeightDecay = options.WeightDecay };
        var n = (int)trainX.shape[0];
        var history = new List<EpochReport>();
        Dictionary<string, Tensor>? best = null;
        var (bestLoss, sinceBest) = (double.PositiveInfinity, 0);
        using var mask = Mask(trainX.shape[^1]);
        try
        {
            for (var epoch = 0; epoch < options.Epochs; epoch++)
            {
                var clock = Stopwatch.StartNew();
                model.train();
                var order = Enumerable.Range(0, n).ToArray();
                rng.Shuffle(order);
                double rec = 0, kl = 0;
                var batchNumber = 0;
                foreach (var chunk in order.Chunk(options.BatchSize))
                {
                    ct.ThrowIfCancellationRequested();
                    batchNumber++;
                    using var scope = NewDisposeScope();
                    using var index = tensor(chunk.Select(i => (long)i).ToArray());
                    var x = trainX.index_select(0, index);
                    optimizer.ZeroGrad();
                    var (loss, recLoss, klLoss) = Loss(model.call(x), x, mask);
                    var value = loss.item<float>();
                    if (!float.IsFinite(value))
                    {
                        throw new TrainingDivergedException(epoch + 1, batchNumber, options.LearningRate);
                    }

                    loss.backward();
                    nn.utils.clip_grad_norm_(model.parameters(), ClipNorm);
                    optimizer.Step();
                    rec += recLoss.item<float>() * chunk.Length;
                    kl += klLoss.item<float>() * chunk.Length;
                }

                var (valRec, valKl) = Evaluate(model, validationX, mask);
                var valTotal = valRec + (options.Beta * valKl);
                var isBest = valTotal < bestLoss;
                if (isBest)
                {
                    (bestLoss, sinceBest) = (valTotal, 0);
                    Trainer.DisposeAll(best);
                    using var noGrad = no_grad();
                    best = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
                }
                else
                {
                    sinceBest++;
                }

                var report = new EpochReport(epoch + 1, options.Epochs, rec / n, kl / n, (rec + (options.Beta * kl)) / n, valRec, valKl, valTotal,
                    options.LearningRate, options.Beta, clock.Elapsed.TotalSeconds, isBest);
                history.Add(report);
                progress?.Report(report);
                if (options.Patience > 0 && sinceBest >= options.Patience)
                {
                    break;
                }
            }

            if (best is not null)
            {
                model.load_state_dict(best);
            }
        }
        finally
        {
            Trainer.DisposeAll(best);
        }

        return history;
    }

    /// <summary>Per-input squared error of the reconstruction (posterior mean for a VAE), summed over the input's values.</summary>
    /// <param name="model">A trained network.</param>
    /// <param name="x">(inputs, ...).</param>
    public static float[] SquaredErrors(nn.Module<Tensor, VaeOutput> model, Tensor x)
    {
        model.eval();
        using var noGrad = no_grad();
        var errors = new List<float>((int)x.shape[0]);
        for (long start = 0; start < x.shape[0]; start += 4096)
        {
            using var scope = NewDisposeScope();
            var batch = x.narrow(0, start, Math.Min(4096, x.shape[0] - start));
            errors.AddRange((model.call(batch).Reconstruction - batch).Squared().flatten(1).sum(1).data<float>().ToArray());
        }

        return [.. errors];
    }

    /// <summary>The squared error of every value of the reconstruction (posterior mean for a VAE): what <see cref="SquaredErrors"/> sums per input.</summary>
    /// <param name="model">A trained network.</param>
    /// <param name="x">(inputs, values).</param>
    public static float[] ValueErrors(nn.Module<Tensor, VaeOutput> model, Tensor x)
    {
        model.eval();
        using var noGrad = no_grad();
        var errors = new List<float>((int)x.numel());
        for (long start = 0; start < x.shape[0]; start += 4096)
        {
            using var scope = NewDisposeScope();
            var batch = x.narrow(0, start, Math.Min(4096, x.shape[0] - start));
            errors.AddRange((model.call(batch).Reconstruction - batch).Squared().flatten(1).data<float>().ToArray());
        }

        return [.. errors];
    }

    /// <summary>1 for a watched position of the last dimension and 0 for the others; null when every value is watched.</summary>
    private Tensor? Mask(long width)
    {
        if (watched is null)
        {
            return null;
        }

        var mask = new float[width];
        foreach (var j in watched)
        {
            mask[j] = 1f;
        }

        return tensor(mask);
    }

    /// <summary>The squared error of each reconstructed value, zero where it is not watched.</summary>
    private static Tensor Errors(Tensor reconstruction, Tensor x, Tensor? mask)
    {
        var errors = (reconstruction - x).Squared();
        return mask is null ? errors : errors.mul(mask);
    }

    private (Tensor Total, Tensor Reconstruction, Tensor Kl) Loss(VaeOutput output, Tensor x, Tensor? mask)
    {
        var rec = Errors(output.Reconstruction, x, mask).flatten(1).sum(1).mean();
        if (!options.Variational)
        {
            return (rec, rec, zeros([], dtype: rec.dtype));
        }

        var kl = VaeLoss.Kl(output.Mean, output.LogVar).mean();
        using var beta = options.Beta.ToScalar(); // explicit Scalars: an implicit one may be freed by the GC mid-call
        using var one = 1.0.ToScalar();
        return (rec.add(kl.mul(beta), one), rec, kl);
    }

    private (double Reconstruction, double Kl) Evaluate(nn.Module<Tensor, VaeOutput> model, Tensor x, Tensor? mask)
    {
        model.eval();
        using var noGrad = no_grad();
        double rec = 0, kl = 0;
        for (long start = 0; start < x.shape[0]; start += 4096)
        {
            using var scope = NewDisposeScope();
            var batch = x.narrow(0, start, Math.Min(4096, x.shape[0] - start));
            var output = model.call(batch);
            rec += Errors(output.Reconstruction, batch, mask).sum().item<float>();
            kl += options.Variational ? VaeLoss.Kl(output.Mean, output.LogVar).sum().item<float>() : 0;
        }

        return (rec / x.shape[0], kl / x.shape[0]);
    }

}
