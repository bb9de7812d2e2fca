using VaeAnomaly.Data;
using VaeAnomaly.Reporting;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Tests.Reporting;

/// <summary>The alarms file: one line per run of consecutive flagged rows, its peak explained.</summary>
public sealed class AlarmsCsvTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void Write_ThreeRunsAboveTheThreshold_OneLineEachWithItsPeakAndItsPeaksColumns()
    {
        // Given: ten rows, flagged above 2 at rows 1-2 (equal scores), 4, and 7-9 (peak at 8); the peaks explained by the row's own column
        var series = new Series([.. Enumerable.Range(0, 10).Select(t => $"t{t}")], ["a", "b"], new float[20], null);
        float[] scores = [0, 3, 3, 2, 5, 0, 0, 4, 6, 5];
        var asked = new List<int>();
        Attribution Explain(int t)
        {
            asked.Add(t);
            return new Attribution(t == 8 ? [new("b", 0.75), new("a", 0.25)] : [new("a", 1.0), new("b", 0.0)], 0, 1);
        }

        // When
        var count = AlarmsCsv.Write(series, scores, 2.0, dir.File("alarms.csv"), Explain);

        // Then: a score equal to the threshold is not flagged; a run's peak is its first highest row; only the peaks are explained
        Assert.Equal(3, count);
        Assert.Equal(
            [
                AlarmsCsv.Header,
                "1,t1,t2,2,t1,3,2,a=1",
                "2,t4,t4,1,t4,5,2,a=1",
                "3,t7,t9,3,t8,6,2,b=0.75;a=0.25",
            ],
            File.ReadAllLines(dir.File("alarms.csv")));
        Assert.Equal([1, 4, 8], asked);
        Assert.True(AlarmsCsv.Kind.IsOurs(dir.File("alarms.csv")));
    }

    [Fact]
    public void Write_NoRowFlaggedOrNoExplanations_HeaderOnlyOrEmptyColumns()
    {
        var series = new Series(["t0", "t1"], ["a"], [0, 0], null);

        var none = AlarmsCsv.Write(series, [0.1f, 0.2f], 1.0, dir.File("none.csv"));
        AlarmsCsv.Write(series, [0.1f, 2f], 1.0, dir.File("plain.csv"));
        File.WriteAllText(dir.File("mine.csv"), "alarm,first\n");

        Assert.Equal(0, none);
        Assert.Equal([AlarmsCsv.Header], File.ReadAllLines(dir.File("none.csv")));
        Assert.Equal([AlarmsCsv.Header, "1,t1,t1,1,t1,2,1,"], File.ReadAllLines(dir.File("plain.csv")));
        Assert.False(AlarmsCsv.Kind.IsOurs(dir.File("mine.csv")));
    }
}
