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
    /// <param name="gradient">Fills the parameters' gradients; by default <paramref name="loss"/>'s autograd backward.</param>
    /// <param name="step">The finite-difference step h: 1e-6 suits double precision, float32 needs about 1e-2.</param>
    /// <param name="pick">Which entries of a parameter of the given size to check; by default the first <paramref name="entries"/>.</param>
    public static void AssertMatchesFiniteDifferences(nn.Module module, Func<Tensor> loss, int entries, double tolerance, Func<string, bool>? allowNoGradient = null,
        Action? gradient = null, double step = 1e-6, Func<long, IEnumerable<long>>? pick = null)
    {
        (gradient ?? (() => loss().backward()))();
        double Value() => AsDouble(loss());
        foreach (var (name, p) in module.named_parameters())
        {
            if (p.grad is null)
            {
                Assert.True(allowNoGradient?.Invoke(name) ?? false, $"{name} has no gradient");
                continue;
            }

            var flat = p.view(-1);
            var grad = p.grad.view(-1);
            foreach (var i in pick?.Invoke(flat.shape[0]) ?? Enumerable.Range(0, (int)Math.Min(entries, flat.shape[0])).Select(i => (long)i))
            {
                var h = step;
                double original;
                using (no_grad())
                {
                    original = AsDouble(flat[i]);
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
                Assert.True(Math.Abs(numeric - AsDouble(grad[i])) < tolerance * Math.Max(1, Math.Abs(numeric)), $"{name}[{i}]: autograd {AsDouble(grad[i])}, finite difference {numeric}");
            }
        }
    }

    /// <summary>A one-element tensor's value in double, whatever its element type.</summary>
    private static double AsDouble(Tensor t)
    {
        using var d = t.to_type(ScalarType.Float64);
        return d.item<double>();
    }
}
