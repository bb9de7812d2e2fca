using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using VaeAnomaly.Data;
using VaeAnomaly.Persistence;

namespace VaeAnomaly.Detectors;

/// <summary>
/// <c>knn</c>: how far a z-scored window lies from its nearest training windows (Ramaswamy et al., "Efficient
/// Algorithms for Mining Outliers from Large Data Sets", 2000; k = 5 as pyod's KNN). The neighbours are found on every
/// column; the score is the mean squared difference of the watched columns to the 5 nearest, so inputs explain and
/// targets are measured. At most 2,000 training windows are kept, evenly spaced, so a 5,000-row series fits in seconds.
/// </summary>
public static class KnnEstimator
{
    /// <summary>The name used on the command line and in bundles.</summary>
    public const string ModelName = "knn";

    /// <summary>Neighbours a window is compared with.</summary>
    public const int Neighbours = 5;

    /// <summary>Most training windows kept.</summary>
    public const int MaxBank = 2000;

    /// <summary>The registry's entry.</summary>
    public static DetectorEntry Entry { get; } = WindowFeatureEstimator.Entry(ModelName, "mean squared distance of a 32-step z-scored window to its 5 nearest training windows", (shape, windows, _) => KnnModel.Fit(shape, windows), KnnModel.Restore) with
    {
        ScoreWords = "mean squared distance to the 5 nearest training inputs",
    };
}

/// <summary>The kept training windows; a window's errors are its squared differences to its nearest ones, averaged over them.</summary>
internal sealed class KnnModel(WindowFeatureShape shape, float[] windows, int bank) : IWindowErrors
{
    /// <summary>Stored windows side by side in one vector's lanes (see <see cref="Interleave"/>).</summary>
    private static readonly int Lanes = WindowGroups.Wide ? Vector512<float>.Count : Vector<float>.Count;

    private readonly float[] interleaved = Interleave(windows, bank, shape.Width);

    /// <summary>The stored training windows, (bank, width) row-major (for an exporter).</summary>
    public float[] Windows => windows;

    /// <summary>How many training windows are stored.</summary>
    public int Bank => bank;

    /// <summary>Keeps at most <see cref="KnnEstimator.MaxBank"/> training windows, evenly spaced.</summary>
    public static KnnModel Fit(WindowFeatureShape shape, SequenceSet training)
    {
        if (training.Count < 1)
        {
            throw new ArgumentException($"The training data give no window of {shape.Window} steps. Use a smaller --window or more data.");
        }

        var kept = Math.Min(KnnEstimator.MaxBank, training.Count);
        var picked = training.Subset([.. Enumerable.Range(0, kept).Select(i => (int)((long)i * training.Count / kept))]);
        return new KnnModel(shape, PcaModel.Flatten(picked, shape.Width), kept);
    }

    /// <summary>Reads the kept windows of a bundle whose manifest was checked.</summary>
    public static KnnModel Restore(WindowFeatureManifest m, WindowFeatureShape shape, string directory)
    {
        if (!m.Parameters.TryGetValue("bank", out var bank) || bank < 1 || bank > KnnEstimator.MaxBank)
        {
            throw new BundleException(directory, $"model.json is inconsistent: a k-NN needs parameters.bank between 1 and {KnnEstimator.MaxBank}");
        }

        // The count is fixed in this version; a bundle that says otherwise would be scored by another rule than it states.
        if (m.Parameters.TryGetValue("neighbours", out var k) && k != KnnEstimator.Neighbours)
        {
            throw new BundleException(directory, $"model.json is inconsistent: parameters.neighbours is {k}; this version's k-NN averages the {KnnEstimator.Neighbours} nearest windows");
        }

        // Read into arrays without libtorch: a bundle scored by another engine never starts it.
        var state = WeightsFile.Read(directory, m.Weights, new Dictionary<string, long[]> { ["bank"] = [bank, shape.Width] });
        return new KnnModel(shape, state["bank"].Values, bank);
    }

    /// <inheritdoc />
    public (float[] Scores, float[] Steps) Errors(SequenceSet queries) => shape.Reduce(SquaredErrors(queries), queries.Count);

