using VaeAnomaly.Data;

namespace VaeAnomaly.Tests.Data;

public sealed class SlidingWindowsTests
{
    [Theory]
    [InlineData(10, 4, 3, new[] { 0, 3, 6 })]      // 6 = 10 - 4 is also a stride multiple
    [InlineData(11, 4, 3, new[] { 0, 3, 6, 7 })]   // the last window always ends at the last step
    [InlineData(4, 4, 2, new[] { 0 })]
    [InlineData(3, 4, 2, new[] { 0 })]             // shorter than the window: one window of its own length
    public void Starts_KnownLengths_GiveHandComputedStarts(int steps, int length, int stride, int[] expected)
    {
        Assert.Equal(expected, SlidingWindows.Starts(steps, length, stride));
    }

    [Fact]
    public void Count_EveryShortCase_EqualsTheStartsGiven()
    {
        for (var steps = 1; steps <= 40; steps++)
        {
            for (var length = 1; length <= 12; length++)
            {
                for (var stride = 1; stride <= 9; stride++)
                {
                    Assert.Equal(SlidingWindows.Starts(steps, length, stride).Count(), SlidingWindows.Count(steps, length, stride));
                }
            }
        }
    }

    [Fact]
    public void Cut_MoreValuesThanHeldAtOnce_RefusedBeforeCopying_WithTheSmallestStrideThatFits()
    {
        // Given: the probe's case, 210,000 steps of 2 channels in windows of 4,096: every step makes 205,905 windows,
        // 1,686,773,760 values; every 3 steps 68,636 windows (562,266,112 values), every 4 steps 51,477 (421,699,584),
        // the first under 500,000,000
        var set = new SequenceSet(["a", "b"], [new Sequence("s", new float[210_000 * 2])]);

        // When
        var e = Assert.Throws<ArgumentException>(() => SlidingWindows.Cut(set, 4096, 1));

        // Then
        Assert.Contains("would hold 1,686,773,760 values", e.Message, StringComparison.Ordinal);
        Assert.Contains("a stride of at least 4 steps", e.Message, StringComparison.Ordinal);
        Assert.Equal(421_699_584, SlidingWindows.ValuesOf(set, 4096, 4));
        Assert.Equal(562_266_112, SlidingWindows.ValuesOf(set, 4096, 3));
    }

    [Fact]
    public void Cut_TwoChannelSequences_CopiesTheRightValuesAndRemembersOwners()
    {
        // Given: sequence "a" of 5 steps with values t*10 + channel, and "b" of 2 steps.
        var a = new Sequence("a", Enumerable.Range(0, 5).SelectMany(t => new float[] { t * 10, (t * 10) + 1 }).ToArray());
        var b = new Sequence("b", [100, 101, 110, 111]);
        var set = new SequenceSet(["x", "y"], [a, b]);

        // When
        var cut = SlidingWindows.Cut(set, length: 3, stride: 2);

        // Then
        Assert.Equal(["a@0", "a@2", "b@0"], cut.Windows.Sequences.Select(s => s.Id));
        Assert.Equal([0, 0, 1], cut.Owner);
        Assert.Equal([0, 2, 0], cut.Start);
        Assert.Equal([20f, 21f, 30f, 31f, 40f, 41f], cut.Windows.Sequences[1].Values);
        Assert.Equal(2, cut.Windows.LengthOf(2));
    }

    [Fact]
    public void MaxPerSequence_WindowsOfTwoSequences_GivesEachSequenceItsLargestWindowScore()
    {
        // Given: "a" of 5 steps cut into windows a@0 and a@2, "b" of 2 steps into b@0
        var set = new SequenceSet(["x"], [new Sequence("a", [0, 1, 2, 3, 4]), new Sequence("b", [5, 6])]);
        var cut = SlidingWindows.Cut(set, length: 3, stride: 2);

        // When
        var scores = cut.MaxPerSequence([0.5f, 2.5f, -1f], sequences: 2);

        // Then: a takes the larger of its two windows' scores; b its one window's, even a negative one
        Assert.Equal([2.5f, -1f], scores);
        Assert.Throws<ArgumentOutOfRangeException>(() => cut.MaxPerSequence([1f], sequences: 2));
    }

    [Fact]
    public void RemoveLevels_TwoChannelWindow_SubtractsEachChannelsOwnMean()
    {
        // Given: channel x = 1, 2, 6 (mean 3) and channel y = 10, 10, 13 (mean 11); a second window 5, 5 | 7, 9.
        var set = new SequenceSet(["x", "y"], [new Sequence("w@0", [1, 10, 2, 10, 6, 13]), new Sequence("w@1", [5, 7, 5, 9])], [new SequenceLabel(false, SequenceLabel.Normal), new SequenceLabel(true, "spike")]);

        // When
        var centred = SlidingWindows.RemoveLevels(set);

        // Then: ids and labels kept, values minus the window's own per-channel mean.
        Assert.Equal([-2f, -1f, -1f, -1f, 3f, 2f], centred.Sequences[0].Values);
        Assert.Equal([0f, -1f, 0f, 1f], centred.Sequences[1].Values);
        Assert.Equal(["w@0", "w@1"], centred.Sequences.Select(s => s.Id));
        Assert.Equal(set.Labels, centred.Labels);
        Assert.Equal([1f, 10f, 2f, 10f, 6f, 13f], set.Sequences[0].Values); // the source is not changed
    }
}
