using System.Diagnostics;
using VaeAnomaly.Data;
using VaeAnomaly.Models;
using VaeAnomaly.Performance;
using static TorchSharp.torch;

namespace VaeAnomaly.Training;

/// <summary>Fits a <see cref="GruVae"/> by the beta-ELBO with Adam, clipping, optional warm-ups and early stopping.</summary>
/// <param name="options">Optimisation settings.</param>
/// <param name="checkpoint">Where to save the state after every epoch, and whether to continue from it; null saves nothing.</param>
internal sealed class Trainer(TrainerOptions options, TrainingCheckpoint? checkpoint = null)
{
    private const int EvaluationBatchSize = 256;

    /// <summary>Trains <paramref name="model"/> in place and restores the weights of its best validation epoch.</summary>
    /// <param name="model">A freshly built model.</param>
    /// <param name="beta">Full KL weight.</param>
    /// <param name="train">Scaled training sequences.</param>
    /// <param name="validation">Scaled validation sequences (normal only): early stopping.</param>
    /// <param name="progress">Receives one report per epoch.</param>
    /// <param name="ct">Stops between batches.</param>
    /// <returns>The history, one row per epoch run.</returns>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite.</exception>
    /// <exception cref="TrainingStoppedException">Cancelled after at least one epoch was saved in the checkpoint.</exception>
    /// <exception cref="CheckpointException">Resuming from a checkpoint that is missing, damaged or from another run.</exception>
    public IReadOnlyList<EpochReport> Fit(
        GruVae model, double beta, SequenceSet train, SequenceSet validation,
        IProgress<EpochReport>? progress = null, CancellationToken ct = default)
    {
        options.Validate();
        var rng = new Random(options.Seed);
        using var optimizer = new AdamOptimizer(model.parameters(), options.LearningRate);
        var history = new List<EpochReport>();
        Dictionary<string, Tensor>? best = null;
        var bestLoss = double.PositiveInfinity;
        var sinceBest = 0;
        var finished = false;
        if (checkpoint is { Resume: true })
        {
            using var state = checkpoint.Load();
            RestoreState(state, model, optimizer);
            best = state.Tensors.Any(t => t.Name.StartsWith("best.", StringComparison.Ordinal)) ? Clone(state.WithPrefix("best.")) : null;
            (bestLoss, sinceBest, finished) = (state.BestLoss, state.SinceBest, state.Finished);
            history.AddRange(state.History);

            // The batch order of the epochs already run is drawn again, so later epochs draw what they would have.
            for (var epoch = 0; epoch < state.EpochsDone; epoch++)
            {
                _ = LengthBatcher.Batches(train, options.BatchSize, rng);
            }
        }

        try
        {
            for (var epoch = history.Count; !finished && epoch < options.Epochs; epoch++)
            {
                var clock = Stopwatch.StartNew();
                var lr = options.LearningRateAt(epoch);
                optimizer.LearningRate = lr;

                var epochBeta = beta * options.BetaFractionAt(epoch);
                var (trainRec, trainKl, trainTotal) = TrainEpoch(model, optimizer, train, epochBeta, epoch, lr, rng, ct);
                var (valRec, valKl, valTotal) = Evaluate(model, validation, beta);

                var isBest = valTotal < bestLoss;
                if (isBest)
                {
                    bestLoss = valTotal;
                    sinceBest = 0;
                    DisposeAll(best);
                    best = Snapshot(model);
                }
                else
                {
                    sinceBest++;
                }

                var report = new EpochReport(epoch + 1, options.Epochs, trainRec, trainKl, trainTotal, valRec, valKl, valTotal,
                    lr, epochBeta, clock.Elapsed.TotalSeconds, isBest);
                history.Add(report);
                var stop = options.Patience > 0 && sinceBest >= options.Patience;
                finished = stop || epoch + 1 == options.Epochs;
                if (checkpoint is not null)
                {
                    using var state = CaptureState(model, optimizer, best, bestLoss, sinceBest, finished, history);
                    checkpoint.Save(state);
                }

                progress?.Report(report);
                if (stop)
                {
                    break;
                }
            }

            if (best is not null)
            {
                model.load_state_dict(best);
            }
        }
        catch (OperationCanceledException e) when (checkpoint is not null && history.Count > 0 && e is not TrainingStoppedException)
        {
            throw new TrainingStoppedException(history.Count, options.Epochs, checkpoint.Directory);
        }
        finally
        {
            DisposeAll(best);
        }

        return history;
    }

