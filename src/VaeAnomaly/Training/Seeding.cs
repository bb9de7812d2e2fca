using TorchSharp;

namespace VaeAnomaly.Training;

/// <summary>One place that makes a run repeatable.</summary>
public static class Seeding
{
    /// <summary>Seeds libtorch's global generator and returns the <see cref="Random"/> to pass down.</summary>
    /// <param name="seed">The run's seed.</param>
    public static Random Apply(int seed)
    {
        torch.manual_seed(seed);
        return new Random(seed);
    }
}