    /// <inheritdoc />
    public float[] SquaredErrors(SequenceSet queries)
    {
        // In managed code with exact squared distances, no libtorch: a stream's one window costs microseconds, where a
        // libtorch call copied the bank and dispatched four operations per row, and its cdist, by the expansion
        // |x|^2 + |y|^2 - 2 x.y, could rank near-equal neighbours in another order than their true distances. A file's
        // windows are scored in groups spread over the cores, four at a time against a vector's width of stored windows,
        // in blocks of stored windows that stay in cache; every distance is one sequential fused sum over the window's
        // values, so a window's errors do not depend on what it was scored with, nor on the machine's vector width.
        var d = shape.Width;
        var k = Math.Min(KnnEstimator.Neighbours, bank);
        var squared = new float[queries.Count * d];
        var blocks = (bank + Lanes - 1) / Lanes;
        var perPass = Math.Max(1, WindowGroups.CacheBytes / (d * Lanes * sizeof(float)));
        void ScoreGroup(int first, int n)
        {
            var x = PcaModel.Flatten(queries, d, first, n);
            var (nearest, distances, found) = (new int[n * k], new float[n * k], new int[n]);
            Span<float> lanes = stackalloc float[4 * Lanes];
            for (var from = 0; from < blocks; from += perPass)
            {
                var to = Math.Min(blocks, from + perPass);
                var q = 0;
                for (; q + 4 <= n; q += 4)
                {
                    for (var block = from; block < to; block++)
                    {
                        BlockDistances(x.AsSpan(q * d, 4 * d), 4, block, lanes);
                        for (var t = 0; t < 4; t++)
                        {
                            KeepBlock(block, lanes.Slice(t * Lanes, Lanes), q + t, k, nearest, distances, found);
                        }
                    }
                }

                for (; q < n; q++)
                {
                    for (var block = from; block < to; block++)
                    {
                        BlockDistances(x.AsSpan(q * d, d), 1, block, lanes);
                        KeepBlock(block, lanes[..Lanes], q, k, nearest, distances, found);
                    }
                }
            }

            for (var q = 0; q < n; q++)
            {
                Average(x.AsSpan(q * d, d), nearest.AsSpan(q * k, k), squared.AsSpan((first + q) * d, d));
            }
        }

        WindowGroups.ForEach(queries.Count, ScoreGroup);

        return squared;
    }

    /// <summary>
    /// The stored windows in blocks of <see cref="Lanes"/>, value by value: value c of window b * Lanes + l at
    /// (b * width + c) * Lanes + l, so that one vector holds a value of a whole block; the last block is padded with zeros.
    /// </summary>
    private static float[] Interleave(float[] windows, int bank, int width)
    {
        var blocks = (bank + Lanes - 1) / Lanes;
        var interleaved = new float[blocks * width * Lanes];
        for (var j = 0; j < bank; j++)
        {
            var (block, lane) = (j / Lanes, j % Lanes);
            for (var c = 0; c < width; c++)
            {
                interleaved[(((block * width) + c) * Lanes) + lane] = windows[(j * width) + c];
            }
        }

        return interleaved;
    }

    /// <summary>
    /// The squared distances of <paramref name="count"/> windows (1 or 4, consecutive in <paramref name="x"/>) to the
    /// stored windows of <paramref name="block"/>, into <paramref name="lanes"/> (a vector per window). Each distance is
    /// the fused sum of (x_c - y_c)^2 over c in order, whatever the count.
    /// </summary>
    private void BlockDistances(ReadOnlySpan<float> x, int count, int block, Span<float> lanes)
    {
        var d = shape.Width;
        var y = interleaved.AsSpan(block * d * Lanes, d * Lanes);
        if (WindowGroups.Wide)
        {
            WideDistances(x, count, d, y, lanes);
            return;
        }

        if (count == 1)
        {
            var s = Vector<float>.Zero;
            for (var c = 0; c < d; c++)
            {
                var e = new Vector<float>(x[c]) - new Vector<float>(y[(c * Lanes)..]);
                s = Vector.FusedMultiplyAdd(e, e, s);
            }

            s.CopyTo(lanes);
            return;
        }

        var (s0, s1, s2, s3) = (Vector<float>.Zero, Vector<float>.Zero, Vector<float>.Zero, Vector<float>.Zero);
        for (var c = 0; c < d; c++)
        {
            var v = new Vector<float>(y[(c * Lanes)..]);
            var (e0, e1, e2, e3) = (new Vector<float>(x[c]) - v, new Vector<float>(x[d + c]) - v, new Vector<float>(x[(2 * d) + c]) - v, new Vector<float>(x[(3 * d) + c]) - v);
            (s0, s1, s2, s3) = (Vector.FusedMultiplyAdd(e0, e0, s0), Vector.FusedMultiplyAdd(e1, e1, s1), Vector.FusedMultiplyAdd(e2, e2, s2), Vector.FusedMultiplyAdd(e3, e3, s3));
        }

        s0.CopyTo(lanes);
        s1.CopyTo(lanes[Lanes..]);
        s2.CopyTo(lanes[(2 * Lanes)..]);
        s3.CopyTo(lanes[(3 * Lanes)..]);
    }

