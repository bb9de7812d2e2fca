using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VaeAnomaly.Models;

/// <summary>
/// 1-D convolutional autoencoder over windows (batch, time, channels) whose length is a multiple of 4: two
/// Conv1d (kernel 7, same padding) + ReLU (+ dropout) + MaxPool1d(2) stages down, two ConvTranspose1d (kernel 2, stride 2)
/// + ReLU stages up, and a Conv1d (kernel 7) back to the channels.
/// </summary>
/// <remarks>
/// Dropout comes before each pooling: placed after <c>max_pool1d</c>, TorchSharp 0.107 with libtorch 2.10 on
/// the CPU gave NaN gradients within a few steps while the loss stayed finite.
/// </remarks>
public sealed class ConvAutoencoder : nn.Module<Tensor, VaeOutput>
{
    private readonly Conv1d down1, down2, output;
    private readonly ConvTranspose1d up1, up2;
    private readonly MaxPool1d pool1, pool2;
    private readonly SeededDropout drop1, drop2;

    /// <summary>Builds the network (seed <c>torch.manual_seed</c> first).</summary>
    /// <param name="channels">Input channels.</param>
    /// <param name="filters">Filters of the first and second stage, e.g. (32, 16).</param>
    /// <param name="dropoutRate">Dropout after each encoder stage in training; 0 disables it.</param>
    /// <param name="seed">Seed of the dropout masks.</param>
    public ConvAutoencoder(int channels, (int First, int Second) filters, double dropoutRate, int seed) : base(nameof(ConvAutoencoder))
    {
        down1 = nn.Conv1d(channels, filters.First, 7, padding: 3);
        pool1 = nn.MaxPool1d(2);
        drop1 = new SeededDropout(dropoutRate, seed);
        down2 = nn.Conv1d(filters.First, filters.Second, 7, padding: 3);
        pool2 = nn.MaxPool1d(2);
        drop2 = new SeededDropout(dropoutRate, seed + 1);
        up1 = nn.ConvTranspose1d(filters.Second, filters.Second, 2, stride: 2);
        up2 = nn.ConvTranspose1d(filters.Second, filters.First, 2, stride: 2);
        output = nn.Conv1d(filters.First, channels, 7, padding: 3);
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

        var h = pool1.call(drop1.call(nn.functional.relu(down1.call(x.transpose(1, 2)))));
        var code = pool2.call(drop2.call(nn.functional.relu(down2.call(h))));   // (batch, filters, time / 4)
        var y = output.call(nn.functional.relu(up2.call(nn.functional.relu(up1.call(code))))).transpose(1, 2);
        var flat = code.flatten(1);
        return new VaeOutput(y, flat, zeros_like(flat));
    }
}
