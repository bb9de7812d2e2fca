using VaeAnomaly.Data;
using VaeAnomaly.Persistence;
using static TorchSharp.torch;

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
    public static DetectorEntry Entry { get; } = WindowFeatureEstimator.Entry(ModelName, "mean squared distance of a 32-step z-scored window to its 5 nearest training windows", KnnModel.Fit, KnnModel.Restore) with
    {
        ScoreWords = "mean squared distance to the 5 nearest training inputs",
    };
}

/// <summary>The kept training windows; a window's errors are its squared differences to its nearest ones, averaged over them.</summary>
internal sealed class KnnModel(WindowFeatureShape shape, float[] windows, int bank) : IWindowErrors
{
    private const int Chunk = 1024;

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

        // Read into arrays without libtorch: a bundle scored by another engine never starts it.
        var state = WeightsFile.Read(directory, m.Weights, new Dictionary<string, long[]> { ["bank"] = [bank, shape.Width] });
        return new KnnModel(shape, state["bank"].Values, bank);
    }

    /// <inheritdoc />
    public (float[] Scores, float[] Steps) Errors(SequenceSet queries) => shape.Reduce(SquaredErrors(queries), queries.Count);

    /// <inheritdoc />
    public float[] SquaredErrors(SequenceSet queries)
    {
        var d = shape.Width;
        var k = Math.Min(KnnEstimator.Neighbours, bank);
        var squared = new float[queries.Count * d];
        using var noGrad = no_grad();
        using var b = tensor(windows, [bank, d]);
        for (var first = 0; first < queries.Count; first += Chunk)
        {
            var n = Math.Min(Chunk, queries.Count - first);
            using var scope = NewDisposeScope();
            var x = tensor(PcaModel.Flatten(queries, d, first, n), [n, d]);
            var nearest = cdist(x, b).topk(k, dim: 1, largest: false).indexes;        // (n, k), found on every column
            var neighbours = b.index_select(0, nearest.flatten()).view(n, k, d);
            var difference = x.unsqueeze(1) - neighbours;
            (difference * difference).mean([1]).data<float>().CopyTo(squared.AsSpan(first * d, n * d));
        }

        return squared;
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
