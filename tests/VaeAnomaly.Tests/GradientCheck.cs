using static TorchSharp.torch;

namespace VaeAnomaly.Tests;

/// <summary>Compares a module's autograd gradients with central finite differences (run it in double precision).</summary>
internal static class GradientCheck
{
    /// <summary>Backpropagates <paramref name="loss"/> once, then checks the first <paramref name="entries"/> entries of every parameter.</summary>
    /// <param name="module">The module whose parameters are checked.</param>
    /// <param name="loss">Recomputes the scalar loss from the current parameters.</param>
    /// <param name="entries">Entries checked per parameter tensor.</param>
    /// <param name="tolerance">Largest difference, relative to max(1, |finite difference|).</param>
    /// <param name="allowNoGradient">True for a parameter that may legitimately have no gradient (unused by the loss).</param>
    public static void AssertMatchesFiniteDifferences(nn.Module module, Func<Tensor> loss, int entries, double tolerance, Func<string, bool>? allowNoGradient = null)
    {
        loss().backward();
        double Value() => loss().item<double>();
        foreach (var (name, p) in module.named_parameters())
        {
            if (p.grad is null)
            {
                Assert.True(allowNoGradient?.Invoke(name) ?? false, $"{name} has no gradient");
                continue;
            }

            var flat = p.view(-1);
            var grad = p.grad.view(-1);
            for (var i = 0; i < Math.Min(entries, flat.shape[0]); i++)
            {
                const double h = 1e-6;
                double original;
                using (no_grad())
                {
                    original = flat[i].item<double>();
                    flat[i] = original + h;
                }

                var up = Value();
                using (no_grad())
                {
                    flat[i] = original - h;
                }

                var down = Value();
                using (no_grad())
                {
                    flat[i] = original;
                }

                var numeric = (up - down) / (2 * h);
                Assert.True(Math.Abs(numeric - grad[i].item<double>()) < tolerance * Math.Max(1, Math.Abs(numeric)), $"{name}[{i}]: autograd {grad[i].item<double>()}, finite difference {numeric}");
            }
        }
    }
}
