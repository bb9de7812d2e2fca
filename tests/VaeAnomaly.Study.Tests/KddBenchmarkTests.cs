namespace VaeAnomaly.Study.Tests;

[Collection(TorchCollection.Name)]
public sealed class KddBenchmarkTests
{
    private static string DataFile => Path.Combine(TestPaths.Shared, "datasets", "kddcup99", "kddcup.data_10_percent.gz");

    [SkippableFact]
    public void Run_RealSaSubsetFewEpochs_EveryModelSeparatesAttacks()
    {
        Skip.IfNot(File.Exists(DataFile), $"KDD Cup 99 not found at {DataFile}; the benchmark test needs ../shared/datasets.");

        var result = KddBenchmark.Run(DataFile, KddSubset.SA, seed: 1, epochs: 2);

        Assert.Equal(58366, result.Train);
        Assert.Equal(19455, result.Validation);
        Assert.Equal(19457 + KddCup99.SaAttacks, result.Test);
        Assert.All(result.Models, m => Assert.True(m.AucRoc > 0.95, $"{m.Model}: AUC-ROC {m.AucRoc}"));
    }
}