    /// <summary>
    /// <see cref="BlockDistances"/> in 512-bit vectors: the same sums, twice the lanes per instruction. Read through
    /// references, without a bounds check per value (the spans' lengths are checked once), as the loop is the hot one.
    /// </summary>
    private static void WideDistances(ReadOnlySpan<float> x, int count, int d, ReadOnlySpan<float> y, Span<float> lanes)
    {
        const int L = 16;
        if (x.Length < count * d || y.Length < d * L || lanes.Length < count * L)
        {
            throw new ArgumentException("WideDistances: spans too short.");
        }

        ref var x0 = ref MemoryMarshal.GetReference(x);
        ref var y0 = ref MemoryMarshal.GetReference(y);
        if (count == 1)
        {
            var s = Vector512<float>.Zero;
            for (var c = 0; c < d; c++)
            {
                var e = Vector512.Create(Unsafe.Add(ref x0, c)) - Vector512.LoadUnsafe(ref y0, (nuint)(c * L));
                s = Vector512.FusedMultiplyAdd(e, e, s);
            }

            s.CopyTo(lanes);
            return;
        }

        ref var x1 = ref Unsafe.Add(ref x0, d);
        ref var x2 = ref Unsafe.Add(ref x0, 2 * d);
        ref var x3 = ref Unsafe.Add(ref x0, 3 * d);
        var (s0, s1, s2, s3) = (Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero);
        for (var c = 0; c < d; c++)
        {
            var v = Vector512.LoadUnsafe(ref y0, (nuint)(c * L));
            var e0 = Vector512.Create(Unsafe.Add(ref x0, c)) - v;
            var e1 = Vector512.Create(Unsafe.Add(ref x1, c)) - v;
            var e2 = Vector512.Create(Unsafe.Add(ref x2, c)) - v;
            var e3 = Vector512.Create(Unsafe.Add(ref x3, c)) - v;
            s0 = Vector512.FusedMultiplyAdd(e0, e0, s0);
            s1 = Vector512.FusedMultiplyAdd(e1, e1, s1);
            s2 = Vector512.FusedMultiplyAdd(e2, e2, s2);
            s3 = Vector512.FusedMultiplyAdd(e3, e3, s3);
        }

        s0.CopyTo(lanes);
        s1.CopyTo(lanes[L..]);
        s2.CopyTo(lanes[(2 * L)..]);
        s3.CopyTo(lanes[(3 * L)..]);
    }

    /// <summary>
    /// Keeps the stored windows of <paramref name="block"/> that are nearer to window <paramref name="q"/> than the
    /// farthest of the <paramref name="k"/> it keeps (its slots in <paramref name="nearest"/> and
    /// <paramref name="distances"/>, sorted by distance), in stored order, so that of equal distances the first stored
    /// stays nearer.
    /// </summary>
    private void KeepBlock(int block, ReadOnlySpan<float> lanes, int q, int k, int[] nearest, float[] distances, int[] found)
    {
        if (found[q] == k && !AnyBelow(lanes, distances[(q * k) + k - 1]))
        {
            return; // nothing nearer here: the common case once k are found
        }

        var slots = nearest.AsSpan(q * k, k);
        var near = distances.AsSpan(q * k, k);
        for (var l = 0; l < Lanes && (block * Lanes) + l < bank; l++)
        {
            var distance = lanes[l];
            if (found[q] == k && distance >= near[k - 1])
            {
                continue;
            }

            var at = found[q] < k ? found[q]++ : k - 1; // the farthest kept one drops out
            for (; at > 0 && near[at - 1] > distance; at--)
            {
                (near[at], slots[at]) = (near[at - 1], slots[at - 1]);
            }

            (near[at], slots[at]) = (distance, (block * Lanes) + l);
        }
    }

    private static bool AnyBelow(ReadOnlySpan<float> lanes, float bound) => WindowGroups.Wide
        ? Vector512.LessThanAny(Vector512.Create(lanes), Vector512.Create(bound))
        : Vector.LessThanAny(new Vector<float>(lanes), new Vector<float>(bound));

    /// <summary>Writes into <paramref name="errors"/> the squared differences of <paramref name="x"/> to the <paramref name="nearest"/> stored windows, averaged over them.</summary>
    private void Average(ReadOnlySpan<float> x, ReadOnlySpan<int> nearest, Span<float> errors)
    {
        var d = x.Length;
        errors.Clear();
        foreach (var j in nearest)
        {
            var neighbour = windows.AsSpan(j * d, d);
            for (var c = 0; c < d; c++)
            {
                var difference = x[c] - neighbour[c];
                errors[c] += difference * difference;
            }
        }

        for (var c = 0; c < d; c++)
        {
            errors[c] /= nearest.Length;
        }
    }

    /// <inheritdoc />
    public (WeightsInfo Weights, IReadOnlyDictionary<string, int> Parameters) Save(string directory) =>
        (WeightsFile.SaveArrays(directory, new Dictionary<string, (float[], long[])> { ["bank"] = (windows, [bank, shape.Width]) }),
            new Dictionary<string, int> { ["bank"] = bank, ["neighbours"] = KnnEstimator.Neighbours });

    /// <inheritdoc />
    public void Dispose()
    {
        // Managed arrays only.
    }
}
