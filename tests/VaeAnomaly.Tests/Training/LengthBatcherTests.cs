using VaeAnomaly.Data;
using VaeAnomaly.Training;

namespace VaeAnomaly.Tests.Training;

public sealed class LengthBatcherTests
{
    private static SequenceSet WithLengths(params int[] lengths) =>
        new(["x"], lengths.Select((l, i) => new Sequence($"{i}", new float[l])).ToArray());

    [Fact]
    public void Batches_NoRandom_GroupsNeighbouringLengthsInOrder()
    {
        var set = WithLengths(50, 200, 51, 199, 120, 121);

        var batches = LengthBatcher.Batches(set, 2);

        Assert.Equal([[0, 2], [4, 5], [3, 1]], batches);
    }

    [Fact]
    public void Batches_WithRandom_CoversEveryIndexOnceAndKeepsLengthsClose()
    {
        // 2,000 lengths in 50..200 (synthetic-v1's training split) in batches of 64: each batch spans a few steps.
        var rng = new Random(1);
        var lengths = Enumerable.Range(0, 2000).Select(_ => rng.Next(50, 201)).ToArray();
        var set = WithLengths(lengths);

        var batches = LengthBatcher.Batches(set, 64, new Random(2));

        Assert.Equal(Enumerable.Range(0, 2000), batches.SelectMany(b => b).Order());
        var padding = batches.Sum(b => b.Max(i => lengths[i]) * b.Length - b.Sum(i => lengths[i]));
        Assert.True(padding < 0.03 * lengths.Sum(), $"padding {padding} steps of {lengths.Sum()}");
    }

    [Fact]
    public void Batches_SameSeed_SameOrder()
    {
        var set = WithLengths(5, 6, 7, 8, 9, 10, 11, 12);

        Assert.Equal(LengthBatcher.Batches(set, 3, new Random(9)), LengthBatcher.Batches(set, 3, new Random(9)));
    }
}
