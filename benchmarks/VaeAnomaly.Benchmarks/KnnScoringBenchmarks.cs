using BenchmarkDotNet.Attributes;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using static TorchSharp.torch;

namespace VaeAnomaly.Benchmarks;

/// <summary>
/// knn's window errors against a bank of 2,000 stored windows of 32 steps, for one window (a stream's row) and for
/// 4,096 (a file), on one column and on 25 (SMAP's shape): the managed exact search knn uses beside the libtorch path
/// it used before 2026-12-07 (cdist, topk, gather), kept here as the baseline.
/// </summary>
[MemoryDiagnoser]
public class KnnScoringBenchmarks
{
    private const int Bank = 2000;
    private KnnModel model = null!;
    private float[] bank = null!;
    private SequenceSet queries = null!;

    [Params(1, 25)]
    public int Columns { get; set; }

    [Params(1, 4096)]
    public int Windows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        var channels = Enumerable.Range(0, Columns).Select(c => $"c{c}").ToArray();
        var width = 32 * Columns;
        bank = [.. Enumerable.Range(0, Bank * width).Select(_ => (float)rng.NextDouble())];
        model = new KnnModel(new WindowFeatureShape(channels, channels, 32, 1, 1), bank, Bank);
        queries = new SequenceSet(channels, [.. Enumerable.Range(0, Windows).Select(i => new Sequence($"w{i}", [.. Enumerable.Range(0, width).Select(_ => (float)rng.NextDouble())]))]);
    }

    [Benchmark]
    public float[] Managed() => model.SquaredErrors(queries);

    [Benchmark(Baseline = true)]
    public float[] Libtorch()
    {
        var d = 32 * Columns;
        var squared = new float[queries.Count * d];
        using var noGrad = no_grad();
        using var b = tensor(bank, [Bank, d]);
        for (var first = 0; first < queries.Count; first += 1024)
        {
            var n = Math.Min(1024, queries.Count - first);
            using var scope = NewDisposeScope();
            var x = tensor(PcaModel.Flatten(queries, d, first, n), [n, d]);
            var nearest = cdist(x, b).topk(KnnEstimator.Neighbours, dim: 1, largest: false).indexes;
            var neighbours = b.index_select(0, nearest.flatten()).view(n, KnnEstimator.Neighbours, d);
            var difference = x.unsqueeze(1) - neighbours;
            (difference * difference).mean([1]).data<float>().CopyTo(squared.AsSpan(first * d, n * d));
        }

        return squared;
    }
}
