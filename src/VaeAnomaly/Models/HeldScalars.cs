using TorchSharp;
using static TorchSharp.torch;

namespace VaeAnomaly.Models;

/// <summary>
/// Tensor arithmetic whose Scalars live until the native call returns. TorchSharp makes a temporary Scalar for
/// <c>square()</c> (it is <c>pow(2)</c>), for <c>a + b</c> (an alpha of 1) and for every number passed where a
/// Scalar is expected; the garbage collector may finalize one while libtorch still reads it (docs/torchsharp.md).
/// <c>TemporaryScalarTests</c> reads the compiled library and fails on any such temporary.
/// </summary>
internal static class HeldScalars
{
    /// <summary>Element-wise square, as <c>square()</c> computes it (<c>pow</c> with the integer 2).</summary>
    public static Tensor Squared(this Tensor t)
    {
        using var two = 2.ToScalar();
        return t.pow(two);
    }

    /// <summary>Element-wise <paramref name="a"/> + <paramref name="b"/>.</summary>
    public static Tensor Plus(this Tensor a, Tensor b)
    {
        using var one = 1.ToScalar();
        return a.add(b, one);
    }

    /// <summary>Every element times <paramref name="factor"/>.</summary>
    public static Tensor Times(this Tensor t, double factor)
    {
        using var s = factor.ToScalar();
        return t.mul(s);
    }

    /// <summary>Every element divided by <paramref name="divisor"/>.</summary>
    public static Tensor DividedBy(this Tensor t, double divisor)
    {
        using var s = divisor.ToScalar();
        return t.div(s);
    }

    /// <summary>Every element, at least <paramref name="minimum"/>.</summary>
    public static Tensor AtLeast(this Tensor t, double minimum)
    {
        using var s = minimum.ToScalar();
        return t.clamp_min(s);
    }
}
