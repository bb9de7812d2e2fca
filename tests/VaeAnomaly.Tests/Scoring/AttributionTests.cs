using VaeAnomaly.Scoring;

namespace VaeAnomaly.Tests.Scoring;

public sealed class AttributionTests
{
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
}
