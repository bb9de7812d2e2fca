using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VaeAnomaly.Models;

/// <summary>
/// Sequence-to-sequence LSTM autoencoder over windows (batch, time, channels): an LSTM encoder whose last
/// state, repeated over the window, feeds an LSTM decoder and a per-step linear map back to the channels.
/// </summary>
public sealed class LstmAutoencoder : nn.Module<Tensor, VaeOutput>
{
    private readonly LSTM encoder, decoder;
    private readonly Linear toOutput;
    private readonly SeededDropout dropout;

    /// <summary>Builds the network (seed <c>torch.manual_seed</c> first).</summary>
    /// <param name="channels">Input channels.</param>
    /// <param name="hidden">LSTM units of encoder and decoder.</param>
    /// <param name="dropoutRate">Dropout on the code in training; 0 disables it.</param>
    /// <param name="seed">Seed of the dropout masks.</param>
    public LstmAutoencoder(int channels, int hidden, double dropoutRate, int seed) : base(nameof(LstmAutoencoder))
    {
        encoder = nn.LSTM(channels, hidden, batchFirst: true);
        decoder = nn.LSTM(hidden, hidden, batchFirst: true);
        toOutput = nn.Linear(hidden, channels);
        dropout = new SeededDropout(dropoutRate, seed);
        RegisterComponents();
    }


    /// <summary>Reconstruction; the code is returned as the mean, with a zero log-variance.</summary>
    /// <param name="x">(batch, time, channels).</param>
    public override VaeOutput forward(Tensor x)
    {
        var (states, _, _) = encoder.call(x);
        var code = dropout.call(states.select(1, -1));                            // (batch, hidden)
        var (y, _, _) = decoder.call(code.unsqueeze(1).expand(-1, x.shape[1], -1));
        return new VaeOutput(toOutput.call(y), code, zeros_like(code));
    }
}
