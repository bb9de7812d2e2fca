using VaeAnomaly.Data;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Study.Tests;

public sealed class CrossFitTests
{
    [Fact]
    public void Blocks_TenRowsInThree_AreContiguousAndCoverEveryRowOnce()
    {
        Assert.Equal([(0, 3), (3, 6), (6, 10)], CrossFit.Blocks(10, 3));
    }

    [Fact]
    public void HeldOutScores_RampWithRange_EachBlockJudgedByTheRangeOfTheOtherRowsFit()
    {
        // Given: v = t for t = 0..99, five blocks of 20 rows, the range check (score: distance outside the fit rows'
        // [min, max], in units of max - min)
        var train = new Series([.. Enumerable.Range(0, 100).Select(t => $"{t}")], ["v"], [.. Enumerable.Range(0, 100).Select(t => (float)t)], null);

        // When
        var scores = CrossFit.HeldOutScores(train, 5, 1, (fit, validation) => new RangeEstimator(new DetectorSettings()).Fit(fit, validation));

        // Then, by hand: the other rows of block 0 are 20-99, whose last 20% (84-99) validate, so the fit rows 20-83
        // give [20, 83] and row t scores (20 - t) / 63; blocks 1-3 lie inside [0, 83] (fit rows: the rest less 84-99):
        // 0; for block 4 the other rows are 0-79, 64-79 validate, the fit [0, 63] gives (t - 63) / 63
        double[] expected = [.. Enumerable.Range(0, 20).Select(t => (20.0 - t) / 63), .. Enumerable.Repeat(0.0, 60), .. Enumerable.Range(80, 20).Select(t => (t - 63.0) / 63)];
        Assert.Equal(expected.Length, scores.Length);
        Assert.All(expected.Zip(scores), p => Assert.Equal(p.First, p.Second, 5));
        Assert.Equal((35 + 0.01) / 63, CrossFit.Threshold(scores), 5); // the 0.99 quantile: 0.01 of the way from 35/63 to 36/63, the two largest
    }

    [Fact]
    public void HeldOutScores_FoldWithoutAPieceAsLongAsTheWindow_IsRefused()
    {
        var train = new Series([.. Enumerable.Range(0, 20).Select(t => $"{t}")], ["v"], new float[20], null);

        var e = Assert.Throws<ArgumentException>(() => CrossFit.HeldOutScores(train, 2, 15, (_, _) => throw new InvalidOperationException("not reached")));

        Assert.Contains("no piece of at least 15 rows", e.Message);
    }
}
