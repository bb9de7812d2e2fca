using BenchmarkDotNet.Attributes;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Benchmarks;

/// <summary>
/// Fitting the window models that are fitted in one pass (pca, knn) on a series of 3,000 rows, narrow (25 columns,
/// windows of 800 values, SMAP's shape) and wide (300 columns, windows of 9,600 values: more values than windows).
/// </summary>
[MemoryDiagnoser]
public class WindowModelFitBenchmarks
{
    private SequenceSet train = null!;
    private SequenceSet validation = null!;

    [Params("pca", "knn")]
    public string Model { get; set; } = "pca";

    [Params(25, 300)]
    public int Columns { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        var channels = Enumerable.Range(0, Columns).Select(c => $"c{c}").ToArray();
        float[] Rows(int n, int offset) => [.. Enumerable.Range(offset, n).SelectMany(r => Enumerable.Range(0, Columns)
            .Select(c => (float)(Math.Sin(r / (10.0 + c)) + (0.1 * rng.NextDouble()))))];
        train = new SequenceSet(channels, [new Sequence("train", Rows(2400, 0))]);
        validation = new SequenceSet(channels, [new Sequence("validation", Rows(600, 2400))]);
    }

    [Benchmark]
    public int Fit()
    {
        using var detector = DetectorRegistry.Create(Model, new DetectorSettings { Seed = 1 }).Fit(train, validation);
        return detector.Thresholds.ByScore.Count;
    }
}
