using VaeAnomaly.Data;

namespace VaeAnomaly.Tests.Data;

/// <summary>The window read from a series' period: known periods found, series without one get none.</summary>
public sealed class DominantPeriodTests
{
    /// <summary>Rows of channels, each a function of the row.</summary>
    private static Series Rows(int n, params Func<int, double>[] channels) => new(
        [.. Enumerable.Range(0, n).Select(t => $"{t}")],
        [.. channels.Select((_, c) => $"c{c}")],
        [.. Enumerable.Range(0, n).SelectMany(t => channels.Select(f => (float)f(t)))],
        null);

    [Theory]
    [InlineData(50)]
    [InlineData(24)]
    [InlineData(200)]
    public void Of_ANoisySine_IsItsPeriod(int period)
    {
        // Given: white noise (seeded) on the sine, with a standard deviation of a quarter of its amplitude
        var random = new Random(7);
        var noise = Enumerable.Range(0, 3000).Select(_ => 0.25 * (random.NextDouble() - 0.5) * Math.Sqrt(12)).ToArray();
        var series = Rows(3000, t => Math.Sin(2 * Math.PI * t / period) + noise[t]);

        // Then: the peak at one period, within a row (at 200 rows its neighbours' autocorrelation differs by 5e-4)
        Assert.InRange(DominantPeriod.Of(series, [0]) ?? 0, period - 1, period + 1);
    }

    [Fact]
    public void Of_ASlowRhythmWithAFastRipple_IsTheRhythmsPeriod_NotARipplePeakAtAShortLag()
    {
        // Before the autocorrelation first falls to 0 (at 50 rows here) the ripple makes local maxima where it is still
        // high (one at 11 rows, above the rhythm's own peak); peaks count only after it.
        var series = Rows(3000, t => Math.Sin(2 * Math.PI * t / 200) + (0.1 * Math.Sin(t * 1.7)));

        Assert.InRange(DominantPeriod.Of(series, [0]) ?? 0, 199, 201);
    }

    [Fact]
    public void Of_TheChosenColumns_ReadsOnlyThem_AndLeavesOutAColumnThatNeverVaries()
    {
        // Given: c0 with a period of 20, c1 with one of 60, c2 constant
        var series = Rows(2000, t => Math.Sin(2 * Math.PI * t / 20), t => 3 * Math.Sin(2 * Math.PI * t / 60), _ => 5);

        // Then: each column alone gives its own period, the constant column changes nothing, and alone gives none
        Assert.Equal(20, DominantPeriod.Of(series, [0]));
        Assert.Equal(60, DominantPeriod.Of(series, [1]));
        Assert.Equal(20, DominantPeriod.Of(series, [0, 2]));
        Assert.Null(DominantPeriod.Of(series, [2]));
    }

    [Fact]
    public void Of_ASeriesWithoutAPeriodInTheSearchedLags_HasNone()
    {
        // A ramp's autocorrelation only falls; a period of 600 rows has its first peak beyond the 256 lags searched;
        // 26 rows leave fewer than the 8 lags the search starts at (rows / 3).
        Assert.Null(DominantPeriod.Of(Rows(2000, t => t), [0]));
        Assert.Null(DominantPeriod.Of(Rows(4000, t => Math.Sin(2 * Math.PI * t / 600)), [0]));
        Assert.Null(DominantPeriod.Of(Rows(26, t => Math.Sin(t)), [0]));
    }

    [Fact]
    public void Of_ALongSeries_ReadsItsFirstRowsOnly()
    {
        // Given: a period of 30 for the first 20,000 rows, then one of 90
        var series = Rows(60_000, t => t < DominantPeriod.MaxRows ? Math.Sin(2 * Math.PI * t / 30) : Math.Sin(2 * Math.PI * t / 90));

        Assert.Equal(30, DominantPeriod.Of(series, [0]));
    }
}
