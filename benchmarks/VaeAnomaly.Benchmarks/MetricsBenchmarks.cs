using BenchmarkDotNet.Attributes;
using VaeAnomaly.Evaluation;

namespace VaeAnomaly.Benchmarks;

/// <summary>Ranking metrics over a test split's worth of scores and a much larger one.</summary>
[MemoryDiagnoser]
public class MetricsBenchmarks
{
    private bool[] labels = [];
    private double[] scores = [];

    [Params(1_000, 100_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        labels = Enumerable.Range(0, N).Select(_ => rng.NextDouble() < 0.1).ToArray();
        scores = labels.Select(l => rng.NextDouble() + (l ? 0.5 : 0)).ToArray();
    }

    [Benchmark]
    public double AveragePrecision() => RankingMetrics.AveragePrecision(labels, scores);

    [Benchmark]
    public double RocAuc() => RankingMetrics.RocAuc(labels, scores);

    [Benchmark]
    public ScoreMetrics AllMetrics() => ScoreMetrics.Compute(labels, scores);
}
