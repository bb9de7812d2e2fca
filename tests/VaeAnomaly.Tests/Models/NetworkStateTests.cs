using VaeAnomaly.Models;
using static TorchSharp.torch;

namespace VaeAnomaly.Tests.Models;

[Collection(TorchCollection.Name)]
public sealed class NetworkStateTests
{
    public static TheoryData<string, DenseOptions> Networks => new()
    {
        { WindowNetworks.Dense, new DenseOptions { Hidden = [6], Latent = 3 } },
        { WindowNetworks.Dense, new DenseOptions { Hidden = [7, 5], Latent = 2, Dropout = 0.2, SigmoidOutput = true } },
        { WindowNetworks.Dense, new DenseOptions { Variational = true, Hidden = [7, 5], Latent = 3, Dropout = 0.1 } },
        { WindowNetworks.Lstm, new DenseOptions { Hidden = [5] } },
        { WindowNetworks.Conv, new DenseOptions { Hidden = [6] } },
        { WindowNetworks.Conv, new DenseOptions { Hidden = [6, 4], Dropout = 0.2 } },
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Shapes_AreTheBuiltNetworksShapes(string family, DenseOptions options)
    {
        using var network = WindowNetworks.Create(family, options, window: 8, channels: 3);

        var expected = network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        var computed = NetworkState.Shapes(family, options, window: 8, channels: 3);

        Assert.Equal(expected.Keys.Order(), computed.Keys.Order());
        Assert.All(expected, kv => Assert.Equal(kv.Value, computed[kv.Key]));
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Fill_OfAnotherNetworksState_GivesItsReconstructions(string family, DenseOptions options)
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var source = WindowNetworks.Create(family, options, window: 8, channels: 3);
        manual_seed(2);
        using var target = NetworkState.Fill(WindowNetworks.Create(family, options, window: 8, channels: 3), NetworkState.Of(source));
        source.eval();
        target.eval();
        var x = randn(4, 8, 3);

        Assert.Equal(source.call(x).Reconstruction.data<float>().ToArray(), target.call(x).Reconstruction.data<float>().ToArray());
    }

    public static TheoryData<DenseOptions> DenseNetworks => [.. Networks.Where(row => (string)row[0] == WindowNetworks.Dense).Select(row => (DenseOptions)row[1])];

    [Theory]
    [MemberData(nameof(DenseNetworks))]
    public void DenseSteps_ComputedByHand_GiveTheNetworksEvaluationOutput(DenseOptions options)
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var network = new DenseNetwork(options, 6);
        network.eval();
        var x = randn(2, 6);
        var expected = network.call(x).Reconstruction.data<float>().ToArray();

        var steps = NetworkState.DenseSteps(NetworkState.Of(network), options, 6, "");
        var input = x.data<float>().ToArray();
        for (var row = 0; row < 2; row++)
        {
            double[] h = [.. input.AsSpan(row * 6, 6).ToArray().Select(v => (double)v)];
            foreach (var step in steps)
            {
                h = step.Op switch
                {
                    "linear" => [.. Enumerable.Range(0, step.Output).Select(o => step.Bias[o] + Enumerable.Range(0, step.Input).Sum(i => step.Weight[(o * step.Input) + i] * h[i]))],
                    "relu" => [.. h.Select(v => Math.Max(0, v))],
                    "sigmoid" => [.. h.Select(v => 1 / (1 + Math.Exp(-v)))],
                    _ => throw new InvalidOperationException(step.Op),
                };
            }

            for (var j = 0; j < 6; j++)
            {
                Assert.Equal(expected[(row * 6) + j], h[j], 1e-5);
            }
        }
    }
}
