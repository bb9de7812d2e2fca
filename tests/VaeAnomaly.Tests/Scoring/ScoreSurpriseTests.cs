using VaeAnomaly.Scoring;

namespace VaeAnomaly.Tests.Scoring;

public sealed class ScoreSurpriseTests
{
    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(1.0, 0.157299207)] // tables of erfc
    [InlineData(2.0, 0.004677735)]
    [InlineData(-1.0, 1.842700793)]
    [InlineData(4.0, 1.541725790e-8)]
    public void Erfc_MatchesTabulatedValues(double x, double expected) => Assert.Equal(expected, ScoreSurprise.Erfc(x), expected * 2e-7 + 1e-12);

    [Fact]
    public void UpperTail_OfTheNormalQuantiles()
    {
        Assert.Equal(0.05, ScoreSurprise.UpperTail(1.6448536), 1e-7);
        Assert.Equal(0.5, ScoreSurprise.UpperTail(0), 1e-7);
    }

    [Theory]
    [InlineData(8.0)]
    [InlineData(8.5)]
    public void Log10UpperTail_AsymptoticBranch_AgreesWithErfcWhereBothWork(double z)
    {
        var exact = Math.Log10(ScoreSurprise.UpperTail(z));
        var asymptotic = ((-z * z / 2) - Math.Log(z) - (0.5 * Math.Log(2 * Math.PI)) + Math.Log(1 - (1 / (z * z)))) / Math.Log(10);
        Assert.Equal(exact, asymptotic, 0.01);
        Assert.True(ScoreSurprise.Log10UpperTail(40) < ScoreSurprise.Log10UpperTail(30)); // no underflow to a tie
    }

    [Fact]
    public void Compute_ReportsMinusLog10OfTheTailOverTenAgainstThePreviousPoints()
    {
        // History alternates 0 and 2 (mean 1, sd 1): a point at 1 + 1.6448536 has tail 0.05 -> x = -log10(0.05) / 5 = 0.260206, x / (1 + x) = 0.206479.
        var scores = new float[] { 0, 2, 0, 2, 0, 2, 0, 2, 2.6448536f };
        var surprise = ScoreSurprise.Compute(scores, first: 8, firstScored: 0, history: 8);
        Assert.Equal(0.206479, surprise[8], 5);
        Assert.All(surprise.Take(8), s => Assert.Equal(0.0, s));
    }

    [Fact]
    public void Compute_UsesOnlyThePastAndCapsAtOne()
    {
        var scores = new float[] { 1, 1, 1, 1, 1, 50, 1, 1 };
        var surprise = ScoreSurprise.Compute(scores, first: 2, firstScored: 0, history: 3);
        Assert.Equal(Math.Log10(2) / 5 / (1 + (Math.Log10(2) / 5)), surprise[4], 6); // same as its past: tail 0.5
        Assert.InRange(surprise[5], 0.999, 1.0); // a flat past floors the sd at 0.01: 4,900 sd away, still below 1
        Assert.True(surprise[5] < 1.0);
        Assert.True(surprise[6] < 0.1, $"{surprise[6]}"); // the spike is now in the history and widens it
    }
}