    /// <summary>Mean per-sequence reconstruction loss, KL and objective with the posterior mean (no sampling).</summary>
    /// <param name="model">The model.</param>
    /// <param name="data">Scaled sequences.</param>
    /// <param name="beta">KL weight of the objective.</param>
    public static (double Reconstruction, double Kl, double Total) Evaluate(GruVae model, SequenceSet data, double beta)
    {
        model.eval();
        using var noGrad = no_grad();
        var fused = FusedGruVae.From(model);
        using var libtorchThreads = LibtorchThreads.One();
        double rec = 0, kl = 0;
        foreach (var indices in LengthBatcher.Batches(data, EvaluationBatchSize))
        {
            using var scope = NewDisposeScope();
            var batch = PaddedBatch.Create(data, indices);
            var output = fused.Forward(batch.X, batch.LastStep);
            rec += VaeLoss.SquaredErrorSum(output.Reconstruction, batch.X, batch.Mask).sum().item<float>();
            kl += VaeLoss.Kl(output.Mean, output.LogVar).sum().item<float>();
        }

        rec /= data.Count;
        kl /= data.Count;
        return (rec, kl, rec + (beta * kl));
    }

    private (double Rec, double Kl, double Total) TrainEpoch(
        GruVae model, AdamOptimizer optimizer, SequenceSet train, double beta, int epoch, double lr, Random rng, CancellationToken ct)
    {
        model.train();
        double rec = 0, kl = 0, total = 0;
        var batchNumber = 0;
        var fused = options.FusedKernels ? new FusedBackprop() : null;
        using var libtorchThreads = fused is null ? null : LibtorchThreads.One();
        foreach (var indices in LengthBatcher.Batches(train, options.BatchSize, rng))
        {
            ct.ThrowIfCancellationRequested();
            batchNumber++;
            using var scope = NewDisposeScope();
            var batch = PaddedBatch.Create(train, indices);
            optimizer.ZeroGrad();
            double value, recValue, klValue;
            if (fused is not null)
            {
                (value, recValue, klValue) = fused.LossAndGradients(model, batch.X, batch.LastStep, beta);
            }
            else
            {
                var (loss, recLoss, klLoss) = VaeLoss.Compute(model.call(batch.X, batch.LastStep), batch.X, batch.Mask, beta);
                (value, recValue, klValue) = (loss.item<float>(), recLoss.item<float>(), klLoss.item<float>());
                if (double.IsFinite(value))
                {
                    loss.backward();
                }
            }

            if (!double.IsFinite(value))
            {
                throw new TrainingDivergedException(epoch + 1, batchNumber, lr);
            }

            if (options.GradientClipNorm > 0)
            {
                nn.utils.clip_grad_norm_(model.parameters(), options.GradientClipNorm);
            }

            optimizer.Step();
            rec += recValue * indices.Length;
            kl += klValue * indices.Length;
            total += value * indices.Length;
        }

        return (rec / train.Count, kl / train.Count, total / train.Count);
    }

    private TrainingState CaptureState(
        GruVae model, AdamOptimizer optimizer, Dictionary<string, Tensor>? best, double bestLoss, int sinceBest, bool finished, List<EpochReport> history)
    {
        var tensors = new List<(string, Tensor)>();
        tensors.AddRange(model.state_dict().Select(kv => ("model." + kv.Key, kv.Value.detach())));
        tensors.AddRange((best ?? []).Select(kv => ("best." + kv.Key, kv.Value.detach())));
        tensors.AddRange(optimizer.Moments.SelectMany((m, i) => new[] { ($"adam.m.{i}", m.First.detach()), ($"adam.v.{i}", m.Second.detach()) }));
        tensors.Add(("sampler", model.SamplerState));
        return new TrainingState
        {
            RunKey = checkpoint!.RunKey,
            EpochsDone = history.Count,
            Finished = finished,
            BestLoss = bestLoss,
            SinceBest = sinceBest,
            AdamSteps = optimizer.Steps,
            History = [.. history],
            Tensors = tensors,
        };
    }

    private static void RestoreState(TrainingState state, GruVae model, AdamOptimizer optimizer)
    {
        using (no_grad())
        {
            model.load_state_dict(state.WithPrefix("model."));
        }

        var moments = state.WithPrefix("adam.m.");
        var second = state.WithPrefix("adam.v.");
        optimizer.Restore([.. Enumerable.Range(0, moments.Count).Select(i => (moments[$"{i}"], second[$"{i}"]))], state.AdamSteps);
        model.RestoreSampler(state.Get("sampler"));
    }

    private static Dictionary<string, Tensor> Clone(Dictionary<string, Tensor> tensors)
    {
        using var noGrad = no_grad();
        return tensors.ToDictionary(kv => kv.Key, kv => kv.Value.clone().DetachFromDisposeScope());
    }

    private static Dictionary<string, Tensor> Snapshot(GruVae model)
    {
        using var noGrad = no_grad();
        return model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
    }

    /// <summary>Disposes a snapshot of weights (null is allowed).</summary>
    internal static void DisposeAll(Dictionary<string, Tensor>? tensors)
    {
        foreach (var t in tensors?.Values ?? Enumerable.Empty<Tensor>())
        {
            t.Dispose();
        }
    }
}
