using VaeAnomaly.Scoring;

namespace VaeAnomaly.Tests.Scoring;

public sealed class TopScoresTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(40)]
    [InlineData(1000)]
    public void Offer_RandomStreamWithTies_KeepsWhatAStableFullSortKeeps(int capacity)
    {
        // Given: 500 scores with many ties (rounded to one decimal)
        var rng = new Random(7);
        var scores = Enumerable.Range(0, 500).Select(_ => MathF.Round((float)rng.NextDouble() * 10, 1)).ToArray();
        var top = new TopScores<int>(capacity);
        var built = 0;

        // When
        for (var i = 0; i < scores.Length; i++)
        {
            var index = i;
            top.Offer(scores[i], () => { built++; return index; });
        }

        // Then: the reference is a stable sort by descending score (earlier item first among ties)
        var expected = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).Take(capacity).ToArray();
        Assert.Equal(expected, top.Items.Select(x => x.Item));
        Assert.Equal(expected.Select(i => scores[i]), top.Items.Select(x => x.Score));
        Assert.True(capacity == 0 ? built == 0 : built < scores.Length || capacity >= scores.Length, $"built {built} items"); // only admitted items are built
    }

    [Fact]
    public void Create_NegativeCapacity_Refused() => Assert.Throws<ArgumentOutOfRangeException>(() => new TopScores<int>(-1));
}
