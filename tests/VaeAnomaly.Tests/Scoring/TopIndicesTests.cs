using VaeAnomaly.Scoring;

namespace VaeAnomaly.Tests.Scoring;

public sealed class TopIndicesTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(50)]
    public void Of_ScoresWithTies_EqualsAStableDescendingSortCutToTheCount(int count)
    {
        // Given: 40 scores with many ties (ten distinct values)
        var rng = new Random(3);
        var scores = Enumerable.Range(0, 40).Select(_ => (float)rng.Next(10)).ToArray();

        // When
        var top = TopIndices.Of(scores, count);

        // Then: LINQ's OrderByDescending is stable, so among ties the earlier index comes first
        Assert.Equal(Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).Take(count), top);
    }
}
