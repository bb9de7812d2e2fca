using VaeAnomaly.Data;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Tests.Data;

public sealed class SequenceSetTests
{
    private static float[] Wave(int length) => [.. Enumerable.Range(0, length * 2).Select(i => (float)Math.Sin(i * 0.3))];

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    [InlineData(-2e18f, "-2E+18")]
    public void Constructor_ValueOutOfRange_IsRefusedNamingSequenceStepAndChannel(float bad, string shown)
    {
        // Given: a value in the middle of a long sequence (past the vectorised blocks' first lanes) and one in its last steps
        foreach (var at in new[] { (57 * 2) + 1, (99 * 2) + 1 })
        {
            var values = Wave(100);
            values[at] = bad;

            // When
            var error = Assert.Throws<ArgumentException>(() => new SequenceSet(["a", "b"], [new Sequence("ok", Wave(100)), new Sequence("pump 7", values)]));

            // Then
            Assert.StartsWith($"Sequence 'pump 7' holds {shown} at step {at / 2}, channel 'b'; expected a finite number within ±1e18", error.Message);
        }
    }

    [Theory]
    [InlineData(new[] { "a", "a" }, "Channel 'a' appears twice; expected unique channel names")]
    [InlineData(new[] { "a", " " }, "Channel 2 has no name; expected a name for every channel")]
    public void Constructor_ChannelNamedTwiceOrNotAtAll_IsRefused(string[] names, string expected)
    {
        // A bundle's manifest refuses a channel named twice, so such a model could be fitted and saved but never loaded
        var error = Assert.Throws<ArgumentException>(() => new SequenceSet(names, [new Sequence("s", Wave(10))]));

        Assert.StartsWith(expected, error.Message);
    }

    [Fact]
    public void Constructor_ValuesAtTheReadersLimit_AreKept()
    {
        var values = Wave(40);
        (values[0], values[79]) = (1e18f, -1e18f);

        var set = new SequenceSet(["a", "b"], [new Sequence("edge", values)]);

        Assert.Equal(40, set.LengthOf(0));
    }

    [Fact]
    public void Fit_TrainingDataWithANaNBuiltInCode_IsRefusedBeforeAnyModelSeesIt()
    {
        // Given: what a library user could pass before the check: a NaN made a dense model's training "diverge" and a
        // NaN in scored data gave a NaN score that no threshold flags
        var poisoned = Wave(64);
        poisoned[10] = float.NaN;

        // When / Then: the set itself cannot be made, so neither Fit nor Score can be handed it
        var error = Assert.Throws<ArgumentException>(() => DetectorRegistry.Create("range").Fit(new SequenceSet(["a", "b"], [new Sequence("train", poisoned)]), new SequenceSet(["a", "b"], [new Sequence("val", Wave(64))])));
        Assert.Contains("'train' holds NaN at step 5, channel 'a'", error.Message);
    }

    [Fact]
    public void ConstantChannels_NameEachChannelThatHoldsOneValueAcrossEverySequence()
    {
        // a: 2 everywhere; b: varies within s2; c: constant within each sequence but not across them
        var set = new SequenceSet(["a", "b", "c"], [new Sequence("s1", [2, 1, 0, 2, 1, 0]), new Sequence("s2", [2, 1, 7, 2, 3, 7])]);

        Assert.Equal([(0, 2f)], set.ConstantChannels());
    }
}
