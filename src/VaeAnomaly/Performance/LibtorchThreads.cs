using static TorchSharp.torch;

namespace VaeAnomaly.Performance;

/// <summary>
/// Keeps libtorch at one intra-op thread on the calling thread while the fused kernels run. libtorch's OpenMP
/// team spins for a while after every parallel operation, and on a machine with as many cores as kernel
/// threads those spinning threads took cores from the kernels (single batches took 13 to 55 ms instead of 10 ms in
/// a measurement of batch 256, length 50). The libtorch work left beside the kernels is small element-wise
/// arithmetic, which loses little on one thread. The setting is OpenMP's, per thread, so it is given back on dispose.
/// </summary>
public sealed class LibtorchThreads : IDisposable
{
    private readonly int previous;

    private LibtorchThreads()
    {
        previous = get_num_threads();
        set_num_threads(1);
    }

    /// <summary>Sets one libtorch thread until disposed; <see cref="Previous"/> is the count before, for the kernels' workers.</summary>
    public static LibtorchThreads One() => new();

    /// <summary>libtorch's thread count before this scope.</summary>
    public int Previous => previous;

    /// <inheritdoc />
    public void Dispose() => set_num_threads(previous);
}
