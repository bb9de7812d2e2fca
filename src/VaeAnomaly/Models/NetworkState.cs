using VaeAnomaly.Performance;
using static TorchSharp.torch;

namespace VaeAnomaly.Models;

/// <summary>
/// The weights of the dense, LSTM and convolutional networks as managed arrays, named as their modules' state
/// dictionaries name them: the shapes their options make (computed without libtorch, so a bundle's file is checked and
/// read without starting it), copies of a built network's, and a built network filled from them.
/// </summary>
internal static class NetworkState
{
    /// <summary>The kernel width of every <see cref="ConvAutoencoder"/> layer.</summary>
    public const int ConvKernel = 7;

    /// <summary>The shape of every tensor of the window network of <paramref name="family"/> (as <see cref="WindowNetworks.Create"/> builds it).</summary>
    /// <param name="family"><see cref="WindowNetworks.Dense"/>, <see cref="WindowNetworks.Lstm"/> or <see cref="WindowNetworks.Conv"/>.</param>
    /// <param name="o">Sizes.</param>
    /// <param name="window">Steps per window.</param>
    /// <param name="channels">Channels per step.</param>
    public static IReadOnlyDictionary<string, long[]> Shapes(string family, DenseOptions o, int window, int channels)
    {
        var shapes = new Dictionary<string, long[]>();
        void Linear(string name, long input, long output)
        {
            shapes[$"{name}.weight"] = [output, input];
            shapes[$"{name}.bias"] = [output];
        }

        void Lstm(string name, long input, long hidden)
        {
            shapes[$"{name}.weight_ih_l0"] = [4 * hidden, input];
            shapes[$"{name}.weight_hh_l0"] = [4 * hidden, hidden];
            shapes[$"{name}.bias_ih_l0"] = [4 * hidden];
            shapes[$"{name}.bias_hh_l0"] = [4 * hidden];
        }

        switch (family)
        {
            case WindowNetworks.Dense:
                return DenseShapes(o, window * channels, FlattenedPrefix);
            case WindowNetworks.Lstm:
                var hidden = o.Hidden[0];
                Lstm("encoder", channels, hidden);
                Lstm("decoder", hidden, hidden);
                Linear("toOutput", hidden, channels);
                return shapes;
            case WindowNetworks.Conv:
                var (first, second) = ConvFilters(o);
                foreach (var (name, input, output) in new[] { ("down1", channels, first), ("down2", first, second), ("up1", second, second), ("up2", second, first), ("output", first, channels) })
                {
                    Linear(name, (long)input * ConvKernel, output); // the unfolded convolution's (outputs, inputs x kernel) weight
                }

                return shapes;
            default:
                throw new ArgumentException($"Unknown autoencoder family '{family}'; expected {WindowNetworks.Dense}, {WindowNetworks.Lstm} or {WindowNetworks.Conv}.");
        }
    }

    /// <summary>The prefix of the dense network's tensors inside <see cref="FlattenedWindows"/>.</summary>
    public const string FlattenedPrefix = "inner.";

    /// <summary>The shape of every tensor of a <see cref="DenseNetwork"/>, each name behind <paramref name="prefix"/>.</summary>
    /// <param name="o">Sizes.</param>
    /// <param name="features">Input width.</param>
    /// <param name="prefix">Empty for the network itself, <see cref="FlattenedPrefix"/> inside a window model.</param>
    public static IReadOnlyDictionary<string, long[]> DenseShapes(DenseOptions o, int features, string prefix)
    {
        o.Validate();
        var shapes = new Dictionary<string, long[]>();
        foreach (var (name, input, output) in DenseLayers(o, features, prefix))
        {
            shapes[$"{name}.weight"] = [output, input];
            shapes[$"{name}.bias"] = [output];
        }

        // The log-variance head, off the evaluation path: the latent's width for the VAE, one unit (unused) for the autoencoder.
        shapes[$"{prefix}toLogVar.weight"] = [o.Variational ? o.Latent : 1, o.Hidden[^1]];
        shapes[$"{prefix}toLogVar.bias"] = [o.Variational ? o.Latent : 1];
        return shapes;
    }

