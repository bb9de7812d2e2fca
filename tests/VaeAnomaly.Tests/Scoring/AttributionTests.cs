using VaeAnomaly.Scoring;

namespace VaeAnomaly.Tests.Scoring;

public sealed class AttributionTests
{
    [Fact]
    public void Strongest_TheLargestSharesAsPercentages_LeavingOutOnesThatWouldPrintAsZero()
    {
        var a = new Attribution([new("temp", 0.9), new("pressure", 0.07), new("flow", 0.026), new("level", 0.004)], 0, 1);

        Assert.Equal("temp 90 %, pressure 7 %, flow 3 %", a.Strongest());
        Assert.Equal("temp 90 %", a.Strongest(1));
        Assert.Equal("temp 100 %", new Attribution([new("temp", 1.0), new("pressure", 0.0)], 0, 1).Strongest());
    }

    [Fact]
    public void Of_ErrorConcentratedInOneChannelAndSpan_FindsBoth()
    {
        // Given: 20 steps; the error sits in steps 12..13 and mostly in channel "b".
        var steps = new float[20];
        steps[12] = 5;
        steps[13] = 4;
        var scores = new SequenceScores([1], [0], [steps], [[0.5f, 3f, 0.5f]], [[0f]]);

        // When
        var a = Attribution.Of(["a", "b", "c"], scores, 0, spanFraction: 0.1);

        // Then: the 5-step window (10% of 20, at least 5) with the largest sum starts at 9.
        Assert.Equal("b", a.ChannelShares[0].Key);
        Assert.Equal(0.75, a.ChannelShares[0].Value, 6);
        Assert.Equal(1.0, a.ChannelShares.Sum(kv => kv.Value), 6);
        Assert.Equal(9, a.SpanStart);
        Assert.Equal(14, a.SpanEnd);
    }

    [Fact]
    public void Of_WatchedChannels_SharesTheErrorAmongThemOnly()
    {
        // Given: channel "b" (an input) holds most of the error, but the scores watch "a" and "c" only
        var scores = new SequenceScores([1], [0], [new float[10]], [[1f, 6f, 3f]], [[0f]]) { Watched = [0, 2] };

        // When
        var a = Attribution.Of(["a", "b", "c"], scores, 0);

        // Then: 3 / (1 + 3) and 1 / (1 + 3); "b" is not named
        Assert.Equal(["c", "a"], a.ChannelShares.Select(kv => kv.Key));
        Assert.Equal(0.75, a.ChannelShares[0].Value, 6);
        Assert.Equal(0.25, a.ChannelShares[1].Value, 6);
    }
}
