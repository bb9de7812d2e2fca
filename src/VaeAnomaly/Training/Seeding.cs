using TorchSharp;

namespace VaeAnomaly.Training;

/// <summary>One place that makes a run repeatable.</summary>
public static class Seeding
{
    /// <summary>Seeds libtorch's global generator and returns the <see cref="Random"/> to pass down.</summary>
    /// <param name="seed">The run's seed.</param>
    public static Random Apply(int seed)
    {
        lock (Gate)
        {
            torch.manual_seed(seed);
        }

        return new Random(seed);
    }

    /// <summary>
    /// Seeds libtorch's global generator and builds something from it (a model's initial weights) under
    /// one lock, so models built by parallel runs get the same weights as when built alone.
    /// </summary>
    /// <typeparam name="T">What is built.</typeparam>
    /// <param name="seed">The run's seed.</param>
    /// <param name="build">Draws from the global generator.</param>
    public static T Build<T>(int seed, Func<T> build)
    {
        lock (Gate)
        {
            torch.manual_seed(seed);
            return build();
        }
    }

    private static readonly Lock Gate = new();
}
