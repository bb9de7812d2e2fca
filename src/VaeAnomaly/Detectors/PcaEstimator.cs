using VaeAnomaly.Data;
using VaeAnomaly.Models;
using VaeAnomaly.Persistence;
using static TorchSharp.torch;

namespace VaeAnomaly.Detectors;

/// <summary>
/// <c>pca</c>: the squared reconstruction error of a z-scored window from the principal components that keep 95% of
/// the training windows' variance (Shyu et al., "A Novel Anomaly Detection Scheme Based on Principal Component
/// Classifier", 2003; the PCA window baseline of the telemetry benchmarks). Fitted in one pass.
/// </summary>
public static class PcaEstimator
{
    /// <summary>The name used on the command line and in bundles.</summary>
    public const string ModelName = "pca";

    /// <summary>Share of the training windows' variance the kept components explain.</summary>
    public const double KeptVariance = 0.95;

    /// <summary>The registry's entry.</summary>
    public static DetectorEntry Entry { get; } = WindowFeatureEstimator.Entry(ModelName, "reconstruction error of 32-step z-scored windows from the components keeping 95% of the variance", PcaModel.Fit, PcaModel.Restore);
}

/// <summary>The mean window and the kept components; reconstructs windows as mean + (x - mean) P Pᵀ.</summary>
internal sealed class PcaModel(WindowFeatureShape shape, float[] mean, float[] basis, int components) : IWindowErrors
{
    private const int Chunk = 2048;

    /// <summary>The training windows' mean, (width).</summary>
    public float[] Mean => mean;

    /// <summary>The kept components, (width, components) row-major.</summary>
    public float[] Basis => basis;

    /// <summary>How many components are kept.</summary>
    public int Components => components;

    /// <summary>Fits the components on training windows (at least two).</summary>
    public static PcaModel Fit(WindowFeatureShape shape, SequenceSet windows)
    {
        if (windows.Count < 2)
        {
            throw new ArgumentException($"The training data give {windows.Count} window of {shape.Window} steps; a PCA needs at least 2. Use a smaller --window or more data.");
        }

        var d = shape.Width;
        using var scope = NewDisposeScope();
        using var x = tensor(Flatten(windows, d), [windows.Count, d]).to(ScalarType.Float64);
        var center = x.mean([0]);
        var centred = x - center;
        var covariance = centred.T.mm(centred).DividedBy(windows.Count - 1);
        var (values, vectors) = Decompose(covariance, d); // ascending
        var variance = values.flip(0).AtLeast(0).data<double>().ToArray();
        var total = variance.Sum();
        var k = 1;
        for (double kept = variance[0]; k < Math.Min(d, windows.Count - 1) && total > 0 && kept / total < PcaEstimator.KeptVariance; k++)
        {
            kept += variance[k];
        }

        var kept2 = vectors.flip(1).narrow(1, 0, k).contiguous().to(ScalarType.Float32).data<float>().ToArray();
        return new PcaModel(shape, center.to(ScalarType.Float32).data<float>().ToArray(), kept2, k);
    }

    /// <summary>
    /// The eigenvalues (ascending) and eigenvectors of a covariance matrix. One that is ill-conditioned (columns that
    /// never change, windows that repeat) can stop LAPACK from converging; a ridge of 1e-10, then 1e-8, ... up to 1e-4 of
    /// the mean variance is added until it converges. The ridge shifts every eigenvalue equally, so the components and
    /// their order are those of the matrix itself.
    /// </summary>
    private static (Tensor Values, Tensor Vectors) Decompose(Tensor covariance, int d)
    {
        var scale = Math.Max(covariance.diagonal().mean().item<double>(), 1e-12);
        for (var ridge = 0.0; ; ridge = ridge == 0 ? 1e-10 : ridge * 100)
        {
            try
            {
                return linalg.eigh(ridge == 0 ? covariance : covariance.Plus(eye(d, dtype: ScalarType.Float64).Times(ridge * scale)));
            }
            catch (System.Runtime.InteropServices.ExternalException) when (ridge < 1e-4)
            {
                // Not converged: try again with a larger ridge.
            }
            catch (System.Runtime.InteropServices.ExternalException)
            {
                throw new ArgumentException($"The covariance of the training windows ({d} values each) could not be decomposed even with a ridge; the windows may hold no variation. Use other columns or more data.");
            }
        }
    }

    /// <summary>Reads the arrays of a bundle whose manifest was checked.</summary>
    public static PcaModel Restore(WindowFeatureManifest m, WindowFeatureShape shape, string directory)
    {
        if (!m.Parameters.TryGetValue("components", out var k) || k < 1 || k > shape.Width)
        {
            throw new BundleException(directory, $"model.json is inconsistent: a PCA needs parameters.components between 1 and {shape.Width}");
        }

        // Read into arrays without libtorch: a bundle scored by another engine never starts it.
        var state = WeightsFile.Read(directory, m.Weights, new Dictionary<string, long[]> { ["mean"] = [shape.Width], ["components"] = [shape.Width, k] });
        return new PcaModel(shape, state["mean"].Values, state["components"].Values, k);
    }

    /// <inheritdoc />
    public (float[] Scores, float[] Steps) Errors(SequenceSet windows) => shape.Reduce(SquaredErrors(windows), windows.Count);

    /// <inheritdoc />
    public float[] SquaredErrors(SequenceSet windows)
    {
        var d = shape.Width;
        var squared = new float[windows.Count * d];
        using var noGrad = no_grad();
        using var p = tensor(basis, [d, components]);
        using var m = tensor(mean, [d]);
        for (var first = 0; first < windows.Count; first += Chunk)
        {
            var n = Math.Min(Chunk, windows.Count - first);
            using var scope = NewDisposeScope();
            var x = tensor(Flatten(windows, d, first, n), [n, d]);
            var centred = x - m;
            var error = centred - centred.mm(p).mm(p.T);
            (error * error).data<float>().CopyTo(squared.AsSpan(first * d, n * d));
        }

        return squared;
    }

    /// <inheritdoc />
    public (WeightsInfo Weights, IReadOnlyDictionary<string, int> Parameters) Save(string directory) =>
        (WeightsFile.SaveArrays(directory, new Dictionary<string, (float[], long[])> { ["mean"] = (mean, [shape.Width]), ["components"] = (basis, [shape.Width, components]) }),
            new Dictionary<string, int> { ["components"] = components });

    /// <inheritdoc />
    public void Dispose()
    {
        // Managed arrays only.
    }

    /// <summary>Windows [first, first + count) as rows of a row-major matrix.</summary>
    internal static float[] Flatten(SequenceSet windows, int width, int first = 0, int? count = null)
    {
        var n = count ?? windows.Count;
        var values = new float[n * width];
        for (var i = 0; i < n; i++)
        {
            windows.Sequences[first + i].Values.CopyTo(values, i * width);
        }

        return values;
    }
}
