using VaeAnomaly.Data;

namespace VaeAnomaly.Tests.Data;

public sealed class StandardizerTests
{
    [Fact]
    public void Fit_TwoSequences_UsesEveryStepOfEachChannel()
    {
        // Given: channel a = {1, 3, 5} (mean 3, population sd sqrt(8/3)), channel b constant 2.
        var train = new SequenceSet(["a", "b"], [new Sequence("x", [1, 2, 3, 2]), new Sequence("y", [5, 2])]);

        // When
        var scaler = Standardizer.Fit(train);

        // Then
        Assert.Equal([3.0, 2.0], scaler.Mean);
        Assert.Equal(Math.Sqrt(8.0 / 3.0), scaler.Std[0], 12);
        Assert.Equal(1.0, scaler.Std[1]);
    }

    [Fact]
    public void FitMinMax_TwoSequences_MapsTrainingOntoZeroOne()
    {
        // Given: channel a = {1, 3, 5} (min 1, range 4), channel b constant 2 (range 1 by convention).
        var train = new SequenceSet(["a", "b"], [new Sequence("x", [1, 2, 3, 2]), new Sequence("y", [5, 2])]);
        var test = new SequenceSet(["a", "b"], [new Sequence("t", [7, 2, -1, 3])]);

        // When
        var scaler = Standardizer.Fit(train, ScalerKind.MinMax);

        // Then: 1 -> 0, 3 -> 0.5, 5 -> 1; outside the training range stays outside
        Assert.Equal([1.0, 2.0], scaler.Mean);
        Assert.Equal([4.0, 1.0], scaler.Std);
        Assert.Equal([0f, 0f, 0.5f, 0f], scaler.Transform(train).Sequences[0].Values);
        Assert.Equal([1.5f, 0f, -0.5f, 1f], scaler.Transform(test).Sequences[0].Values);
    }

    [Fact]
    public void Transform_OtherSplit_AppliesTrainingStatistics()
    {
        var scaler = new Standardizer([10.0], [2.0]);
        var test = new SequenceSet(["a"], [new Sequence("t", [10, 14, 6])]);

        var scaled = scaler.Transform(test);

        Assert.Equal([0f, 2f, -2f], scaled.Sequences[0].Values);
        Assert.Equal("t", scaled.Sequences[0].Id);
    }

    [Fact]
    public void Transform_WrongChannelCount_Throws()
    {
        var scaler = new Standardizer([0.0, 0.0], [1.0, 1.0]);
        var data = new SequenceSet(["a"], [new Sequence("t", [1])]);

        Assert.Throws<ArgumentException>(() => scaler.Transform(data));
    }
}
