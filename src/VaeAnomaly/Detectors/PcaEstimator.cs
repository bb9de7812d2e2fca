using System.Numerics;
using System.Runtime.Intrinsics;
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
    public static DetectorEntry Entry { get; } = WindowFeatureEstimator.Entry(ModelName, "reconstruction error of 32-step z-scored windows from the components keeping 95% of the variance", (shape, windows, _) => PcaModel.Fit(shape, windows), PcaModel.Restore);
}

/// <summary>The mean window and the kept components; reconstructs windows as mean + (x - mean) P Pᵀ.</summary>
internal sealed class PcaModel(WindowFeatureShape shape, float[] mean, float[] basis, int components) : IWindowErrors
{
    /// <summary>The components as rows, (components, width): each one's values side by side.</summary>
    private readonly float[] rows = Transpose(basis, shape.Width, components);

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
        // In managed code, no libtorch: a stream's one window costs microseconds where a libtorch call cost hundreds, and
        // scoring starts no libtorch. A file's windows are scored in groups spread over the cores, four at a time, so that
        // each component read serves four windows; the components are read in blocks that stay in cache, first for the
        // projections z = (x - mean) P, then for the reconstructions z Pᵀ, which are summed in registers, component by
        // component in order. Each projection is one dot product, so a window's errors do not depend on the windows
        // scored with it (a group's last four are padded with copies of its last window).
        var d = shape.Width;
        var squared = new float[windows.Count * d];
        var perPass = Math.Max(1, WindowGroups.CacheBytes / (d * sizeof(float)));
        void ScoreGroup(int first, int n)
        {
            var padded = (n + 3) / 4 * 4;
            var centred = new float[padded * d];
            for (var w = 0; w < padded; w++)
            {
                var x = windows.Sequences[first + Math.Min(w, n - 1)].Values;
                for (var c = 0; c < d; c++)
                {
                    centred[(w * d) + c] = x[c] - mean[c];
                }
            }

            var z = new float[padded * components];
            var reconstructed = new float[padded * d];
            for (var from = 0; from < components; from += perPass)
            {
                var to = Math.Min(components, from + perPass);
                for (var w = 0; w < padded; w += 4)
                {
                    Project(centred.AsSpan(w * d, 4 * d), from, to, z.AsSpan(w * components, 4 * components));
                }
            }

            for (var from = 0; from < components; from += perPass)
            {
                var to = Math.Min(components, from + perPass);
                for (var w = 0; w < padded; w += 4)
                {
                    Reconstruct(z.AsSpan(w * components, 4 * components), from, to, reconstructed.AsSpan(w * d, 4 * d));
                }
            }

            for (var i = 0; i < n * d; i++)
            {
                var error = centred[i] - reconstructed[i];
                squared[(first * d) + i] = error * error;
            }
        }

        WindowGroups.ForEach(windows.Count, ScoreGroup);

