using VaeAnomaly.Thresholds;

namespace VaeAnomaly.Tests.Thresholds;

/// <summary>Telemanom's dynamic threshold: the smoothing by hand, the choice of z by its known answer, the flags of a spike.</summary>
public sealed class DynamicThresholdTests
{
    [Fact]
    public void Smooth_IsTheAdjustedExponentialMean()
    {
        // span 3: alpha 0.5; by hand (pandas' ewm(span=3).mean()): 1, (0.5 + 2) / 1.5, (0.25 + 1 + 3) / 1.75
        var smoothed = DynamicThreshold.Smooth([9f, 1f, 2f, 3f], firstScored: 1, span: 3);

        Assert.Equal([1.0, 2.5 / 1.5, 4.25 / 1.75], smoothed.Select(v => (double)v), new ToleranceComparer(1e-6));
    }

    [Fact]
    public void Epsilon_OneSpikeAboveEveryCandidate_TakesTheLargestZ()
    {
        // Given: 1, 2, 1, 2, ... with one spike of 40: every z from 2.5 to 12 leaves the same rows below it, so every
        // candidate scores the same and telemanom's ">=" keeps the last, z = 12
        var window = Enumerable.Range(0, 400).Select(i => i == 250 ? 40f : 1 + (i % 2)).ToArray();
        var mean = window.Average(v => (double)v);
        var std = Math.Sqrt(window.Average(v => ((double)v - mean) * ((double)v - mean)));

        Assert.True(mean + (12 * std) < 40, "the spike lies above every candidate");
        Assert.Equal(mean + (12 * std), DynamicThreshold.Epsilon(window), 6);
        Assert.Equal(double.PositiveInfinity, DynamicThreshold.Epsilon(Enumerable.Repeat(3f, 50).ToArray()));
    }

    [Fact]
    public void Flags_ASpikeInNoise_FlagsTheSpikeOnly()
    {
        // Given: 3,000 rows of small bounded wiggle around 1 and, from row 2,000, ten rows at 30; no real score before row 5
        var scores = Enumerable.Range(0, 3000).Select(i => i < 5 ? 0f : (float)(1 + (0.1 * Math.Sin(i * 0.7)) + (i is >= 2000 and < 2010 ? 29 : 0))).ToArray();

        // When
        var flags = DynamicThreshold.Flags(scores, firstScored: 5);

        // Then: the spike's rows are flagged once the smoothing has taken it up (its first two rows lift the smoothed
        // score by only 29 x 2 / 106 and 29 x 4 / 106), nothing before it, and the smoothed tail after it only for a while
        Assert.All(Enumerable.Range(2002, 8), i => Assert.True(flags[i], $"row {i}"));
        Assert.DoesNotContain(flags.Take(2000), f => f);
        Assert.DoesNotContain(flags.Skip(2300), f => f);
    }

    [Theory]
    [InlineData(1.1f, false)] // 1.1 drops to 1.0 (the largest score below epsilon) by 9%: pruned
    [InlineData(2.1f, true)]  // by 52%: kept
    public void Prune_ARunWhosePeakBarelyStandsOutOfTheRest_IsCleared(float bump, bool kept)
    {
        // Given: 1.0 everywhere, a run at 10 (rows 100-104) and one at the bump (rows 600-604), epsilon 1.05
        var window = Enumerable.Range(0, 1000).Select(i => i is >= 100 and < 105 ? 10f : i is >= 600 and < 605 ? bump : 1f).ToArray();
        List<int> above = [.. Enumerable.Range(0, 1000).Where(i => window[i] > 1.05)];

        // When
        var flagged = DynamicThreshold.Prune(window, above, 1.05).Order().ToArray();

        // Then: peaks in order 10, bump, 1.0; the run at 10 drops by 90% or more to the next, so it stays
        int[] expected = [.. Enumerable.Range(100, 5), .. kept ? Enumerable.Range(600, 5) : []];
        Assert.Equal(expected, flagged);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