    /// <summary>
    /// The operations of a <see cref="DenseNetwork"/>'s forward pass in evaluation, in order, with its weights from <paramref name="state"/>:
    /// the encoder's layers, the code (the posterior mean of the VAE), a ReLU for the autoencoder, the decoder's layers, a sigmoid when
    /// <see cref="DenseOptions.SigmoidOutput"/>. Dropout is the identity in evaluation and is left out.
    /// </summary>
    /// <param name="state">The network's tensors.</param>
    /// <param name="o">Sizes.</param>
    /// <param name="features">Input width.</param>
    /// <param name="prefix">As in <see cref="DenseShapes"/>.</param>
    public static IReadOnlyList<DenseStep> DenseSteps(IReadOnlyDictionary<string, StoredTensor> state, DenseOptions o, int features, string prefix)
    {
        var relu = new DenseStep("relu", [], [], 0, 0);
        var steps = new List<DenseStep>();
        var layers = DenseLayers(o, features, prefix);
        for (var i = 0; i < layers.Count; i++)
        {
            var (name, input, output) = layers[i];
            steps.Add(new DenseStep("linear", state[$"{name}.weight"].Values, state[$"{name}.bias"].Values, input, output));
            var code = i == o.Hidden.Length;
            var last = i == layers.Count - 1;
            if (last ? o.SigmoidOutput : !code || !o.Variational)
            {
                steps.Add(last ? new DenseStep("sigmoid", [], [], 0, 0) : relu);
            }
        }

        return steps;
    }

    /// <summary>Copies of every tensor of a built network.</summary>
    /// <param name="network">A network.</param>
    public static IReadOnlyDictionary<string, StoredTensor> Of(nn.Module network)
    {
        using var noGrad = no_grad();
        return network.state_dict().ToDictionary(kv => kv.Key, kv => new StoredTensor(kv.Value.shape, WeightCopies.Values(kv.Value)));
    }

    /// <summary>Fills a freshly built network's tensors from <paramref name="state"/> (of the same names and shapes) and returns it.</summary>
    /// <param name="network">A network built with the options that made <paramref name="state"/>.</param>
    /// <param name="state">Every tensor of the network.</param>
    public static T Fill<T>(T network, IReadOnlyDictionary<string, StoredTensor> state)
        where T : nn.Module
    {
        using var noGrad = no_grad();
        foreach (var (name, tensor) in network.state_dict())
        {
            var stored = state[name];
            using var source = TorchSharp.torch.tensor(stored.Values, stored.Shape);
            tensor.copy_(source);
        }

        return network;
    }

    /// <summary>The filters of the first and second convolution stage.</summary>
    public static (int First, int Second) ConvFilters(DenseOptions o) => (o.Hidden[0], o.Hidden.Length > 1 ? o.Hidden[1] : o.Hidden[0] / 2);

    /// <summary>The linear layers of a <see cref="DenseNetwork"/> on the evaluation path, in order: name, input and output width.</summary>
    private static List<(string Name, int Input, int Output)> DenseLayers(DenseOptions o, int features, string prefix)
    {
        // Each hidden layer of a stack is Linear, ReLU and, with dropout, Dropout: the stack's modules are numbered in that order.
        var block = o.Dropout > 0 ? 3 : 2;
        var layers = new List<(string, int, int)>();
        var width = features;
        for (var i = 0; i < o.Hidden.Length; i++)
        {
            layers.Add(($"{prefix}encoder.{i * block}", width, o.Hidden[i]));
            width = o.Hidden[i];
        }

        layers.Add(($"{prefix}toCode", width, o.Latent));
        width = o.Latent;
        var decoder = o.Hidden.Reverse().ToArray();
        for (var i = 0; i < decoder.Length; i++)
        {
            layers.Add(($"{prefix}decoder.{i * block}", width, decoder[i]));
            width = decoder[i];
        }

        layers.Add(($"{prefix}decoder.{decoder.Length * block}", width, features));
        return layers;
    }
}
