using VaeAnomaly.Evaluation;

namespace VaeAnomaly.Study.Tests;

public sealed class SkabProtocolTests
{
    [Fact]
    public void RowFlags_RunOfWindowsAboveUcl_FlagsRowsAfter59ConsecutiveWindowsWithinTheAllowedRange()
    {
        // Given: 200 test rows, so 141 windows; windows 10..100 exceed the UCL.
        var above = Enumerable.Range(0, 141).Select(j => j is >= 10 and <= 100).ToArray();

        // When
        var flags = SkabProtocol.RowFlags(above, 200);

        // Then: row i needs windows i-59..i-1 all above (i-59 >= 10, i-1 <= 100), and i <= 200 - 119 = 81.
        Assert.Equal(Enumerable.Range(69, 13), Enumerable.Range(0, 200).Where(i => flags[i]));
    }

    [Fact]
    public void RowFlags_EveryWindowAbove_FlagsExactlyRows59ToNMinus119()
    {
        var flags = SkabProtocol.RowFlags(Enumerable.Repeat(true, 241).ToArray(), 300);

        Assert.Equal(Enumerable.Range(59, 300 - 119 - 59 + 1), Enumerable.Range(0, 300).Where(i => flags[i]));
    }

    [Fact]
    public void RowFlags_OneWindowBelowInTheRun_BreaksIt()
    {
        var above = Enumerable.Repeat(true, 241).ToArray();
        above[100] = false;

        var flags = SkabProtocol.RowFlags(above, 300);

        // Runs end at windows 0..99 (rows 59..100) and restart at 101 (rows 160..181).
        Assert.Equal([.. Enumerable.Range(59, 42), .. Enumerable.Range(160, 22)], Enumerable.Range(0, 300).Where(i => flags[i]));
    }

    [Fact]
    public void RowFlags_WrongWindowCount_IsRefused() =>
        Assert.Throws<ArgumentException>(() => SkabProtocol.RowFlags(new bool[10], 200));

    [Fact]
    public void Metrics_HandMadeCounts_FollowTheLeaderboardFormulas()
    {
        // TP 30, FP 10, TN 50, FN 20: F1 = 30 / (30 + 15) = 2/3, FAR = 10/60 = 16.67%, MAR = 20/50 = 40%.
        var (f1, far, mar) = SkabProtocol.Metrics(new ConfusionCounts(30, 10, 50, 20));

        Assert.Equal(2.0 / 3, f1, 12);
        Assert.Equal(100.0 / 6, far, 12);
        Assert.Equal(40.0, mar, 12);
    }

    [Fact]
    public void Ucl_IsFourThirdsOfThe999Quantile()
    {
        // 1001 residuals 0..1000: the 0.999 quantile (linear interpolation) is 999.
        Assert.Equal(999 * 4.0 / 3, SkabProtocol.Ucl([.. Enumerable.Range(0, 1001).Select(i => (double)i)]), 9);
    }

    [Fact]
    public void FalseAlarmsByPlace_SplitsTheNormalRowsAtTheFirstAnomaly()
    {
        // Rows: 0 0 0 1 1 0 0 1 0 (labels) and 1 0 0 1 0 1 1 0 0 (flags): before row 3, 1 of 3 normal rows flagged;
        // from row 3 on, rows 5, 6 and 8 are normal and 5, 6 flagged.
        bool[] labels = [false, false, false, true, true, false, false, true, false];
        bool[] flags = [true, false, false, true, false, true, true, false, false];

        var (before, after) = SkabProtocol.FalseAlarmsByPlace(labels, flags);

        Assert.Equal(new FalseAlarms(1, 3), before);
        Assert.Equal(new FalseAlarms(2, 3), after);
        Assert.Equal(100.0 / 3, before.Rate, 12);
        Assert.Equal(new FalseAlarms(0, 0), SkabProtocol.FalseAlarmsByPlace([false, false], [false, false]).After);
    }

    [Fact]
    public void Residual_TwoStepsTwoChannels_IsTheMeanAbsoluteErrorPerChannelSummed()
    {
        // Channel 0: |1 - 0|, |1 - 1| -> mean 0.5; channel 1: |0 - 0|, |3 - 1| -> mean 1; residual 1.5.
        Assert.Equal(1.5, SkabProtocol.Residual([1f, 0f, 1f, 3f], [0f, 0f, 1f, 1f], channels: 2), 12);
        Assert.Throws<ArgumentException>(() => SkabProtocol.Residual([1f, 0f, 1f], [0f, 0f, 1f, 1f], channels: 2));
    }
}
