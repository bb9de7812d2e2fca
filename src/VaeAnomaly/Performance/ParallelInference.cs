using VaeAnomaly.Models;
using static TorchSharp.torch;

namespace VaeAnomaly.Performance;

/// <summary>
/// The optimised scoring path: a batch is cut into slices along the batch dimension and each slice runs the
/// whole posterior-mean forward pass on its own thread, with libtorch's intra-op parallelism at one thread
/// there. A GRU on the CPU spends most of its time on per-step operator overhead on tensors too
/// small for libtorch to split across cores, so one thread per slice keeps every core busy where the plain
/// path leaves one idle. The arithmetic per sequence is unchanged.
/// </summary>
public static class ParallelInference
{
    /// <summary>Posterior-mean reconstruction, mean and log-variance of a batch, computed in <paramref name="workers"/> slices in parallel.</summary>
    /// <param name="model">A model in evaluation mode.</param>
    /// <param name="x">(batch, time, channels).</param>
    /// <param name="lastStep">(batch) index of each sequence's last real step.</param>
    /// <param name="workers">Slices, one thread each; 1 runs the plain path.</param>
    public static VaeOutput Forward(GruVae model, Tensor x, Tensor lastStep, int workers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        var batch = x.shape[0];
        var slices = (int)Math.Min(workers, batch);
        if (slices == 1)
        {
            using var noGrad = no_grad();
            var (mean, logVar) = model.Encode(x, lastStep);
            return new VaeOutput(model.Decode(mean, x.shape[1]), mean, logVar);
        }

        var size = (batch + slices - 1) / slices;
        var parts = new (Tensor Reconstruction, Tensor Mean, Tensor LogVar)[slices];
        Parallel.For(0, slices, new ParallelOptions { MaxDegreeOfParallelism = slices }, k => OnOneThread(() =>
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var start = k * size;
            var length = Math.Min(size, batch - start);
            var (mean, logVar) = model.Encode(x.narrow(0, start, length), lastStep.narrow(0, start, length));
            var reconstruction = model.Decode(mean, x.shape[1]);
            parts[k] = (reconstruction.MoveToOuterDisposeScope(), mean.MoveToOuterDisposeScope(), logVar.MoveToOuterDisposeScope());
        }));

        var output = new VaeOutput(cat(parts.Select(p => p.Reconstruction).ToArray(), 0), cat(parts.Select(p => p.Mean).ToArray(), 0), cat(parts.Select(p => p.LogVar).ToArray(), 0));
        foreach (var p in parts)
        {
            p.Reconstruction.Dispose();
            p.Mean.Dispose();
            p.LogVar.Dispose();
        }

        return output;
    }

    /// <summary>
    /// Runs <paramref name="work"/> with libtorch's intra-op parallelism at one thread on the calling thread. The
    /// setting is OpenMP's, which belongs to each thread: the pool thread's own value is given back afterwards, so
    /// later work on that thread is not left single-threaded, and no idle OpenMP team is left behind to compete
    /// with whatever runs next.
    /// </summary>
    /// <param name="work">The work.</param>
    internal static void OnOneThread(Action work)
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
