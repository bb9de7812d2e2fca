using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VaeAnomaly.Models;

/// <summary>
/// A 1-D convolution (stride 1, same padding) computed as one matrix product over unfolded windows. It exists
/// because libtorch 2.10's CPU <c>conv1d</c> backward, through TorchSharp 0.107, returned non-finite input
/// gradients for some shapes (16 to 2 channels, kernel 7, 16 steps, batch 32), which a matrix product does not.
/// </summary>
public sealed class UnfoldConv1d : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight, bias;
    private readonly int kernel;

    /// <summary>Creates the layer with PyTorch's default initialisation, U(-1/sqrt(fan_in), 1/sqrt(fan_in)).</summary>
    /// <param name="inputs">Input channels.</param>
    /// <param name="outputs">Output channels.</param>
    /// <param name="kernel">Kernel width, odd.</param>
    public UnfoldConv1d(int inputs, int outputs, int kernel) : base(nameof(UnfoldConv1d))
    {
        if (kernel < 1 || kernel % 2 == 0)
        {
            throw new ArgumentException($"The kernel width must be odd and positive for same padding, got {kernel}.", nameof(kernel));
        }

        this.kernel = kernel;
        var bound = 1 / Math.Sqrt(inputs * kernel);
        weight = new Parameter(empty(outputs, inputs * kernel).uniform_(-bound, bound));
        bias = new Parameter(empty(outputs).uniform_(-bound, bound));
        RegisterComponents();
    }

    /// <summary>The weights as <c>nn.Conv1d</c> lays them out: (outputs, inputs, kernel).</summary>
    public Tensor Weight => weight.view(weight.shape[0], -1, kernel);

    /// <summary>The bias, (outputs).</summary>
    public Tensor Bias => bias;

    /// <summary>Convolves.</summary>
    /// <param name="x">(batch, inputs, time).</param>
    /// <returns>(batch, outputs, time).</returns>
    public override Tensor forward(Tensor x)
    {
        var pad = kernel / 2;
        var windows = nn.functional.pad(x, [pad, pad]).unfold(2, kernel, 1);       // (batch, inputs, time, kernel)
        var rows = windows.permute(0, 2, 1, 3).reshape(x.shape[0], x.shape[2], -1); // (batch, time, inputs * kernel)
        using var one = 1.0.ToScalar(); // add's alpha, given so TorchSharp does not create a Scalar the GC may free mid-call
        return rows.matmul(weight.t()).add(bias, one).transpose(1, 2);
    }
}
