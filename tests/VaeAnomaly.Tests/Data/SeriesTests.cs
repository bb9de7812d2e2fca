using VaeAnomaly.Data;

namespace VaeAnomaly.Tests.Data;

public sealed class SeriesTests
{
    [Theory]
    [InlineData(5, false, "got 5 values.")]
    [InlineData(6, true, "got 6 values and 2 labels.")]
    public void Constructor_ValuesOrLabelsNotOnePerTimestamp_AreRefused(int values, bool twoLabels, string got)
    {
        // A series built in code with a row too many or too few was taken, and its slices and scores' files went wrong later
        var error = Assert.Throws<ArgumentException>(() => new Series(["t0", "t1", "t2"], ["a", "b"], new float[values], twoLabels ? [true, false] : null));

        Assert.StartsWith("A series of 3 timestamps and 2 channels holds 6 values", error.Message);
        Assert.EndsWith(got, error.Message);
    }

    [Fact]
    public void Constructor_NoValueColumn_IsRefused() =>
        Assert.Equal("A series needs at least one value column; got none.", Assert.Throws<ArgumentException>(() => new Series(["t0"], [], [], null)).Message);

    [Fact]
    public void Constructor_OneRowPerTimestamp_SlicesAsBefore()
    {
        var series = new Series(["t0", "t1", "t2"], ["a", "b"], [1, 2, 3, 4, 5, 6], [false, true, false]);

        var slice = series.Slice(1, 2);

        Assert.Equal([3f, 4f, 5f, 6f], slice.Values);
        Assert.Equal([true, false], slice.Labels!);
        Assert.Equal(["t1", "t2"], slice.Timestamps);
    }
}