        return squared;
    }

    private static float[] Transpose(float[] basis, int width, int components)
    {
        var rows = new float[basis.Length];
        for (var c = 0; c < width; c++)
        {
            for (var j = 0; j < components; j++)
            {
                rows[(j * width) + c] = basis[(c * components) + j];
            }
        }

        return rows;
    }

    /// <summary>
    /// z[w, j] = the dot product of centred window w (of four, consecutive) with component j, for j in [from, to): fused
    /// multiply-adds in vector lanes, the lanes added, then the tail; each component's values are read once for the four.
    /// </summary>
    private void Project(ReadOnlySpan<float> four, int from, int to, Span<float> z)
    {
        var d = shape.Width;
        var a0 = four[..d];
        var a1 = four.Slice(d, d);
        var a2 = four.Slice(2 * d, d);
        var a3 = four.Slice(3 * d, d);
        for (var j = from; j < to; j++)
        {
            var b = rows.AsSpan(j * d, d);
            var (t0, t1, t2, t3, i) = (0f, 0f, 0f, 0f, 0);
            if (WindowGroups.Wide)
            {
                var (s0, s1, s2, s3) = (Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero);
                for (; i <= d - Vector512<float>.Count; i += Vector512<float>.Count)
                {
                    var v = Vector512.Create(b[i..]);
                    s0 = Vector512.FusedMultiplyAdd(Vector512.Create(a0[i..]), v, s0);
                    s1 = Vector512.FusedMultiplyAdd(Vector512.Create(a1[i..]), v, s1);
                    s2 = Vector512.FusedMultiplyAdd(Vector512.Create(a2[i..]), v, s2);
                    s3 = Vector512.FusedMultiplyAdd(Vector512.Create(a3[i..]), v, s3);
                }

                (t0, t1, t2, t3) = (Vector512.Sum(s0), Vector512.Sum(s1), Vector512.Sum(s2), Vector512.Sum(s3));
            }
            else
            {
                var (s0, s1, s2, s3) = (Vector<float>.Zero, Vector<float>.Zero, Vector<float>.Zero, Vector<float>.Zero);
                for (; i <= d - Vector<float>.Count; i += Vector<float>.Count)
                {
                    var v = new Vector<float>(b[i..]);
                    s0 = Vector.FusedMultiplyAdd(new Vector<float>(a0[i..]), v, s0);
                    s1 = Vector.FusedMultiplyAdd(new Vector<float>(a1[i..]), v, s1);
                    s2 = Vector.FusedMultiplyAdd(new Vector<float>(a2[i..]), v, s2);
                    s3 = Vector.FusedMultiplyAdd(new Vector<float>(a3[i..]), v, s3);
                }

                (t0, t1, t2, t3) = (Vector.Sum(s0), Vector.Sum(s1), Vector.Sum(s2), Vector.Sum(s3));
            }

            for (; i < d; i++)
            {
                (t0, t1, t2, t3) = (MathF.FusedMultiplyAdd(a0[i], b[i], t0), MathF.FusedMultiplyAdd(a1[i], b[i], t1), MathF.FusedMultiplyAdd(a2[i], b[i], t2), MathF.FusedMultiplyAdd(a3[i], b[i], t3));
            }

            (z[j], z[components + j], z[(2 * components) + j], z[(3 * components) + j]) = (t0, t1, t2, t3);
        }
    }

    /// <summary>
    /// Adds to four windows' reconstructions (consecutive in <paramref name="target"/>) z[w, j] times component j for j
    /// in [from, to), value by value: each value's sum runs over the components in order, in a register.
    /// </summary>
    private void Reconstruct(ReadOnlySpan<float> z, int from, int to, Span<float> target)
    {
        var d = shape.Width;
        var c = 0;
        if (WindowGroups.Wide)
        {
            for (; c <= d - Vector512<float>.Count; c += Vector512<float>.Count)
            {
                var (r0, r1, r2, r3) = (Vector512.Create((ReadOnlySpan<float>)target[c..]), Vector512.Create((ReadOnlySpan<float>)target[(d + c)..]), Vector512.Create((ReadOnlySpan<float>)target[((2 * d) + c)..]), Vector512.Create((ReadOnlySpan<float>)target[((3 * d) + c)..]));
                for (var j = from; j < to; j++)
                {
                    var v = Vector512.Create(rows.AsSpan((j * d) + c));
                    r0 = Vector512.FusedMultiplyAdd(Vector512.Create(z[j]), v, r0);
                    r1 = Vector512.FusedMultiplyAdd(Vector512.Create(z[components + j]), v, r1);
                    r2 = Vector512.FusedMultiplyAdd(Vector512.Create(z[(2 * components) + j]), v, r2);
                    r3 = Vector512.FusedMultiplyAdd(Vector512.Create(z[(3 * components) + j]), v, r3);
                }

                r0.CopyTo(target[c..]);
                r1.CopyTo(target[(d + c)..]);
                r2.CopyTo(target[((2 * d) + c)..]);
                r3.CopyTo(target[((3 * d) + c)..]);
            }
        }
        else
        {
            for (; c <= d - Vector<float>.Count; c += Vector<float>.Count)
            {
                var (r0, r1, r2, r3) = (new Vector<float>(target[c..]), new Vector<float>(target[(d + c)..]), new Vector<float>(target[((2 * d) + c)..]), new Vector<float>(target[((3 * d) + c)..]));
                for (var j = from; j < to; j++)
                {
                    var v = new Vector<float>(rows.AsSpan((j * d) + c));
                    r0 = Vector.FusedMultiplyAdd(new Vector<float>(z[j]), v, r0);
                    r1 = Vector.FusedMultiplyAdd(new Vector<float>(z[components + j]), v, r1);
                    r2 = Vector.FusedMultiplyAdd(new Vector<float>(z[(2 * components) + j]), v, r2);
                    r3 = Vector.FusedMultiplyAdd(new Vector<float>(z[(3 * components) + j]), v, r3);
                }

                r0.CopyTo(target[c..]);
                r1.CopyTo(target[(d + c)..]);
                r2.CopyTo(target[((2 * d) + c)..]);
                r3.CopyTo(target[((3 * d) + c)..]);
            }
        }

        for (; c < d; c++)
        {
            for (var j = from; j < to; j++)
            {
                var v = rows[(j * d) + c];
                target[c] = MathF.FusedMultiplyAdd(z[j], v, target[c]);
                target[d + c] = MathF.FusedMultiplyAdd(z[components + j], v, target[d + c]);
                target[(2 * d) + c] = MathF.FusedMultiplyAdd(z[(2 * components) + j], v, target[(2 * d) + c]);
                target[(3 * d) + c] = MathF.FusedMultiplyAdd(z[(3 * components) + j], v, target[(3 * d) + c]);
            }
        }
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
