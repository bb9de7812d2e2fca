using static TorchSharp.torch;

namespace VaeAnomaly.Models;

/// <summary>Runs a <see cref="DenseNetwork"/> on windows (batch, time, channels) by flattening each window.</summary>
public sealed class FlattenedWindows : nn.Module<Tensor, VaeOutput>
{
    private readonly DenseNetwork inner;

    /// <summary>Wraps a network whose input width is time x channels.</summary>
    /// <param name="inner">The dense network.</param>
    public FlattenedWindows(DenseNetwork inner) : base(nameof(FlattenedWindows))
    {
        this.inner = inner;
        RegisterComponents();
    }


    /// <inheritdoc />
    public override VaeOutput forward(Tensor x)
    {
        var output = inner.call(x.flatten(1));
        return output with { Reconstruction = output.Reconstruction.view(x.shape) };
    }
}
