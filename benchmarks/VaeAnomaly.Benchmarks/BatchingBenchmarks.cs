using BenchmarkDotNet.Attributes;
using VaeAnomaly.Data;
using VaeAnomaly.Training;

namespace VaeAnomaly.Benchmarks;

/// <summary>Length bucketing, padding and scaling of a synthetic-v1 training split (2,000 sequences).</summary>
[MemoryDiagnoser]
public class BatchingBenchmarks
{
    private SequenceSet train = null!;
    private Standardizer scaler = null!;

    [GlobalSetup]
    public void Setup()
    {
        train = new SyntheticGenerator(new SyntheticOptions { Validation = 1, Test = 1 }).Generate().Train.Set;
        scaler = Standardizer.Fit(train);
    }

    [Benchmark]
    public int LengthBatches() => LengthBatcher.Batches(train, 64, new Random(1)).Count;

    [Benchmark]
    public long PadAllBatches()
    {
        long total = 0;
        foreach (var indices in LengthBatcher.Batches(train, 64))
        {
            using var batch = PaddedBatch.Create(train, indices);
            total += batch.X.numel();
        }

        return total;
    }

    [Benchmark]
    public SequenceSet Standardize() => scaler.Transform(train);
}
