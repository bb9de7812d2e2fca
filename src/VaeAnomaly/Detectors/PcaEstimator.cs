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

    /// <summary>Most windows the components are fitted on when windows also hold more values than this.</summary>
    public const int MaxSample = 4096;

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

    /// <summary>
    /// Fits the components on training windows (at least two). The eigenvectors come from the smaller of the two
    /// matrices of the centred windows X (n windows of d values): the covariance XᵀX (d x d) or the Gram matrix XXᵀ
    /// (n x n), whose eigenvectors u give the covariance's as Xᵀu, with the same eigenvalues. Windows of many columns
    /// (300 columns: 9,600 values) made a d x d decomposition take 85 s and 4.3 GB where the Gram matrix of the few
    /// thousand windows takes seconds; at the most columns a window may hold (65,536 values) the covariance alone
    /// would need 34 GB. When both n and d exceed <see cref="PcaEstimator.MaxSample"/>, the components are fitted on
    /// that many windows, evenly spaced (as knn keeps its bank), so the decomposition stays that size.
    /// </summary>
    public static PcaModel Fit(WindowFeatureShape shape, SequenceSet windows)
    {
        if (windows.Count < 2)
        {
            throw new ArgumentException($"The training data give {windows.Count} window of {shape.Window} steps; a PCA needs at least 2. Use a smaller --window or more data.");
        }

        var d = shape.Width;
        if (windows.Count > PcaEstimator.MaxSample && d > PcaEstimator.MaxSample)
        {
            windows = windows.Subset([.. Enumerable.Range(0, PcaEstimator.MaxSample).Select(i => (int)((long)i * windows.Count / PcaEstimator.MaxSample))]);
        }

        var n = windows.Count;
        using var scope = NewDisposeScope();
        using var x = tensor(Flatten(windows, d), [n, d]).to(ScalarType.Float64);
        var center = x.mean([0]);
        var centred = x - center;
        var gram = n < d;
        var (values, vectors) = Decompose(gram ? centred.mm(centred.T).DividedBy(n - 1) : centred.T.mm(centred).DividedBy(n - 1)); // ascending
        var variance = values.flip(0).AtLeast(0).data<double>().ToArray();
        var total = variance.Sum();
        var k = 1;
        for (double kept = variance[0]; k < Math.Min(d, n - 1) && total > 0 && kept / total < PcaEstimator.KeptVariance; k++)
        {
            kept += variance[k];
        }

        var leading = vectors.flip(1).narrow(1, 0, k);
        var basis = gram ? UnitColumns(centred.T.mm(leading).contiguous().data<double>().ToArray(), d, k) : leading.contiguous().to(ScalarType.Float32).data<float>().ToArray();
        return new PcaModel(shape, center.to(ScalarType.Float32).data<float>().ToArray(), basis, k);
    }

    /// <summary>
    /// The columns of <paramref name="v"/> (d x k, row-major) scaled to length 1: Xᵀu has length sqrt((n - 1) λ). A
    /// column of length 0 (training windows that never vary) becomes a unit vector along the first value, as any unit
    /// vector serves there.
    /// </summary>
    private static float[] UnitColumns(double[] v, int d, int k)
    {
        var unit = new float[v.Length];
        for (var j = 0; j < k; j++)
        {
            double sum = 0;
            for (var i = 0; i < d; i++)
            {
                sum += v[(i * k) + j] * v[(i * k) + j];
            }

            var norm = Math.Sqrt(sum);
            for (var i = 0; i < d; i++)
            {
                unit[(i * k) + j] = norm > 1e-12 ? (float)(v[(i * k) + j] / norm) : i == 0 ? 1f : 0f;
            }
        }

        return unit;
    }

    /// <summary>
    /// The eigenvalues (ascending) and eigenvectors of a covariance matrix. One that is ill-conditioned (columns that
    /// never change, windows that repeat) can stop LAPACK from converging; a ridge of 1e-10, then 1e-8, ... up to 1e-4 of
    /// the mean variance is added until it converges. The ridge shifts every eigenvalue equally, so the components and
    /// their order are those of the matrix itself.
    /// </summary>
    private static (Tensor Values, Tensor Vectors) Decompose(Tensor covariance)
    {
        var d = covariance.shape[0];
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
                throw new ArgumentException("The covariance of the training windows could not be decomposed even with a ridge; the windows may hold no variation. Use other columns or more data.");
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
