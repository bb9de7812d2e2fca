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
}
