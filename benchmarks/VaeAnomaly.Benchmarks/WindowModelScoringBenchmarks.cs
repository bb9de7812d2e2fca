using BenchmarkDotNet.Attributes;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using static TorchSharp.torch;

namespace VaeAnomaly.Benchmarks;

/// <summary>
/// The window errors of the models fitted in closed form, for one window (a stream's row) and for 4,096 (a file), on one
/// column (windows of 32 values) and on 25 (800 values, SMAP's shape): knn against 2,000 stored windows, pca with 16 and
/// 200 components. Each model's managed path beside the libtorch path it used before 2026-12-07, kept here as the
/// baseline: knn's cdist, topk and gather; pca's two matrix products.
/// </summary>
[MemoryDiagnoser]
public class WindowModelScoringBenchmarks
{
    private const int Bank = 2000;
    private IWindowErrors model = null!;
    private float[][] arrays = null!;
    private SequenceSet windows = null!;

    [Params("knn", "pca")]
    public string Model { get; set; } = "knn";

    [Params(1, 25)]
    public int Columns { get; set; }

    [Params(1, 4096)]
    public int Windows { get; set; }

    private int Width => 32 * Columns;

    private int Components => Columns == 1 ? 16 : 200;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        var channels = Enumerable.Range(0, Columns).Select(c => $"c{c}").ToArray();
        float[] Draw(int n, double offset) => [.. Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() + offset))];
        var shape = new WindowFeatureShape(channels, channels, 32, 1, 1);
        arrays = Model == "knn" ? [Draw(Bank * Width, 0)] : [Draw(Width, 0), Draw(Width * Components, -0.5)];
        model = Model == "knn" ? new KnnModel(shape, arrays[0], Bank) : new PcaModel(shape, arrays[0], arrays[1], Components);
        windows = new SequenceSet(channels, [.. Enumerable.Range(0, Windows).Select(i => new Sequence($"w{i}", Draw(Width, 0)))]);
    }

    [Benchmark]
    public float[] Managed() => model.SquaredErrors(windows);

    [Benchmark(Baseline = true)]
    public float[] Libtorch()
    {
        var d = Width;
        var squared = new float[windows.Count * d];
        using var noGrad = no_grad();
        using var first = tensor(arrays[0], Model == "knn" ? [Bank, d] : [d]);
        using var second = Model == "knn" ? null : tensor(arrays[1], [d, Components]);
        var chunk = Model == "knn" ? 1024 : 2048; // as each path chunked
        for (var start = 0; start < windows.Count; start += chunk)
        {
            var n = Math.Min(chunk, windows.Count - start);
            using var scope = NewDisposeScope();
            var x = tensor(PcaModel.Flatten(windows, d, start, n), [n, d]);
            Tensor error;
            if (second is null)
            {
                var nearest = cdist(x, first).topk(KnnEstimator.Neighbours, dim: 1, largest: false).indexes;
                var neighbours = first.index_select(0, nearest.flatten()).view(n, KnnEstimator.Neighbours, d);
                var difference = x.unsqueeze(1) - neighbours;
                error = (difference * difference).mean([1]);
            }
            else
            {
                var centred = x - first;
                var residual = centred - centred.mm(second).mm(second.T);
                error = residual * residual;
            }

            error.data<float>().CopyTo(squared.AsSpan(start * d, n * d));
        }

        return squared;
    }
}
