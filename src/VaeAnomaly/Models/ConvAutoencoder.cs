using static TorchSharp.torch;

namespace VaeAnomaly.Models;

/// <summary>
/// 1-D convolutional autoencoder over windows (batch, time, channels) whose length is a multiple of 4: two
/// Conv1d (kernel 7, same padding) + ReLU + max-pool(2) (+ dropout) stages down, two nearest-neighbour x2 upsampling
/// + Conv1d (kernel 7) + ReLU stages up, and a Conv1d (kernel 7) back to the channels.
/// </summary>
/// <remarks>
/// Built from <see cref="UnfoldConv1d"/>, max over pairs of steps and nearest-neighbour upsampling: libtorch
/// 2.10's CPU <c>conv1d</c>, <c>conv_transpose1d</c> and <c>max_pool1d</c> backward passes, through TorchSharp
/// 0.107, returned NaN gradients for some shapes while the loss stayed finite; these do not.
/// </remarks>
public sealed class ConvAutoencoder : nn.Module<Tensor, VaeOutput>
{
    private readonly UnfoldConv1d down1, down2, up1, up2, output;
    private readonly SeededDropout drop1, drop2;

    /// <summary>Builds the network (seed <c>torch.manual_seed</c> first).</summary>
    /// <param name="channels">Input channels.</param>
    /// <param name="filters">Filters of the first and second stage, e.g. (32, 16).</param>
    /// <param name="dropoutRate">Dropout after each encoder stage in training; 0 disables it.</param>
    /// <param name="seed">Seed of the dropout masks.</param>
    public ConvAutoencoder(int channels, (int First, int Second) filters, double dropoutRate, int seed) : base(nameof(ConvAutoencoder))
    {
        down1 = new UnfoldConv1d(channels, filters.First, NetworkState.ConvKernel);
        drop1 = new SeededDropout(dropoutRate, seed);
        down2 = new UnfoldConv1d(filters.First, filters.Second, NetworkState.ConvKernel);
        drop2 = new SeededDropout(dropoutRate, seed + 1);
        up1 = new UnfoldConv1d(filters.Second, filters.Second, NetworkState.ConvKernel);
        up2 = new UnfoldConv1d(filters.Second, filters.First, NetworkState.ConvKernel);
        output = new UnfoldConv1d(filters.First, channels, NetworkState.ConvKernel);
        RegisterComponents();
    }


    /// <summary>Reconstruction; the code (flattened) is returned as the mean, with a zero log-variance.</summary>
    /// <param name="x">(batch, time, channels), time a multiple of 4.</param>
    public override VaeOutput forward(Tensor x)
    {
        if (x.shape[1] % 4 != 0)
        {
            throw new ArgumentException($"The convolutional autoencoder reads windows whose length is a multiple of 4; got {x.shape[1]}.", nameof(x));
        }

        var h = drop1.call(Pool(nn.functional.relu(down1.call(x.transpose(1, 2)))));
        var code = drop2.call(Pool(nn.functional.relu(down2.call(h))));   // (batch, filters, time / 4)
        var y = output.call(nn.functional.relu(up2.call(Upsample(nn.functional.relu(up1.call(Upsample(code))))))).transpose(1, 2);
        var flat = code.flatten(1);
        return new VaeOutput(y, flat, zeros_like(flat));
    }

    /// <summary>Nearest-neighbour upsampling by 2: (batch, channels, time) to (batch, channels, 2 time).</summary>
    private static Tensor Upsample(Tensor x) => x.repeat_interleave(2, 2);

    /// <summary>Max-pooling over pairs of steps: (batch, channels, time) to (batch, channels, time / 2).</summary>
    private static Tensor Pool(Tensor x) => x.view(x.shape[0], x.shape[1], x.shape[2] / 2, 2).amax([-1]);
}
