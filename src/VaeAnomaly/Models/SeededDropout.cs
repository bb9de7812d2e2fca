using TorchSharp;
using static TorchSharp.torch;

namespace VaeAnomaly.Models;

/// <summary>
/// Inverted dropout drawing its masks from its own generator, so models trained in parallel threads stay
/// repeatable (TorchSharp's dropout draws from the process-wide generator).
/// </summary>
public sealed class SeededDropout : nn.Module<Tensor, Tensor>
{
    private readonly double rate;
    private readonly Generator generator;

    /// <summary>Creates the layer.</summary>
    /// <param name="rate">Probability of zeroing a value in training, in [0, 1).</param>
    /// <param name="seed">Seed of the masks.</param>
    public SeededDropout(double rate, long seed) : base(nameof(SeededDropout))
    {
        this.rate = rate is >= 0 and < 1 ? rate : throw new ArgumentOutOfRangeException(nameof(rate), $"dropout must lie in [0, 1), got {rate}");
        generator = new Generator((ulong)seed);
        RegisterComponents();
    }

    /// <summary>In training, zeroes each value with probability rate and scales the rest by 1 / (1 - rate); otherwise the identity.</summary>
    /// <param name="x">Any shape.</param>
    public override Tensor forward(Tensor x)
    {
        if (!training || rate == 0)
        {
            return x.alias();
        }

        // Scalars held in `using`, not converted implicitly: see AdamOptimizer's remarks (a collected implicit Scalar broke parallel runs).
        using var threshold = rate.ToScalar();
        using var scale = (1 / (1 - rate)).ToScalar();
        var keep = rand(x.shape, dtype: x.dtype, generator: generator).ge_(threshold);
        return x.mul(keep).mul_(scale);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            generator.Dispose();
        }

        base.Dispose(disposing);
    }
}
