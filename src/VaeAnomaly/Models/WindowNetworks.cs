using static TorchSharp.torch;

namespace VaeAnomaly.Models;

/// <summary>The networks of the window models: a dense, LSTM or Conv1D autoencoder (or the dense VAE) over (batch, window, channels).</summary>
public static class WindowNetworks
{
    /// <summary>Flattened windows through a dense network.</summary>
    public const string Dense = "dense";

    /// <summary>An LSTM sequence-to-sequence autoencoder.</summary>
    public const string Lstm = "lstm";

    /// <summary>A Conv1D autoencoder.</summary>
    public const string Conv = "conv";

    /// <summary>The network of a window model of <paramref name="family"/> (seed <c>torch.manual_seed</c> first).</summary>
    /// <param name="family"><see cref="Dense"/>, <see cref="Lstm"/> or <see cref="Conv"/>.</param>
    /// <param name="options">Sizes, dropout and seed.</param>
    /// <param name="window">Steps per window.</param>
    /// <param name="channels">Channels per step.</param>
    public static nn.Module<Tensor, VaeOutput> Create(string family, DenseOptions options, int window, int channels) => family switch
    {
        Dense => new FlattenedWindows(new DenseNetwork(options, window * channels)),
        Lstm => new LstmAutoencoder(channels, options.Hidden[0], options.Dropout, options.Seed),
        Conv => new ConvAutoencoder(channels, NetworkState.ConvFilters(options), options.Dropout, options.Seed),
        _ => throw new ArgumentException($"Unknown autoencoder family '{family}'; expected {Dense}, {Lstm} or {Conv}."),
    };
}
