using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VaeAnomaly.Models;

/// <summary>
/// A dense autoencoder or VAE over flat records (batch, features): ReLU hidden layers with optional dropout,
/// a linear output. The VAE's encoder ends in linear heads to the mean and log-variance of a Gaussian latent
/// and samples z by the reparameterisation trick in training (the posterior mean otherwise).
/// </summary>
public sealed class DenseNetwork : nn.Module<Tensor, VaeOutput>
{
    private readonly Sequential encoder, decoder;
    private readonly Linear toCode, toLogVar;
    private readonly bool variational;
    private readonly Generator sampler;

    /// <summary>Builds the network with freshly initialised weights (seed them with <c>torch.manual_seed</c> first).</summary>
    /// <param name="o">Sizes.</param>
    /// <param name="features">Input width.</param>
    public DenseNetwork(DenseOptions o, int features) : base(nameof(DenseNetwork))
    {
        o.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        o.ValidateSize(features);
        variational = o.Variational;
        encoder = Stack(features, o.Hidden, o.Dropout, o.Seed);
        toCode = nn.Linear(o.Hidden[^1], o.Latent);
        toLogVar = nn.Linear(o.Hidden[^1], o.Variational ? o.Latent : 1);
        var decoderSizes = o.Hidden.Reverse().ToArray();
        decoder = Stack(o.Latent, decoderSizes, o.Dropout, o.Seed + 1000);
        decoder.append(nn.Linear(decoderSizes[^1], features));
        if (o.SigmoidOutput)
        {
            decoder.append(nn.Sigmoid());
        }

        sampler = new Generator((ulong)o.Seed);
        RegisterComponents();
    }

    /// <summary>Reconstruction, and the posterior mean and log-variance (the VAE) or the code and zeros (the autoencoder).</summary>
    /// <param name="x">(batch, features).</param>
    public override VaeOutput forward(Tensor x)
    {
        var h = encoder.call(x);
        var code = toCode.call(h);
        if (!variational)
        {
            return new VaeOutput(decoder.call(nn.functional.relu(code)), code, zeros_like(code));
        }

        var logVar = toLogVar.call(h);
        var z = training ? GruVae.Reparameterise(code, logVar, sampler) : code;
        return new VaeOutput(decoder.call(z), code, logVar);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            sampler.Dispose();
        }

        base.Dispose(disposing);
    }

    private static Sequential Stack(int input, int[] sizes, double dropout, int seed)
    {
        var layers = nn.Sequential();
        var width = input;
        foreach (var size in sizes)
        {
            layers.append(nn.Linear(width, size));
            layers.append(nn.ReLU());
            if (dropout > 0)
            {
                layers.append(new SeededDropout(dropout, seed + layers.Count));
            }

            width = size;
        }

        return layers;
    }
}
