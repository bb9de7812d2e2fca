using TorchSharp;
using VaeAnomaly.Models;
using static TorchSharp.torch;

namespace VaeAnomaly.Performance;

/// <summary>
/// The optimised training step: data parallelism on one machine. Replicas of the model (same weights) each take
/// a slice of the batch on their own thread, with libtorch's intra-op parallelism at one thread there; their gradients,
/// weighted by slice size, are summed into the master model, which takes the optimiser step and hands its new
/// weights back to the replicas. The loss is the same batch mean as the plain step's; only the random draws
/// of z differ (each replica has its own seeded sampler).
/// </summary>
public sealed class ParallelTraining : IDisposable
{
    private readonly GruVae master;
    private readonly GruVae[] replicas;
    private readonly optim.Optimizer optimizer;
    private readonly double beta;
    private readonly double clipNorm;

    /// <summary>Sets up <paramref name="workers"/> replicas of <paramref name="master"/>.</summary>
    /// <param name="master">The model being trained; the optimiser must be over its parameters.</param>
    /// <param name="options">Its options (replicas are built from them, with seeds Seed + 1, Seed + 2, ...).</param>
    /// <param name="optimizer">Optimiser over <paramref name="master"/>'s parameters.</param>
    /// <param name="workers">Threads, 2 or more.</param>
    /// <param name="clipNorm">Gradient-norm clip; 0 for none.</param>
    public ParallelTraining(GruVae master, GruVaeOptions options, optim.Optimizer optimizer, int workers, double clipNorm = 5.0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 2);
        this.master = master;
        this.optimizer = optimizer;
        beta = options.Beta;
        this.clipNorm = clipNorm;
        replicas = [.. Enumerable.Range(1, workers).Select(k => new GruVae(options with { Seed = options.Seed + k }))];
        CopyWeights();
    }

    /// <summary>One optimiser step on the batch; returns the batch-mean loss.</summary>
    /// <param name="x">(batch, time, channels).</param>
    /// <param name="lastStep">(batch) last real step of each sequence.</param>
    /// <param name="mask">(batch, time) real steps.</param>
    public double Step(Tensor x, Tensor lastStep, Tensor mask)
    {
        var batch = x.shape[0];
        var slices = (int)Math.Min(replicas.Length, batch);
        var size = (batch + slices - 1) / slices;
        var losses = new double[slices];
        Parallel.For(0, slices, new ParallelOptions { MaxDegreeOfParallelism = slices }, k => OnOneThread(() =>
        {
            using var scope = NewDisposeScope();
            var replica = replicas[k];
            replica.train();
            replica.zero_grad();
            var start = k * size;
            var length = Math.Min(size, batch - start);
            var xs = x.narrow(0, start, length);
            var (loss, _, _) = VaeLoss.Compute(replica.call(xs, lastStep.narrow(0, start, length)), xs, mask.narrow(0, start, length), beta);
            using var weight = ((double)length / batch).ToScalar();
            var weighted = loss.mul(weight);
            weighted.backward();
            losses[k] = weighted.item<float>();
        }));

        using (var noGrad = no_grad())
        {
            var masterParameters = master.parameters().ToArray();
            var replicaParameters = replicas.Select(r => r.parameters().ToArray()).ToArray();
            for (var p = 0; p < masterParameters.Length; p++)
            {
                using var sum = replicaParameters[0][p].grad!.clone();
                for (var k = 1; k < slices; k++)
                {
                    sum.add_(replicaParameters[k][p].grad!);
                }

                if (masterParameters[p].grad is { } grad)
                {
                    grad.copy_(sum);
                }
                else
                {
                    masterParameters[p].grad = sum.clone();
                }
            }
        }

        if (clipNorm > 0)
        {
            nn.utils.clip_grad_norm_(master.parameters(), clipNorm);
        }

        optimizer.step();
        CopyWeights();
        return losses.Sum();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var replica in replicas)
        {
            replica.Dispose();
        }
    }

    private void CopyWeights()
    {
        using var noGrad = no_grad();
        var source = master.parameters().ToArray();
        foreach (var replica in replicas)
        {
            var target = replica.parameters().ToArray();
            for (var p = 0; p < source.Length; p++)
            {
                target[p].copy_(source[p]);
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> with libtorch's intra-op parallelism at one thread on the calling thread. The
    /// setting is OpenMP's, which belongs to each thread: the pool thread's own value is given back afterwards, so
    /// later work on that thread is not left single-threaded, and no idle OpenMP team is left behind to compete
    /// with whatever runs next.
    /// </summary>
    /// <param name="work">The work.</param>
    private static void OnOneThread(Action work)
    {
        var threads = get_num_threads();
        set_num_threads(1);
        try
        {
            work();
        }
        finally
        {
            set_num_threads(threads);
        }
    }
}
