using BenchmarkDotNet.Attributes;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using static TorchSharp.torch;

namespace VaeAnomaly.Benchmarks;

/// <summary>
/// pca's window errors, for one window (a stream's row) and for 4,096 (a file), on one column (windows of 32 values, 16
/// components) and on 25 (800 values, 200 components): the managed products pca uses beside the libtorch path it used
/// before 2026-12-07 (two matrix products per chunk), kept here as the baseline.
/// </summary>
[MemoryDiagnoser]
public class PcaScoringBenchmarks
{
    private PcaModel model = null!;
    private float[] mean = null!;
    private float[] basis = null!;
    private SequenceSet windows = null!;

    [Params(1, 25)]
    public int Columns { get; set; }

    [Params(1, 4096)]
    public int Windows { get; set; }

    private int Components => Columns == 1 ? 16 : 200;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        var channels = Enumerable.Range(0, Columns).Select(c => $"c{c}").ToArray();
        var width = 32 * Columns;
        mean = [.. Enumerable.Range(0, width).Select(_ => (float)rng.NextDouble())];
        basis = [.. Enumerable.Range(0, width * Components).Select(_ => (float)(rng.NextDouble() - 0.5))];
        model = new PcaModel(new WindowFeatureShape(channels, channels, 32, 1, 1), mean, basis, Components);
        windows = new SequenceSet(channels, [.. Enumerable.Range(0, Windows).Select(i => new Sequence($"w{i}", [.. Enumerable.Range(0, width).Select(_ => (float)rng.NextDouble())]))]);
    }

    [Benchmark]
    public float[] Managed() => model.SquaredErrors(windows);

    [Benchmark(Baseline = true)]
    public float[] Libtorch()
    {
        var d = 32 * Columns;
        var squared = new float[windows.Count * d];
        using var noGrad = no_grad();
        using var p = tensor(basis, [d, Components]);
        using var m = tensor(mean, [d]);
        for (var first = 0; first < windows.Count; first += 2048)
        {
            var n = Math.Min(2048, windows.Count - first);
            using var scope = NewDisposeScope();
            var centred = tensor(PcaModel.Flatten(windows, d, first, n), [n, d]) - m;
            var error = centred - centred.mm(p).mm(p.T);
            (error * error).data<float>().CopyTo(squared.AsSpan(first * d, n * d));
        }

        return squared;
    }
}
