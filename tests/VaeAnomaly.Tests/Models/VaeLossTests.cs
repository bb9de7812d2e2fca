using VaeAnomaly.Models;
using static TorchSharp.torch;

namespace VaeAnomaly.Tests.Models;

[Collection(TorchCollection.Name)]
public sealed class VaeLossTests
{
    [Fact]
    public void Kl_ClosedForm_AgreesWithMonteCarloEstimate()
    {
        // Given: KL(q || p) = E_q[log q(z) - log p(z)], estimated with 200,000 draws per row.
        manual_seed(11);
        using var scope = NewDisposeScope();
        var mean = tensor(new double[] { 0.5, -1.0, 0.0, 2.0, 0.3, -0.2 }, [2, 3]);
        var logVar = tensor(new double[] { -1.0, 0.5, 0.0, -2.0, 1.0, 0.2 }, [2, 3]);
        const int draws = 200_000;
        var std = (0.5 * logVar).exp();
        var eps = randn([draws, 2, 3], dtype: float64);
        var z = mean + (eps * std);
        var logQ = (-0.5 * eps.square()) - (0.5 * logVar) - (0.5 * Math.Log(2 * Math.PI));
        var logP = (-0.5 * z.square()) - (0.5 * Math.Log(2 * Math.PI));
        var monteCarlo = (logQ - logP).sum(2).mean([0]);
        var standardError = (logQ - logP).sum(2).std(0) / Math.Sqrt(draws);

        // When
        var closed = VaeLoss.Kl(mean, logVar);

        // Then: within four standard errors of the estimate, for each row.
        for (var row = 0; row < 2; row++)
        {
            var difference = Math.Abs(closed[row].item<double>() - monteCarlo[row].item<double>());
            Assert.True(difference < 4 * standardError[row].item<double>(), $"row {row}: closed {closed[row].item<double>()}, MC {monteCarlo[row].item<double>()}");
        }

        Assert.Equal(0.0, VaeLoss.Kl(zeros(1, 4), zeros(1, 4)).item<float>());
    }

    [Fact]
    public void Compute_Gradients_MatchFiniteDifferences()
    {
        // Given: every input of the masked beta-ELBO in double precision.
        manual_seed(5);
        using var scope = NewDisposeScope();
        var recon = randn([2, 4, 3], dtype: float64).requires_grad_();
        var x = randn([2, 4, 3], dtype: float64);
        var mean = randn([2, 5], dtype: float64).requires_grad_();
        var logVar = (0.3 * randn([2, 5], dtype: float64)).requires_grad_();
        var mask = tensor(new[] { true, true, true, false, true, true, true, true }, [2, 4]);
        const double beta = 3.0;
        double Loss() => VaeLoss.Compute(new VaeOutput(recon, mean, logVar), x, mask, beta).Total.item<double>();

        // When
        VaeLoss.Compute(new VaeOutput(recon, mean, logVar), x, mask, beta).Total.backward();

        // Then: central differences, h = 1e-6, agree to 1e-6 relative.
        foreach (var parameter in new[] { recon, mean, logVar })
        {
            var analytic = parameter.grad!.clone();
            using var noGrad = no_grad();
            var flat = parameter.view(-1);
            for (var i = 0; i < flat.shape[0]; i++)
            {
                var original = flat[i].item<double>();
                flat[i] = original + 1e-6;
                var up = Loss();
                flat[i] = original - 1e-6;
                var down = Loss();
                flat[i] = original;
                var numeric = (up - down) / 2e-6;
                Assert.Equal(numeric, analytic.view(-1)[i].item<double>(), 6);
            }
        }

        Assert.Equal(0.0, recon.grad!.view(-1)[9].item<double>()); // padded step (batch 0, step 3)
    }

    [Fact]
    public void SquaredErrorSum_PaddedStepsHoldGarbage_IgnoresThem()
    {
        using var scope = NewDisposeScope();
        var recon = zeros(1, 3, 2);
        var x = tensor(new float[] { 1, 1, 2, 2, 1e30f, float.PositiveInfinity }, [1, 3, 2]);
        var mask = tensor(new[] { true, true, false }, [1, 3]);

        var sum = VaeLoss.SquaredErrorSum(recon, x, mask);

        Assert.Equal(10f, sum.item<float>());
    }
}
