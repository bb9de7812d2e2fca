using VaeAnomaly.Data;
using VaeAnomaly.Evaluation;

namespace VaeAnomaly.Study.Tests;

public sealed class NabBenchmarkTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Theory]
    [InlineData(1000, 150)]
    [InlineData(4032, 604)]
    [InlineData(5000, 750)]
    [InlineData(22695, 750)]
    [InlineData(6, 0)]
    public void Probation_IsFifteenPercentCappedAt750(int rows, int expected) => Assert.Equal(expected, NabBenchmark.Probation(rows));

    [Fact]
    public void AnomalyScore_IsHalfAtTheThresholdMonotoneAndKeepsLargeDistancesApartInSinglePrecision()
    {
        Assert.Equal(0.5, NabBenchmark.AnomalyScore(0));
        Assert.Equal(0.75, NabBenchmark.AnomalyScore(1));
        Assert.Equal(0.25, NabBenchmark.AnomalyScore(-1));
        Assert.True((float)NabBenchmark.AnomalyScore(1e4) < (float)NabBenchmark.AnomalyScore(1e5));
        Assert.True((float)NabBenchmark.AnomalyScore(1e5) < 1f);
        Assert.InRange(NabBenchmark.AnomalyScore(-1e9), 0, 1e-9);
    }

    [Fact]
    public void ReadWindows_ParsesNabsTimestampsAndNamesABadEntry()
    {
        File.WriteAllText(dir.File("w.json"), """
            { "a/x.csv": [], "a/y.csv": [["2014-04-10 07:15:00.000000", "2014-04-11 16:45:00.000000"]] }
            """);
        var windows = NabBenchmark.ReadWindows(dir.File("w.json"));
        Assert.Empty(windows["a/x.csv"]);
        Assert.Equal((new DateTime(2014, 4, 10, 7, 15, 0), new DateTime(2014, 4, 11, 16, 45, 0)), windows["a/y.csv"][0]);

        File.WriteAllText(dir.File("bad.json"), """{ "a/z.csv": [["2014-04-10", "yesterday"]] }""");
        var e = Assert.Throws<DataFormatException>(() => NabBenchmark.ReadWindows(dir.File("bad.json")));
        Assert.Contains("a/z.csv", e.Message);
        Assert.Contains("'2014-04-10' is not a timestamp", e.Message);
    }

    [Fact]
    public void Labels_MarkRowsInsideAWindowBothEndsIncluded()
    {
        var series = new Series(["2014-01-01 00:00:00", "2014-01-01 00:05:00", "2014-01-01 00:10:00", "2014-01-01 00:15:00"], ["value"], [1, 2, 3, 4], null);
        var labels = NabBenchmark.Labels("f.csv", series, [(new DateTime(2014, 1, 1, 0, 5, 0), new DateTime(2014, 1, 1, 0, 10, 0))]);
        Assert.Equal([false, true, true, false], labels);
    }

    [Fact]
    public void ResultsPath_FollowsNabsLayoutAndRefusesUnderscores()
    {
        Assert.Equal(Path.Combine("vaeAnomaly", "realKnownCause", "vaeAnomaly_nyc_taxi.csv"), NabBenchmark.ResultsPath("vaeAnomaly", "realKnownCause/nyc_taxi.csv"));
        Assert.Contains("'_'", Assert.Throws<ArgumentException>(() => NabBenchmark.ResultsPath("vae_anomaly", "a/b.csv")).Message);
    }

    [Fact]
    public void ReadResults_ReadsNabsLayoutAndNamesTheLineOfABadRow()
    {
        Directory.CreateDirectory(dir.File("det/realX"));
        File.WriteAllLines(dir.File("det/realX/det_a.csv"), ["timestamp,value,anomaly_score,label", "t0,1,0.1,0", "t1,2,0.9,1", "t2,3,0.2,1", "t3,4,0.3,0"]);

        var files = NabBenchmark.ReadResults(dir.File("det"));

        Assert.Equal("realX/a.csv", Assert.Single(files).Key);
        Assert.Equal([(1, 2)], files[0].Input.Windows);
        Assert.Equal([0.1f, 0.9f, 0.2f, 0.3f], files[0].Input.Scores);
        Assert.Equal(0, files[0].Input.Probation); // floor(0.15 x 4)

        File.WriteAllLines(dir.File("det/realX/det_a.csv"), ["timestamp,value,anomaly_score,label", "t0,1,0.1,0", "t1,2,high,1"]);
        var e = Assert.Throws<DataFormatException>(() => NabBenchmark.ReadResults(dir.File("det")));
        Assert.Contains("det_a.csv:3", e.Message);
        Assert.Contains("t1,2,high,1", e.Message);
    }

    [Fact]
    public void Summarise_CountsWindowsFoundAndPointsAfterProbation()
    {
        // Ten rows, probation 2; labelled windows at rows 3-4 and 7-8; flags (score > 0.5) at rows 0 (in probation: ignored), 4 and 6.
        var series = new Series([.. Enumerable.Range(0, 10).Select(t => $"t{t}")], ["value"], new float[10], null);
        float[] scores = [0.9f, 0, 0, 0.2f, 0.7f, 0.1f, 0.6f, 0.4f, 0.5f, 0];
        bool[] labels = [false, false, false, true, true, false, false, true, true, false];
        var result = new NabFileResult("a/b.csv", series, scores, labels, 2, 1, 0);

        var summary = NabBenchmark.Summarise([result]);

        Assert.Equal(2, summary.Windows);
        Assert.Equal(1, summary.WindowsFound);
        Assert.Equal(0.5, summary.WindowRecall);
        Assert.Equal(new ConfusionCounts(1, 1, 3, 3), summary.Points);
    }

    [Fact]
    public void ReadWindows_FileThatNeverEnds_RefusedNotReadForever()
    {
        var error = Assert.Throws<VaeAnomaly.Data.DataFormatException>(() => NabBenchmark.ReadWindows("/dev/zero"));

        Assert.Contains("could not be read", error.Message);
        Assert.Contains("pipe or device", error.Message);
    }
}
