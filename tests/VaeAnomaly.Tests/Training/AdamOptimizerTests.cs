using VaeAnomaly.Training;
using static TorchSharp.torch;

namespace VaeAnomaly.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class AdamOptimizerTests
{
    [Fact]
    public void Step_FiveSteps_MatchesTorchSharpsAdam()
    {
        // Given: two identical linear layers and the same regression problem.
        manual_seed(1);
        using var ours = nn.Linear(4, 3);
        using var reference = nn.Linear(4, 3);
        reference.load_state_dict(ours.state_dict());
        using var x = randn(16, 4);
        using var y = randn(16, 3);
        using var adam = new AdamOptimizer(ours.parameters(), learningRate: 0.01);
        using var torchAdam = optim.Adam(reference.parameters(), lr: 0.01);

        // When
        for (var i = 0; i < 5; i++)
        {
            adam.ZeroGrad();
            (ours.call(x) - y).square().mean().backward();
            adam.Step();
            torchAdam.zero_grad();
            (reference.call(x) - y).square().mean().backward();
            torchAdam.step();
        }

        // Then
        foreach (var (name, tensor) in ours.state_dict())
        {
            var expected = reference.state_dict()[name].data<float>().ToArray();
            var actual = tensor.data<float>().ToArray();
            for (var k = 0; k < expected.Length; k++)
            {
                Assert.Equal(expected[k], actual[k], 5);
            }
        }

    }
}
